// The consumers pin the upstream versions the TypeScript app runs (package-lock.json) and the jsii runtime of the
// jsii-pacmak that generates the bindings, so a bump on one side only fails here, offline.
import * as fs from 'fs';
import * as path from 'path';
import { expectedPins, goPins, mavenPins, pinMismatches, pythonPins } from '../../../scripts/bindings/pins';

const root = path.resolve(__dirname, '..', '..', '..');
const consumer = (file: string) => fs.readFileSync(path.join(root, 'test', 'consumers', file), 'utf-8');

test('expected pins come from package-lock.json: cdk8s, cdk8s-plus-27, constructs and the jsii-pacmak version', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf-8')).packages;
  expect(expectedPins(root)).toEqual({
    cdk8s: lock['node_modules/cdk8s'].version,
    'cdk8s-plus-27': lock['node_modules/cdk8s-plus-27'].version,
    constructs: lock['node_modules/constructs'].version,
    'jsii-runtime': lock['node_modules/jsii-pacmak'].version,
  });
});

test.each([
  ['python/requirements.txt', pythonPins],
  ['java/pom.xml', mavenPins],
  ['go/go.mod', goPins],
])('test/consumers/%s pins exactly those versions', (file, read) => {
  expect(pinMismatches(file, read(consumer(file)), expectedPins(root))).toEqual([]);
});

test('the Python requirements file pins every package with a sha256 hash', () => {
  const text = consumer('python/requirements.txt');
  const packages = text.split(/\n(?=\S)/).filter((entry) => /^[A-Za-z0-9]/.test(entry));
  expect(packages.length).toBeGreaterThan(5);
  for (const entry of packages) expect(entry).toMatch(/^\S+==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}/);
});

test('each reader finds its pins, and a mismatch or a missing pin is reported', () => {
  const expected = { cdk8s: '2.70.106', 'jsii-runtime': '1.140.0' };
  expect(pythonPins('cdk8s==2.70.1 \\\n    --hash=sha256:00\nJSII==1.140.0 ; python_version >= "3.10"\n# cdk8s==9\n')).toEqual({
    cdk8s: '2.70.1',
    'jsii-runtime': '1.140.0',
  });
  const pom = `<dependency><groupId>org.cdk8s</groupId><artifactId>cdk8s</artifactId><version>2.70.106</version></dependency>
    <dependency><groupId>other</groupId><artifactId>cdk8s</artifactId><version>1</version></dependency>`;
  expect(mavenPins(pom)).toEqual({ cdk8s: '2.70.106' });
  const goMod =
    'module x\n\nrequire github.com/aws/jsii-runtime-go v1.140.0\n\n' +
    'require (\n\tgithub.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 v2.70.106 // indirect\n)\n';
  expect(goPins(goMod)).toEqual(expected);
  expect(pinMismatches('x', { cdk8s: '2.70.1' }, expected)).toEqual([
    'x: cdk8s is 2.70.1, expected 2.70.106',
    'x: jsii-runtime is not pinned, expected 1.140.0',
  ]);
});
