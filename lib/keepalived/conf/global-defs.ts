import { ConfWriter } from './conf-writer';
import { VrrpVersion } from './enums';
import { checkInteger, checkObject, Problems, show } from '../../validation/checks';

/**
 * Global settings (`global_defs`) that are not derived from the instance.
 */
export interface GlobalDefsProps {
  /**
   * User that runs scripts (`script_user`); must exist in the keepalived image.
   * @default 'root'
   */
  readonly scriptUser?: string;
  /**
   * Seconds after becoming master before the second burst of gratuitous ARPs (0 = none).
   * @default 1
   */
  readonly garpMasterDelaySeconds?: number;
  /**
   * Gratuitous ARPs per burst.
   * @default 3
   */
  readonly garpMasterRepeat?: number;
  /**
   * Seconds between periodic gratuitous ARPs while master (0 = off). Keeps switch and router tables
   * fresh and repairs clients after a node was killed while still holding the VIP.
   * @default 60
   */
  readonly garpMasterRefreshSeconds?: number;
}

/** Global settings after validation (internal). */
export interface ResolvedGlobalDefs {
  readonly scriptUser: string;
  readonly garpMasterDelay: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefresh: number;
}

/** What the rest of the config contributes to global_defs (internal). */
export interface GlobalDefsContext {
  readonly version: VrrpVersion;
  readonly unicast: boolean;
  /** `lvs_sync_daemon` target when direct-routing virtual servers exist. */
  readonly syncDaemon?: { readonly interfaceName: string; readonly instanceName: string; readonly syncId: number };
  /** Whether keepalived manages IPVS virtual servers. */
  readonly virtualServers?: boolean;
  /** Per-node `vrrp_startup_delay` (seconds); nodes not listed start at once. */
  readonly startupDelays?: ReadonlyArray<{ readonly node: string; readonly seconds: number }>;
}

/** Validates global settings. */
export function resolveGlobalDefs(p: Problems, value: unknown): ResolvedGlobalDefs | undefined {
  const g = value === undefined ? {} : checkObject<GlobalDefsProps>(p, 'globalDefs', value);
  if (g === undefined) {
    return undefined;
  }
  const scriptUser = g.scriptUser ?? 'root';
  let userOk = true;
  if (typeof scriptUser !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(scriptUser)) {
    p.add(`globalDefs.scriptUser ${show(scriptUser)} is not a valid user name`);
    userOk = false;
  }
  const garpMasterDelay = checkInteger(p, 'globalDefs.garpMasterDelaySeconds', g.garpMasterDelaySeconds ?? 1, 0, 3600);
  const garpMasterRepeat = checkInteger(p, 'globalDefs.garpMasterRepeat', g.garpMasterRepeat ?? 3, 1, 100);
  const garpMasterRefresh = checkInteger(p, 'globalDefs.garpMasterRefreshSeconds', g.garpMasterRefreshSeconds ?? 60,
    0, 86400);
  if (!userOk || garpMasterDelay === undefined || garpMasterRepeat === undefined || garpMasterRefresh === undefined) {
    return undefined;
  }
  return { scriptUser, garpMasterDelay, garpMasterRepeat, garpMasterRefresh };
}

/** Renders the `global_defs` block. */
export function renderGlobalDefs(w: ConfWriter, g: ResolvedGlobalDefs, ctx: GlobalDefsContext): void {
  w.block('global_defs', (b) => {
    b.comment('router_id = the config-id given with -i, i.e. the node name');
    b.line('router_id ${_INSTANCE}');
    b.line('enable_script_security');
    b.line(`script_user ${g.scriptUser}`);
    b.line(`vrrp_version ${ctx.version}`);
    if (ctx.unicast) {
      b.comment('ignore adverts whose source is not one of the unicast peers');
      b.line('vrrp_check_unicast_src');
    }
    b.line(`vrrp_garp_master_delay ${g.garpMasterDelay}`);
    b.line(`vrrp_garp_master_repeat ${g.garpMasterRepeat}`);
    b.line(`vrrp_garp_master_refresh ${g.garpMasterRefresh}`);
    if (ctx.startupDelays !== undefined && ctx.startupDelays.length > 0) {
      // Without preemption the first node to time out keeps the VIP, i.e. whichever started first. Holding the
      // lower priorities back at startup lets nodes that start together elect the preferred one (and a lower
      // node still takes over when the preferred one is missing, after its delay).
      b.comment('cold start: lower priorities wait, so nodes starting together elect the highest priority');
      for (const d of ctx.startupDelays) {
        b.onlyFor(d.node, `vrrp_startup_delay ${d.seconds}`);
      }
    }
    const sync = ctx.syncDaemon;
    if (sync !== undefined) {
      // The loop fix for IPVS direct routing when every director is also a real server: the master
      // forwards a connection to node B by rewriting only the destination MAC, so B's IPVS sees a packet
      // for its own virtual service and would schedule it again (possibly back to the master or to C:
      // a ping-pong). The sync daemon follows the VRRP state (master daemon on the VRRP master, backup
      // daemon elsewhere), and with net.ipv4.vs.backup_only=1 (HostPreparation) the kernel disables the
      // director function while the sync daemon is in backup mode, so B delivers the packet locally.
      // It also syncs connection state, so established flows survive a failover.
      b.comment('IPVS direct routing loop guard: with net.ipv4.vs.backup_only=1 only the VRRP master',
        'balances; backups deliver forwarded packets locally (and connection state is synced)');
      b.line(`lvs_sync_daemon ${sync.interfaceName} ${sync.instanceName} id ${sync.syncId}`);
    }
    if (ctx.virtualServers) {
      // Releasing a service dest by dest rebuilds the Maglev table after each one: a node that still directs
      // (the IPVS handover after a stop) would send flows elsewhere than the master does, and a flow sent
      // back to the master loops. One delete per service removes them at once (never lvs_flush: that would
      // also remove kube-proxy's services).
      b.comment('on stop, delete each virtual service in one step, not real server by real server');
      b.line('lvs_flush_on_stop VS');
    }
  });
}
