// `npm run label-nodes`: prints the `kubectl label nodes <name> <key>=<value> --overwrite` command of every
// configured edge node (EdgeIngress.labelCommands(), so a custom nodeLabel is honoured); both DaemonSets only
// schedule on labelled nodes. `npm run label-nodes -- --apply` runs them with kubectl (current context), one
// node at a time, stopping at the first failure. The app is fully synthesized (validated) first, so bad input
// labels nothing.
//
// Options: --apply; --app <module exporting createApp()> (default main.ts)
import { spawnSync } from 'child_process';
import * as path from 'path';
import { parseArgs } from 'util';

const root = path.resolve(__dirname, '..');

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment of the kubectl processes (PATH decides which kubectl runs). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The label commands of the app in `appModule`, after it synthesized without errors. */
export function labelCommands(appModule: string): string[] {
  const { createApp } = require(path.resolve(appModule));
  const { app, edge } = createApp();
  app.synthYaml(); // runs every construct validation, writes nothing
  return edge.labelCommands();
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: Io): number {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: { apply: { type: 'boolean', default: false }, app: { type: 'string', default: path.join(root, 'main.ts') } },
    }).values;
  } catch (error) {
    io.stderr(`label-nodes: ${(error as Error).message}\nusage: npm run label-nodes [-- --apply] [--app <module>]\n`);
    return 2;
  }

  let commands: string[];
  try {
    commands = labelCommands(options.app!);
  } catch (error) {
    io.stderr(`label-nodes failed: ${(error as Error).message}\nno node was labelled\n`);
    return 1;
  }

  if (!options.apply) {
    io.stdout(commands.map((command) => `${command}\n`).join(''));
    return 0;
  }

  for (const [i, command] of commands.entries()) {
    // Node names and label parts are validated Kubernetes names: no spaces, so splitting is exact.
    const [program, ...args] = command.split(/\s+/);
    io.stdout(`$ ${command}\n`);
    const result = spawnSync(program, args, { encoding: 'utf-8', env: io.env ?? process.env });
    if (result.stdout) io.stdout(result.stdout);
    if (result.stderr) io.stderr(result.stderr);
    if (result.error || result.status !== 0) {
      const why = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
        ? `${program} was not found on PATH`
        : `\`${command}\` failed (${result.error ? result.error.message : `exit ${result.status}`})`;
      const remaining = commands.slice(i + 1).map((c) => c.split(/\s+/)[3]);
      io.stderr(`label-nodes: ${why}; labelled ${i} of ${commands.length} nodes` +
        (remaining.length > 0 ? `, not attempted: ${remaining.join(', ')}` : '') + '\n');
      return 1;
    }
  }
  io.stdout(`labelled ${commands.length} node${commands.length === 1 ? '' : 's'}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
