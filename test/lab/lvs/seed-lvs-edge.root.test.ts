/*
 * The LVS lab's seed variant: the seed document's virtual_server, on lab addresses, with only the
 * keywords that keepalived rejects corrected, and a keepalived that runs VRRP and checkers: the real keepalived's check.
 */
import { seedLvsEdge } from '../../../lab/lvs/lvs-edge';
import { checkKeepalivedConfig, describeWithKeepalived } from '../../support/keepalived-check';

describeWithKeepalived('seed LVS edge against the real keepalived', () => {
  test('passes keepalived -t on every lab node', async () => {
    const edge = seedLvsEdge('seed');
    const ids = edge.nodes.map((n) => n.name);
    const results = await checkKeepalivedConfig(edge.keepalivedConf, {
      interfaceName: edge.interfaceName,
      configIds: ids,
      nodeAddresses: Object.fromEntries(edge.nodes.map((n) => [n.name, `${n.address}/${edge.subnetPrefix}`])),
    });
    expect(results.map((r) => ({ id: r.configId, stderr: r.stderr, code: r.exitCode }))).toEqual(
      ids.map((id) => ({ id, stderr: '', code: 0 })),
    );
  });
});
