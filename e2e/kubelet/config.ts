/**
 * The configuration files of one real node (a kubelet and its containerd), as pure functions of where the node
 * keeps its state. Nothing here touches the machine: e2e/kubelet/node.ts writes these files and starts the
 * processes.
 *
 * Several nodes share one host, so every path a kubelet or containerd would take by default (/var/lib/kubelet,
 * /var/lib/containerd, /run/containerd, /etc/cni/net.d, /var/log/pods, the cgroup root) is given per node.
 */
import * as path from 'path';
import { stringify as toToml } from 'smol-toml';
import { stringify as toYaml } from 'yaml';

/** The directories one node owns, all below `dir`. */
export interface NodeLayout {
  readonly dir: string;
  readonly kubeletRoot: string;
  readonly podLogs: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly runcRoot: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly kubeletConfig: string;
  readonly containerdConfig: string;
  readonly kubeconfig: string;
  readonly resolvConf: string;
  readonly logDir: string;
}

export function nodeLayout(dir: string): NodeLayout {
  const p = (...parts: string[]): string => path.join(dir, ...parts);
  return {
    dir,
    kubeletRoot: p('kubelet'),
    podLogs: p('pod-logs'),
    containerdRoot: p('containerd', 'root'),
    containerdState: p('containerd', 'state'),
    // A unix socket path must stay under 108 bytes; the node's directory is short (see node.ts).
    containerdSocket: p('containerd', 'containerd.sock'),
    runcRoot: p('containerd', 'runc'),
    cniConfDir: p('cni', 'net.d'),
    cniDataDir: p('cni', 'data'),
    kubeletConfig: p('kubelet-config.yaml'),
    containerdConfig: p('containerd', 'config.toml'),
    kubeconfig: p('kubelet.kubeconfig'),
    resolvConf: p('resolv.conf'),
    logDir: p('logs'),
  };
}

/** Where Debian's containernetworking-plugins installs the CNI plugins (not upstream's /opt/cni/bin). */
export const DEBIAN_CNI_BIN_DIR = '/usr/lib/cni';

export interface ContainerdSettings {
  /** The pause image, fully qualified, already imported: no registry is reachable. */
  readonly sandboxImage: string;
  readonly cniBinDir?: string;
  /** Keep containers' OOM scores at or above containerd's own. @default true */
  readonly restrictOomScoreAdj?: boolean;
  /** @default runc from PATH */
  readonly runcBinary?: string;
}

/**
 * containerd 1.6's configuration (schema version 2). runc runs with cgroupfs (no systemd on the host), and
 * every state path is the node's own.
 */
export function containerdConfig(layout: NodeLayout, settings: ContainerdSettings): string {
  const cri = 'io.containerd.grpc.v1.cri';
  return toToml({
    version: 2,
    root: layout.containerdRoot,
    state: layout.containerdState,
    grpc: { address: layout.containerdSocket },
    ttrpc: { address: `${layout.containerdSocket}.ttrpc` },
    // Snapshotters this host cannot run only add start-up errors to the log.
    disabled_plugins: [
      'io.containerd.snapshotter.v1.aufs',
      'io.containerd.snapshotter.v1.btrfs',
      'io.containerd.snapshotter.v1.zfs',
      'io.containerd.snapshotter.v1.devmapper',
    ],
    plugins: {
      'io.containerd.internal.v1.opt': { path: path.join(layout.dir, 'containerd', 'opt') },
      [cri]: {
        sandbox_image: settings.sandboxImage,
        disable_tcp_service: true,
        // The kubelet asks for scores below containerd's own (-998 for a sandbox); lowering a score needs
        // CAP_SYS_RESOURCE, which a containerized or sandboxed host may withhold from root: clamp instead.
        restrict_oom_score_adj: settings.restrictOomScoreAdj ?? true,
        // The kubelet reaches the streaming server (exec, logs -f) from the same network namespace.
        stream_server_address: '127.0.0.1',
        containerd: {
          snapshotter: 'overlayfs',
          default_runtime_name: 'runc',
          runtimes: {
            runc: {
              runtime_type: 'io.containerd.runc.v2',
              options: { SystemdCgroup: false, Root: layout.runcRoot, ...(settings.runcBinary ? { BinaryName: settings.runcBinary } : {}) },
            },
          },
        },
        cni: { bin_dir: settings.cniBinDir ?? DEBIAN_CNI_BIN_DIR, conf_dir: layout.cniConfDir, max_conf_num: 1 },
      },
    },
  });
}

export interface KubeletSettings {
  /** The cgroup (same path in every v1 hierarchy) below which the kubelet puts kubepods; it must exist. */
  readonly cgroupRoot: string;
  /** The node's address: where the kubelet serves (the API server connects there for exec and logs). */
  readonly address: string;
  /** The CA that signs the API server's kubelet-client certificate. */
  readonly clientCaFile: string;
}

/**
 * A KubeletConfiguration for a node without systemd on a cgroup v1 host, modelled on kind's: cgroupfs, no swap
 * check, no disk-pressure eviction (a shared scratch disk would evict the pods the suite measures) and no image
 * garbage collection (the images were imported and cannot be pulled again).
 */
export function kubeletConfig(layout: NodeLayout, settings: KubeletSettings): string {
  return toYaml({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: 'cgroupfs',
    cgroupRoot: settings.cgroupRoot,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    podLogsDir: layout.podLogs,
    address: settings.address,
    healthzBindAddress: '127.0.0.1',
    readOnlyPort: 0,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: settings.clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    imageGCHighThresholdPercent: 100,
    evictionHard: { 'nodefs.available': '0%', 'nodefs.inodesFree': '0%', 'imagefs.available': '0%' },
    // Pods get no name server from the host: the lab's networks are closed.
    resolvConf: layout.resolvConf,
    clusterDomain: 'cluster.local',
    rotateCertificates: false,
    serverTLSBootstrap: false,
  });
}

/** The kubelet's command line: what its configuration file cannot carry. */
export function kubeletArgs(layout: NodeLayout, node: { name: string; address: string }): string[] {
  return [
    `--config=${layout.kubeletConfig}`,
    `--kubeconfig=${layout.kubeconfig}`,
    `--root-dir=${layout.kubeletRoot}`,
    `--hostname-override=${node.name}`,
    `--node-ip=${node.address}`,
    '--v=2',
  ];
}

/**
 * The node's CNI network: a bridge with host-local addresses from `podCidr`. Only pods without hostNetwork use it,
 * but containerd reports the network not ready (and the node stays NotReady) until a configuration exists.
 */
export function cniConfig(layout: NodeLayout, podCidr: string): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'e2e-pods',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: layout.cniDataDir },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}
