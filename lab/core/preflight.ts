/** Static checks of an EdgeUnderTest before the lab starts anything (pure). */

/**
 * Executables named by `script` lines of a keepalived.conf (vrrp_script, notify_*): the first word
 * of the command. A missing one would silently turn every health check into a failure.
 */
export function scriptExecutables(conf: string): string[] {
  const out = new Set<string>();
  for (const raw of conf.split('\n')) {
    const line = raw.replace(/^\s*@\^?\S+\s+/, '').trim(); // conditional prefix `@node ` / `@^node `
    const m = /^(?:script|notify|notify_master|notify_backup|notify_fault|notify_stop)\s+(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(line);
    if (!m) continue;
    const cmd = (m[1] ?? m[2] ?? m[3] ?? '').trim().split(/\s+/)[0];
    if (cmd) out.add(cmd);
  }
  return [...out];
}
