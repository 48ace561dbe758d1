import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { checkKeepalivedConfig, describeWithKeepalived } from './support/keepalived-check';
import { REPO_ROOT } from './support/paths';

const root = REPO_ROOT;

/** The keepalived.conf exactly as shipped: taken out of the ConfigMap in dist/. */
function shippedKeepalivedConf(): string {
  const docs = fs
    .readdirSync(path.join(root, 'dist'))
    .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(root, 'dist', file), 'utf-8')).map((d) => d.toJS()));
  const configMap = docs.find((d) => d.kind === 'ConfigMap' && d.data?.['keepalived.conf'] !== undefined);
  return configMap.data['keepalived.conf'];
}

describeWithKeepalived('the shipped keepalived.conf (dist/) under the real keepalived', () => {
  test('passes `keepalived -t` with no output for every edge node', async () => {
    const nodes = ['172.20.0.113', '172.20.0.114', '172.20.0.115'];
    const results = await checkKeepalivedConfig(shippedKeepalivedConf(), {
      interfaceName: 'eth0',
      configIds: nodes,
      nodeAddresses: Object.fromEntries(nodes.map((node) => [node, `${node}/17`])),
    });
    expect(results.map((r) => r.configId)).toEqual(nodes);
    for (const result of results) {
      expect({ node: result.configId, stderr: result.stderr, exitCode: result.exitCode }).toEqual({
        node: result.configId,
        stderr: '',
        exitCode: 0,
      });
    }
  });
});
