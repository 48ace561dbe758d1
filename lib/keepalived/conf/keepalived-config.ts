import { ConfWriter } from './conf-writer';
import { LvsMethod, LvsScheduler, VrrpState, VrrpVersion } from './enums';
import { GlobalDefsProps, renderGlobalDefs, ResolvedGlobalDefs, resolveGlobalDefs } from './global-defs';
import { KeepalivedNode, resolveNodes, ResolvedNode } from './node';
import { renderVirtualServer, ResolvedVirtualServer, resolveVirtualServers, VirtualServerProps } from './virtual-server';
import { checkObject, checkVrrpPassword, Problems } from '../../validation/checks';
import { renderInstance, ResolvedInstance, resolveAuthenticationFile, resolveInstance, VrrpInstanceProps } from './vrrp-instance';
import { renderScript, ResolvedScript, resolveScripts, VrrpScriptProps } from './vrrp-script';

/**
 * Properties of {@link KeepalivedConfig}.
 */
export interface KeepalivedConfigProps {
  /** Every node that runs keepalived with this file. */
  readonly nodes: KeepalivedNode[];
  /** The VRRP instance holding the VIPs. */
  readonly instance: VrrpInstanceProps;
  /**
   * Health check scripts.
   * @default - none
   */
  readonly scripts?: VrrpScriptProps[];
  /**
   * IPVS virtual servers on the VIPs.
   * @default - none (VRRP only)
   */
  readonly virtualServers?: VirtualServerProps[];
  /**
   * Global settings.
   * @default - script user root, GARP delay 1 s, repeat 3, refresh 60 s
   */
  readonly globalDefs?: GlobalDefsProps;
}

/**
 * What every node needs from its host for the virtual servers that use direct routing (the keepalived pod's host
 * preparation is built from it).
 */
export interface DirectRoutingRequirements {
  /** The VRRP interface. */
  readonly interface: string;
  /** The direct-routing VIPs, which each node must accept on `lo`. */
  readonly loopbackAddresses: string[];
  /** The IPVS schedulers in use. */
  readonly schedulers: LvsScheduler[];
}

/**
 * Options of {@link KeepalivedConfig.render}.
 */
export interface KeepalivedRenderOptions {
  /**
   * `includea` this authentication file in the VRRP instance (a bare file name, read from keepalived.conf's
   * directory, or an absolute path; VRRP version 2 only): how a deployment that provides the file (the keepalived
   * DaemonSet, from a Secret) adds it. Not together with `instance.authenticationFile`.
   * @default - `instance.authenticationFile`, if set
   */
  readonly authenticationInclude?: string;
}

/**
 * A validated keepalived.conf shared by every node: per-node lines are `@<node name>` conditionals,
 * selected by starting keepalived with `-i <node name>`.
 */
export class KeepalivedConfig {
  /** The nodes with canonical addresses, in the order given. */
  public readonly nodes: KeepalivedNode[];
  /** VRRP instance name. */
  public readonly instanceName: string;
  /** VRRP version. */
  public readonly version: VrrpVersion;
  /** Advertisement interval in seconds. */
  public readonly advertIntervalSeconds: number;
  /** VIPs as canonical `ADDR/PREFIX`. */
  public readonly virtualIpAddresses: string[];
  /** The node with the highest priority. */
  public readonly preferredMaster: KeepalivedNode;
  /** What the hosts need for direct routing; defined iff any virtual server uses direct routing. */
  public readonly directRouting?: DirectRoutingRequirements;
  /** The VRRP interface. */
  public readonly interfaceName: string;
  /** VRRP router id. */
  public readonly virtualRouterId: number;
  /** Path of the `includea`d authentication file, if any. */
  public readonly authenticationFile?: string;
  /**
   * True when there are no virtual servers: keepalived can run with `--vrrp` (no checker process and
   * no IPVS needed on the host).
   */
  public readonly vrrpOnly: boolean;
  /** Seconds between the new master's first and second round of gratuitous ARP (`vrrp_garp_master_delay`). */
  public readonly garpMasterDelaySeconds: number;

  private readonly text: string;
  private readonly renderWith: (inst: ResolvedInstance) => string;
  private readonly instance: ResolvedInstance;

