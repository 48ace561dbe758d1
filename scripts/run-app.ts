// `EDGE_APP_MODULE=<module> node -r @swc-node/register scripts/run-app.ts`: synthesizes `createApp().app` of
// <module> into $CDK8S_OUTDIR. The --app command that scripts/synth-helm.ts hands to `cdk8s synth`, so any module
// exporting createApp() (main.ts, test fixtures) can be synthesized by the CLI, and a bad property surfaces as
// one line. The module comes through the environment because the CLI's argument parser mangles quoted paths.
import * as path from 'path';

try {
  const { createApp } = require(path.resolve(process.env.EDGE_APP_MODULE ?? 'main.ts'));
  createApp().app.synth();
} catch (error) {
  process.stderr.write(`app error: ${(error as Error).message}\n`);
  process.exit(1);
}
