/**
 * `npm run lab -- <suite> [flags]`: the HA labs, real keepalived on network-namespace edge nodes.
 *   vrrp  the failover scenarios (lab/vrrp/vrrp-run.ts)           lvs  LVS direct routing, in User-Mode Linux without IP_VS
 *   day2  config changes, rollouts, status (day2-run.ts) all  vrrp and lvs in one report, then day2
 * Every suite takes --short (default) or --full, and --out DIR or --write-results (the committed lab/results).
 * Exit codes: 0 every target met, 1 a target missed, 2 the lab could not run.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { EXIT_CANNOT_RUN, UsageError, runLabCli } from './core/cli';
import { DAY2_USAGE, runDay2Lab } from './day2/day2-run';
import { VRRP_USAGE, parseVrrpArgs, runVrrpLab } from './vrrp/vrrp-run';

const SUITES = ['vrrp', 'lvs', 'day2', 'all'] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `usage: npm run lab -- ${SUITES.join('|')} [flags]   (npm run lab -- <suite> --help for a suite's flags)

${VRRP_USAGE}

${DAY2_USAGE}

all: vrrp and lvs (one report), then day2 (in DIR/day2); takes --short|--full and --out DIR | --write-results.`;

async function main(): Promise<number> {
  const [suite, ...rest] = process.argv.slice(2);
  if (suite === '--help' || suite === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!(SUITES as readonly string[]).includes(suite))
    throw new UsageError(`the first argument names the suite: ${SUITES.join(', ')}; got ${JSON.stringify(suite ?? '')}`);
  switch (suite as Suite) {
    case 'day2':
      return runDay2Lab(rest);
    case 'vrrp':
    case 'lvs':
      await runVrrpLab(parseVrrpArgs(rest, suite as 'vrrp' | 'lvs'));
      return Number(process.exitCode ?? 0);
    case 'all': {
      const args = parseVrrpArgs(rest, 'all');
      await runVrrpLab(args);
      const vrrp = Number(process.exitCode ?? 0);
      // day2 in a process of its own (its own namespaces and cleanup), its results beside the others.
      const mode = args.mode.name === 'full' ? '--full' : '--short';
      const day2Out = rest.includes('--write-results') ? ['--write-results'] : ['--out', path.join(args.out, 'day2')];
      const day2 =
        spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), __filename, 'day2', mode, ...day2Out], {
          stdio: 'inherit',
        }).status ?? EXIT_CANNOT_RUN;
      return Math.max(vrrp, day2);
    }
  }
}

runLabCli('lab', USAGE, main);
