/**
 * The project defaults under test, exactly as shipped: a lab topology synthesized through the real
 * EdgeIngress construct. The keepalived.conf is taken out of the synthesized ConfigMap and the keepalived
 * arguments and capabilities out of the synthesized DaemonSet, so the lab measures what the cluster runs.
 */
import { Testing } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps, KeepalivedPrivilege } from '../lib';
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
  const chart = Testing.chart();
  const edge = new EdgeIngress(chart, 'Edge', labEdgeProps(topology));
  const manifests = Testing.synth(chart);
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === edge.keepalived.configMap.name);
  const daemonSet = manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === edge.keepalived.daemonSet.name);
  const container = daemonSet.spec.template.spec.containers[0];
  const runMount = container.volumeMounts.find((m: { name: string }) => m.name === 'run');
  const configFileName = Object.keys(configMap.data)[0];
  const containerArgs: string[] = container.args;
  const pingUrl = new URL(edge.traefik.pingUrl);

  return {
    label,
    keepalivedConf: configMap.data[configFileName],
    nodes: edge.nodes.map((n) => ({ name: n.name, address: n.address, priority: n.priority })),
    vip: topology.vip,
    subnetPrefix: Number(topology.subnet.split('/')[1]),
    interfaceName: topology.interfaceName,
    webPort: edge.traefik.webPort,
    pingPort: Number(pingUrl.port),
    pingPath: pingUrl.pathname,
    keepalivedArgs: (nodeName, paths) => labKeepalivedArgs(containerArgs, runMount.mountPath, nodeName, paths),
    capabilities: [...container.securityContext.capabilities.add],
  };
}
