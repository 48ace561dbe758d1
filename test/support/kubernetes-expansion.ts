/*
 * What the kubelet does to a container's command and args before it runs them: `$(NAME)` becomes the container's
 * variable NAME when it has one (left as written otherwise) and `$$` becomes `$`. Ported from Kubernetes'
 * third_party/forked/golang/expansion (Expand with MappingFuncFor), so a test can run what the pod runs.
 */
export function kubernetesExpand(input: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')');
      if (close < 0) {
        out += '$(';
      } else {
        const name = rest.slice(1, close);
        out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
        advance = close + 1;
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
