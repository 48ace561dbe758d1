/**
 * Which Traefik a lab runs (`--traefik real|standin`, real by default): the real one needs the pinned upstream
 * builds (e2e/tools/build.sh builds them once, then reuses them), the stand-in needs nothing.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { E2E_DIR } from '../../e2e/control-plane';
import { EdgeIngressProps } from '../../lib';
import type { EdgeUnderTest } from '../core/edge-under-test';
import { LabNetwork, missingRealTraefikBinaries, RealTraefik, realTraefikDescription } from './real-traefik';
import { STANDIN_DESCRIPTION, StandinTraefik, TraefikFleet } from './fleet';

export const TRAEFIK_KINDS = ['real', 'standin'] as const;
export type TraefikKind = (typeof TRAEFIK_KINDS)[number];

export function parseTraefikKind(value: string): TraefikKind {
  if (!(TRAEFIK_KINDS as readonly string[]).includes(value)) throw new Error(`--traefik takes ${TRAEFIK_KINDS.join(' or ')}; got ${value}`);
  return value as TraefikKind;
}

/** Builds (or reuses) what the kind needs; returns the problem when it cannot run. */
export function prepareTraefik(kind: TraefikKind): string | undefined {
  if (kind === 'standin') return undefined;
  const build = spawnSync(path.join(E2E_DIR, 'tools', 'build.sh'), [], { stdio: 'inherit' });
  if (build.status !== 0) return 'building the upstream tools (e2e/tools/build.sh) failed';
  const missing = missingRealTraefikBinaries();
  return missing.length ? `missing in e2e/bin after the build: ${missing.join(', ')}` : undefined;
}

/** What ran, for the reports. */
export function describeTraefik(kind: TraefikKind): string {
  return kind === 'real' ? realTraefikDescription() : STANDIN_DESCRIPTION;
}

/**
 * The fleet for a lab cluster. The real one runs the pods synthesized from `props` (the lab topology through
 * EdgeIngress); its ping and web ports are theirs, so they must match `edge`'s, which keepalived checks.
 */
export function traefikFleet(
  kind: TraefikKind,
  props: EdgeIngressProps,
  edge: EdgeUnderTest,
  workDir: string,
): (net: LabNetwork) => TraefikFleet {
  if (kind === 'standin') {
    return (net) =>
      new StandinTraefik({ workDir, webPort: edge.webPort, pingPort: edge.pingPort, pingPath: edge.pingPath, ns: (n) => net.ns(n) });
  }
  return (net) => {
    const fleet = new RealTraefik(net, props, path.join(workDir, 'traefik'));
    const ping = new URL(fleet.pingUrl);
    if (Number(ping.port) !== edge.pingPort || ping.pathname !== edge.pingPath || fleet.webPort !== edge.webPort) {
      throw new Error(
        `the real Traefik's ports (${fleet.pingUrl}, web ${fleet.webPort}) differ from the lab edge's ` +
          `(ping ${edge.pingPort}${edge.pingPath}, web ${edge.webPort})`,
      );
    }
    return fleet;
  };
}
