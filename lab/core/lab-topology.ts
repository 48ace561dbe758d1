/**
 * The project defaults under test, exactly as shipped: a lab topology synthesized through the real
 * EdgeIngress construct. The keepalived.conf is taken out of the synthesized ConfigMap and the keepalived
 * arguments and capabilities out of the synthesized DaemonSet, so the lab measures what the cluster runs.
 */
import { EdgeIngressProps, KeepalivedPrivilege } from '../../lib';
import { synthesizeEdge as synthesizeLabEdge } from './synthesized-edge';
import type { EdgeUnderTest } from './edge-under-test';
import { labKeepalivedArgs } from './pod-keepalived-args';

export interface LabTopology {
  readonly nodes: { name: string; address: string }[];
  readonly vip: string;
  readonly subnet: string;
  readonly interfaceName: string;
  readonly webPort: number;
  readonly pingPort: number;
}

/** The lab topology as EdgeIngress props: project defaults with the least-privilege keepalived container. */
export function labEdgeProps(topology: LabTopology): EdgeIngressProps {
  return {
    nodes: topology.nodes,
    virtualIp: topology.vip,
    subnet: topology.subnet,
    interface: topology.interfaceName,
    traefik: { webPort: topology.webPort, adminPort: topology.pingPort },
    keepalived: { privilege: KeepalivedPrivilege.LEAST_PRIVILEGE },
  };
}

export function synthesizeEdge(label: string, topology: LabTopology): EdgeUnderTest {
  const synthesized = synthesizeLabEdge(labEdgeProps(topology));
  const { edge, keepalived, traefik } = synthesized;
  return {
    label,
    keepalivedConf: synthesized.keepalivedConf,
    nodes: edge.nodes.map((n) => ({ name: n.name, address: n.address, priority: n.priority })),
    vip: topology.vip,
    subnetPrefix: Number(topology.subnet.split('/')[1]),
    interfaceName: topology.interfaceName,
    webPort: traefik.webPort,
    pingPort: Number(traefik.pingUrl.port),
    pingPath: traefik.pingUrl.pathname,
    keepalivedArgs: (nodeName, paths) => labKeepalivedArgs(keepalived.args, keepalived.mounts.run, nodeName, paths),
    capabilities: [...keepalived.capabilities],
  };
}
