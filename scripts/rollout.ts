// `npm run rollout`: restarts the keepalived pods that do not run the DaemonSet's current image (the DaemonSet
// uses updateStrategy OnDelete, so nothing restarts on its own): every backup first, the VIP holder last, and
// after each deletion waits until the replacement pod on that node is a healthy BACKUP (and the VIP is on exactly
// one node) before touching the next. The VIP moves once, gracefully, when the holder's pod stops.
// Dry run by default (prints the plan); `--apply` deletes the pods, through kubectl (current context).
//
// Options: --apply; --app <module exporting createApp()> (default main.ts); --timeout <seconds per node> (300)
import * as path from 'path';
import { parseArgs } from 'util';
import { EdgeTarget, EdgeView, Kubectl, NodeView, kubectl, targetFromApp, templateImage, viewEdge } from './edge-view';

const root = path.resolve(__dirname, '..');
const POLL_MS = 2000;

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** The order: outdated backups (lowest priority first), then the outdated VIP holder. */
export function rolloutPlan(view: EdgeView, image: string): NodeView[] {
  const outdated = view.nodes.filter((n) => n.image !== image);
  const backups = outdated.filter((n) => !view.holders.includes(n.node))
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || a.node.localeCompare(b.node));
  return [...backups, ...outdated.filter((n) => view.holders.includes(n.node))];
}

/** Why the edge is not ready for the next step, or null when it is. */
export function notSettled(view: EdgeView, node: string, oldPod: string, image: string): string | null {
  const n = view.nodes.find((v) => v.node === node && v.pod !== oldPod);
  if (!n) return `no new pod on ${node} yet`;
  if (n.image !== image) return `the pod on ${node} runs ${n.image}`;
  if (n.state !== 'BACKUP') return `${node} is ${n.state ?? 'not answering'}${n.problem ? ` (${n.problem})` : ''}`;
  if (n.traefikOk !== true) return `Traefik on ${node} does not answer /ping`;
  // Until its startup delay is over a BACKUP would not take the VIP over: deleting the holder then leaves a gap.
  if (n.startupDelayLeftS > 0) return `${node} is in its vrrp_startup_delay for ${n.startupDelayLeftS} s more`;
  if (view.holders.length !== 1) return `the VIP is on ${view.holders.length} nodes`;
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: {
        apply: { type: 'boolean', default: false },
        app: { type: 'string', default: path.join(root, 'main.ts') },
        timeout: { type: 'string', default: '300' },
      },
    }).values;
  } catch (error) {
    io.stderr(`rollout: ${(error as Error).message}\nusage: npm run rollout [-- --apply] [--app <module>] [--timeout <s>]\n`);
    return 2;
  }
  const timeoutMs = Number(options.timeout) * 1000;
  if (!(timeoutMs > 0)) {
    io.stderr(`rollout: --timeout ${JSON.stringify(options.timeout)} must be a positive number of seconds\n`);
    return 2;
  }
  let target: EdgeTarget;
  let k: Kubectl;
  let image: string;
  let view: EdgeView;
  try {
    target = targetFromApp(options.app!);
    k = kubectl(io.env ?? process.env);
    image = templateImage(k, target);
    view = viewEdge(k, target);
  } catch (error) {
    io.stderr(`rollout: ${(error as Error).message}\n`);
    return 2;
  }
  if (view.holders.length !== 1) {
    io.stderr(`rollout: the VIP is on ${view.holders.length} nodes (${view.holders.join(', ') || 'none'}); `
      + 'fix that first (npm run status)\n');
    return 1;
  }
  const plan = rolloutPlan(view, image);
  if (plan.length === 0) {
    io.stdout(`all ${view.nodes.length} keepalived pods run ${image}\n`);
    return 0;
  }
  io.stdout(`${plan.length} of ${view.nodes.length} keepalived pods to restart for ${image}, VIP holder last:\n`);
  plan.forEach((n, i) => io.stdout(`  ${i + 1}. kubectl delete pod -n ${target.namespace} ${n.pod}   # ${n.node}, `
    + `${view.holders.includes(n.node) ? 'VIP holder: the VIP moves once' : n.state ?? 'state unknown'}\n`));
  if (!options.apply) {
    io.stdout('dry run: nothing deleted (pass --apply to restart them in this order)\n');
    return 0;
  }
  for (const [i, n] of plan.entries()) {
    const started = Date.now();
    io.stdout(`[${i + 1}/${plan.length}] deleting ${n.pod} on ${n.node}\n`);
    try {
      k(['delete', 'pod', '-n', target.namespace, n.pod]);
    } catch (error) {
      io.stderr(`rollout: ${(error as Error).message}; stopped after ${i} of ${plan.length}\n`);
      return 1;
    }
    let why: string | null = 'not looked yet';
    while (Date.now() - started < timeoutMs) {
      await sleep(POLL_MS);
      try {
        why = notSettled(viewEdge(k, target), n.node, n.pod, image);
      } catch (error) {
        why = (error as Error).message;
      }
      if (why === null) break;
    }
    if (why !== null) {
      io.stderr(`rollout: ${n.node} not a healthy BACKUP after ${options.timeout} s (${why}); stopped after ${i} of ${plan.length}\n`);
      return 1;
    }
    io.stdout(`[${i + 1}/${plan.length}] ${n.node} is a healthy BACKUP again after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  io.stdout(`done: all ${view.nodes.length} keepalived pods run ${image}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => { process.exitCode = code; });
}
