import { mustRun, requireToolchains, runStep } from '../../../scripts/bindings/run';

test('a missing program is a loud failure that names its Debian package', () => {
  expect(() => requireToolchains(['node', 'edge-no-such-tool'])).toThrow('missing toolchains: edge-no-such-tool');
  expect(() => runStep('edge-no-such-tool', [])).toThrow(/^edge-no-such-tool not found$/);
});

test('runStep reports the exit and the output; mustRun throws on a non-zero exit', () => {
  const ok = runStep(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err")']);
  expect(ok).toMatchObject({ status: 0, output: 'outerr' });
  expect(ok.seconds).toBeGreaterThan(0);
  expect(() => mustRun(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'])).toThrow(/exit 3[\s\S]*boom/);
});
