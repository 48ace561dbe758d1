// `npm run status`: per edge node its VRRP state and priority, the VIPs it holds, whether its Traefik answers
// /ping, and the keepalived.conf revision it runs (and one it refused). Read through kubectl (current context):
// `kubectl get pods` and `kubectl exec` into the keepalived pods, see scripts/edge-view.ts.
//
// Exit status: 0 when the VIP is on exactly one node, 1 when it is on none or on several, 2 when the edge
// could not be read at all.
// Options: --app <module exporting createApp()> (default main.ts); --json
import * as path from 'path';
import { parseArgs } from 'util';
import { EdgeTarget, EdgeView, Kubectl, kubectl, targetFromApp, viewEdge } from './edge-view';

const root = path.resolve(__dirname, '..');

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment of the kubectl processes (PATH decides which kubectl runs). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The table and the verdict lines. */
export function renderView(view: EdgeView, target: EdgeTarget): string {
  const rows = [['NODE', 'POD', 'STATE', 'PRIORITY', 'VIPS', 'TRAEFIK', 'CONFIG']];
  const notes: string[] = [];
  for (const n of view.nodes) {
    const prio = n.priority === null ? '-'
      : n.effectivePriority !== null && n.effectivePriority !== n.priority ? `${n.priority} (now ${n.effectivePriority})` : String(n.priority);
    const current = view.configMapRevision !== null && n.revision === view.configMapRevision;
    rows.push([
      n.node, n.pod, `${n.state ?? '?'}${n.startupDelayLeftS > 0 ? ` (startup delay, ${n.startupDelayLeftS} s left)` : ''}`, prio, n.vips.length ? n.vips.join(',') : '-',
      n.traefikOk === null ? '?' : n.traefikOk ? 'ok' : 'FAILING',
      n.revision === null ? '?' : `${n.revision}${view.configMapRevision === null ? '' : current ? ' (current)' : ' (OLD)'}`,
    ]);
    if (n.problem) notes.push(`${n.node}: ${n.problem}`);
    if (n.rejectedRevision) {
      notes.push(`${n.node}: keepalived -t refused config ${n.rejectedRevision} (${n.rejectedError ?? 'no detail'}); `
        + `it keeps running ${n.revision}`);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
  const verdict = view.holders.length === 1 ? `VIP ${target.virtualIp} is on ${view.holders[0]}`
    : view.holders.length === 0 ? `VIP ${target.virtualIp} is on NO node`
      : `VIP ${target.virtualIp} is on ${view.holders.length} nodes: ${view.holders.join(', ')}`;
  const config = view.configMapRevision === null ? 'ConfigMap revision unknown'
    : `ConfigMap ${target.configMapName} is revision ${view.configMapRevision}`;
  return `${table}\n\n${verdict}\n${config}\n${notes.map((n) => `! ${n}\n`).join('')}`;
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: Io): number {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: { app: { type: 'string', default: path.join(root, 'main.ts') }, json: { type: 'boolean', default: false } },
    }).values;
  } catch (error) {
    io.stderr(`status: ${(error as Error).message}\nusage: npm run status [-- --app <module>] [--json]\n`);
    return 2;
  }
  let target: EdgeTarget;
  let view: EdgeView;
  try {
    target = targetFromApp(options.app!);
    const k: Kubectl = kubectl(io.env ?? process.env);
    view = viewEdge(k, target);
  } catch (error) {
    io.stderr(`status: ${(error as Error).message}\n`);
    return 2;
  }
  if (view.nodes.length === 0) {
    io.stderr(`status: no keepalived pods (-n ${target.namespace} -l ${target.selector})\n`);
    return 2;
  }
  io.stdout(options.json ? `${JSON.stringify(view, null, 2)}\n` : renderView(view, target));
  return view.holders.length === 1 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
