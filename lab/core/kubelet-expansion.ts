/**
 * Kubernetes' `$(VAR)` expansion of a container's command, args and env values, as the kubelet applies it: defined
 * names are replaced, `$$` becomes `$`, unknown references stay as written. The lab and the e2e pod runner run the
 * synthesized commands through it, so a shell `$$` that the kubelet would reduce is reduced there too.
 */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => (m === '$$' ? '$' : name in env ? env[name] : m));
}