  constructor(props: KeepalivedConfigProps) {
    const p = new Problems();
    const root = checkObject<KeepalivedConfigProps>(p, 'props', props);
    p.throwIfAny();

    const nodes = resolveNodes(p, root!.nodes);
    const scriptProblems = p.count;
    const scripts = resolveScripts(p, root!.scripts);
    const scriptsValid = p.count === scriptProblems;
    const instance = resolveInstance(p, root!.instance, nodes, scripts, scriptsValid);
    const virtualServers = resolveVirtualServers(p, root!.virtualServers, instance);
    const globalDefs = resolveGlobalDefs(p, root!.globalDefs);
    p.throwIfAny();
    // No problems means every part resolved.
    const inst = instance!;

    const ordered = [...nodes].sort((a, b) => b.priority - a.priority);
    const master = ordered[0];
    this.nodes = nodes.map(publicNode);
    this.preferredMaster = publicNode(master);
    this.instanceName = inst.name;
    this.version = inst.version;
    this.advertIntervalSeconds = inst.advertInterval;
    this.virtualIpAddresses = [...inst.vipTexts];
    this.interfaceName = inst.interfaceName;
    this.virtualRouterId = inst.virtualRouterId;
    this.authenticationFile = inst.authenticationFile;
    this.vrrpOnly = virtualServers.length === 0;
    this.garpMasterDelaySeconds = globalDefs!.garpMasterDelay;

    const direct = virtualServers.filter((vs) => vs.method === LvsMethod.DIRECT_ROUTING);
    if (direct.length > 0) {
      this.directRouting = {
        interface: inst.interfaceName,
        loopbackAddresses: [...new Set(direct.map((vs) => vs.address))],
        schedulers: [...new Set(direct.map((vs) => vs.scheduler))],
      };
    }

    // Rendered once: the input is immutable after validation and render() must be byte-identical.
    this.instance = inst;
    this.renderWith = (i) => render(i, ordered, master, scripts, virtualServers, globalDefs!, direct.length > 0);
    this.text = this.renderWith(inst);
  }

  /** The keepalived.conf for every node; deterministic and ends with '\n'. */
  public render(options?: KeepalivedRenderOptions): string {
    if (options?.authenticationInclude === undefined) return this.text;
    const p = new Problems();
    const include = resolveAuthenticationFile(p, 'authenticationInclude', options.authenticationInclude, this.version);
    if (this.authenticationFile !== undefined) {
      p.add(`authenticationInclude ${JSON.stringify(options.authenticationInclude)}: instance.authenticationFile `
        + `${JSON.stringify(this.authenticationFile)} already includes one (set one of them)`);
    }
    p.throwIfAny();
    return this.renderWith({ ...this.instance, authenticationFile: include });
  }

  /**
   * Content of the `includea`d authentication file (store it in a Secret, not the ConfigMap); VRRP version 2 only.
   * @param password 1-8 printable ASCII characters without whitespace or keepalived special characters
   */
  public renderAuthenticationFile(password: string): string {
    if (this.version !== VrrpVersion.V2) {
      throw new Error(`instance.version ${this.version} has no authentication (VRRPv2 only)`);
    }
    const p = new Problems();
    checkVrrpPassword(p, 'password', password);
    p.throwIfAny();
    return `authentication {\n    auth_type PASS\n    auth_pass ${password}\n}\n`;
  }
}

function publicNode(n: ResolvedNode): KeepalivedNode {
  return { name: n.name, address: n.address, priority: n.priority };
}

/**
 * Seconds between the startup delays of consecutive priorities: more than the spread of nodes that start
 * "together" (a new cluster, a power cut) plus one Master_Down_Interval.
 */
export const COLD_START_STAGGER_SECONDS = 5;

function render(
  inst: ResolvedInstance, ordered: ResolvedNode[], master: ResolvedNode, scripts: ResolvedScript[],
  virtualServers: ResolvedVirtualServer[], globalDefs: ResolvedGlobalDefs,
  directRouting: boolean,
): string {
  const w = new ConfWriter();
  w.comment(
    'keepalived.conf generated by cdk8s-edge-ingress. Do not edit: change the KeepalivedConfig props.',
    'The same file serves every node. Start keepalived with -i <node name>: lines starting with',
    '@<name> apply only to that node, lines starting with @^<name> to every other node.',
  );
  w.blank();
  renderGlobalDefs(w, globalDefs, {
    version: inst.version,
    unicast: inst.unicast,
    syncDaemon: directRouting
      ? { interfaceName: inst.interfaceName, instanceName: inst.name, syncId: inst.virtualRouterId }
      : undefined,
    virtualServers: virtualServers.length > 0,
    // Only without preemption: with it the highest priority takes the VIP anyway (a second move).
    startupDelays: !inst.preempt && inst.initialState === VrrpState.BACKUP
      ? ordered.slice(1).map((n, i) => ({ node: n.name, seconds: (i + 1) * COLD_START_STAGGER_SECONDS }))
      : undefined,
  });
  for (const script of scripts) {
    w.blank();
    renderScript(w, script);
  }
  w.blank();
  renderInstance(w, inst, ordered, master);
  for (const vs of virtualServers) {
    w.blank();
    renderVirtualServer(w, vs);
  }
  return w.toString();
}
