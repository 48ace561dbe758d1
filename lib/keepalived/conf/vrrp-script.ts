import { ConfWriter } from './conf-writer';
import { checkArray, checkCommand, checkInteger, checkObject, checkWord, Problems } from '../../validation/checks';

/**
 * A health check (`vrrp_script`) that VRRP instances can track.
 */
export interface VrrpScriptProps {
  /** Script name, e.g. 'chk_traefik'. */
  readonly name: string;
  /**
   * Full command line starting with the absolute path of the program, e.g.
   * '/usr/bin/curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:8080/ping'.
   * keepalived runs it without a shell; exit status 0 means healthy.
   */
  readonly command: string;
  /**
   * Seconds between runs; keepalived 2.2.7 only takes whole seconds.
   * @default 1
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds after which a run counts as failed; whole seconds.
   * @default 1
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the check is down.
   * @default 2
   */
  readonly fall?: number;
  /**
   * Consecutive successes before the check is up again.
   * @default 2
   */
  readonly rise?: number;
  /**
   * Priority change while failing (negative) or while succeeding (positive), -253..253.
   * 0 puts the instance into FAULT on failure: a failing master sends a priority-0 advert and the VIP
   * moves after one skew time, the fastest failover.
   * @default 0
   */
  readonly weight?: number;
}

/** A script after validation (internal). */
export interface ResolvedScript {
  readonly name: string;
  readonly command: string;
  readonly interval: number;
  readonly timeout: number;
  readonly fall: number;
  readonly rise: number;
  readonly weight: number;
}

/** keepalived 2.2.7: `vrrp script interval '0.5' must be between 1 and 4294`. */
export const MAX_SCRIPT_SECONDS = 4294;
/** Upper bound of fall and rise (keepalived 2.2.7). */
export const MAX_SCRIPT_FALL_RISE = 1000;

/** Validates the scripts; names must be unique. */
export function resolveScripts(p: Problems, value: unknown): ResolvedScript[] {
  if (value === undefined) {
    return [];
  }
  const scripts = checkArray<VrrpScriptProps>(p, 'scripts', value) ?? [];
  const resolved: ResolvedScript[] = [];
  const names = new Map<string, number>();
  scripts.forEach((raw, i) => {
    const path = `scripts[${i}]`;
    const s = checkObject<VrrpScriptProps>(p, path, raw);
    if (s === undefined) {
      return;
    }
    const name = checkWord(p, `${path}.name`, s.name, 64);
    const command = checkCommand(p, `${path}.command`, s.command);
    const interval = checkInteger(p, `${path}.intervalSeconds`, s.intervalSeconds ?? 1, 1, MAX_SCRIPT_SECONDS);
    const timeout = checkInteger(p, `${path}.timeoutSeconds`, s.timeoutSeconds ?? 1, 1, MAX_SCRIPT_SECONDS);
    const fall = checkInteger(p, `${path}.fall`, s.fall ?? 2, 1, MAX_SCRIPT_FALL_RISE);
    const rise = checkInteger(p, `${path}.rise`, s.rise ?? 2, 1, MAX_SCRIPT_FALL_RISE);
    const weight = checkInteger(p, `${path}.weight`, s.weight ?? 0, -253, 253);
    if (name !== undefined) {
      const other = names.get(name);
      if (other !== undefined) {
        p.add(`${path}.name "${name}" duplicates scripts[${other}].name`);
        return;
      }
      names.set(name, i);
    }
    if (name !== undefined && command !== undefined && interval !== undefined && timeout !== undefined
      && fall !== undefined && rise !== undefined && weight !== undefined) {
      resolved.push({ name, command, interval, timeout, fall, rise, weight });
    }
  });
  return resolved;
}

/** Renders one `vrrp_script` block. */
export function renderScript(w: ConfWriter, s: ResolvedScript): void {
  w.block(`vrrp_script ${s.name}`, (b) => {
    b.line(`script "${s.command}"`);
    b.line(`interval ${s.interval}`);
    b.line(`timeout ${s.timeout}`);
    b.line(`fall ${s.fall}`);
    b.line(`rise ${s.rise}`);
    b.line(`weight ${s.weight}`);
  });
}
