// `npm run synth:helm`: the app as a Helm chart in helm/cdk8s-edge-ingress, through the project's own cdk8s CLI
// (`cdk8s synth --format helm`, chart version = package.json version). The CLI empties its output folder first,
// so it writes into a scratch folder that replaces the chart only when the app, the CLI and our checks all
// succeeded; bad input leaves helm/ as it was. The static manifests are then made configurable and values.yaml,
// its schema, NOTES.txt, Chart.yaml and the chart README written (scripts/helm-chart.ts; cdk8s names the chart
// after the working directory and sets no appVersion). The default chart also rewrites the values table of the
// repository README.
//
// Options (for tests and other topologies): --app <module exporting createApp()> --out <chart folder>
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { CHART_DIR, chartValuesTable, finalizeChart, packageJson, withValuesTable } from './helm-chart';
import { replaceDirectory, scratchDirectory } from './swap-directory';

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: { app: { type: 'string', default: path.join(root, 'main.ts') }, out: { type: 'string', default: CHART_DIR } },
});
const target = path.resolve(values.out!);
const relative = path.relative(process.cwd(), target) || '.';
const version = packageJson().version;

// The CLI runs --app through a shell, from the repository root; the module goes through the environment.
const appCommand = 'node -r @swc-node/register scripts/run-app.ts';

const scratch = scratchDirectory(target);
try {
  const cli = spawnSync(path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['synth', '--format', 'helm', '--chart-version', version, '--no-check-upgrade', '--output', scratch, '--app', appCommand],
    { cwd: root, encoding: 'utf-8', env: { ...process.env, EDGE_APP_MODULE: path.resolve(values.app!) } });
  if (cli.error) throw cli.error;
  if (cli.status !== 0) {
    // The app's message (possibly several lines, one per problem) ends where the CLI's own report starts.
    const marker = cli.stderr.indexOf('app error: ');
    const appError = marker < 0 ? undefined : cli.stderr.slice(marker + 'app error: '.length).split(/^Error: command /m)[0].trim();
    const output = `${cli.stderr}\n${cli.stdout}`.split('\n').filter((line) => line.trim() !== '');
    throw new Error(appError ?? `cdk8s synth exited with ${cli.status}:\n${output.slice(-5).join('\n')}`);
  }
  // The CLI synthesized the app; the same app in-process gives NOTES.txt its nodes, VIP and interface.
  const { edge } = require(path.resolve(values.app!)).createApp();
  finalizeChart(scratch, version, edge, fs.readFileSync(path.join(scratch, 'Chart.yaml'), 'utf-8'));
  replaceDirectory(scratch, target);
  if (target === CHART_DIR) {
    const readme = path.join(root, 'README.md');
    fs.writeFileSync(readme, withValuesTable(fs.readFileSync(readme, 'utf-8'), chartValuesTable(target)));
  }
  const appVersion = /^appVersion: (.*)$/m.exec(fs.readFileSync(path.join(target, 'Chart.yaml'), 'utf-8'))?.[1];
  process.stdout.write(`wrote ${relative}/ (chart ${version}, appVersion ${appVersion})\n`);
} catch (error) {
  fs.rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`helm synth failed: ${(error as Error).message}\n${relative}/ was left unchanged\n`);
  process.exit(1);
}
