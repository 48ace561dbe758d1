/*
 * The kubelet expands `$(NAME)` and reduces `$$` in a container's command before the shell sees it: the pod's
 * scripts must come through unchanged. A `$$` in the start command once became `kill -0 $`, which fails, and the
 * reloader ended silently in every real pod (its tests run the script directly and never saw it).
 */
import { fullKeepalivedPodSpec } from '../../../fixtures/seed-topology';
import { expandVars as kubernetesExpand } from '../../../../lab/core/kubelet-expansion';

test('the expansion reduces $$, fills defined variables and leaves command substitutions', () => {
  const env = { NODE_NAME: 'edge-1' };
  expect(kubernetesExpand('kill -0 $$; echo $(NODE_NAME) $(cat "$f") ${$} $((i + 1)) $(UNSET)', env)).toBe(
    'kill -0 $; echo edge-1 $(cat "$f") ${$} $((i + 1)) $(UNSET)',
  );
});

test("every script of the keepalived pod reaches its shell as written (no $$, no $(NAME) of the container's)", () => {
  const spec = fullKeepalivedPodSpec();
  const containers = [...spec.initContainers, ...spec.containers];
  expect(containers.map((c: any) => c.name)).toEqual(['prepare-host', 'keepalived']);
  for (const c of containers) {
    const env = Object.fromEntries((c.env ?? []).map((e: any) => [e.name, `<${e.name}>`]));
    for (const word of c.command) expect({ container: c.name, word: kubernetesExpand(word, env) }).toEqual({ container: c.name, word });
  }
});
