/**
 * Image references as the CRI resolves them. containerd's CRI normalizes every name a pod spec gives
 * (`traefik:v3.7` is looked up as `docker.io/library/traefik:v3.7`), so an image imported under a short name is
 * listed by `ctr images ls` but never found by the kubelet. Offline images are therefore imported under the
 * normalized name, which this module computes.
 */

export interface ImageReference {
  /** Registry and repository, e.g. `docker.io/library/traefik`: ctr's `--base-name`. */
  readonly repository: string;
  readonly tag: string;
  /** `repository:tag`. */
  readonly name: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Normalizes `ref` the way containerd's CRI does (Docker Hub as the default registry, `library/` for official
 * images). A digest, a missing tag or `latest` is refused: such images default to imagePullPolicy Always, and
 * nothing can be pulled here.
 */
export function normalizeReference(ref: string): ImageReference {
  if (ref.includes('@')) throw new Error(`image ${ref}: digests cannot be imported offline; give a tag`);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon <= slash) throw new Error(`image ${ref}: no tag (an untagged image is pulled Always)`);
  const tag = ref.slice(colon + 1);
  if (!TAG.test(tag)) throw new Error(`image ${ref}: invalid tag ${JSON.stringify(tag)}`);
  if (tag === 'latest') throw new Error(`image ${ref}: the tag latest is pulled Always; give a version`);
  let repo = ref.slice(0, colon);
  const first = repo.split('/')[0];
  const hasRegistry = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) repo = `docker.io/${repo}`;
  if (repo.startsWith('docker.io/') && repo.split('/').length === 2) repo = `docker.io/library/${repo.slice('docker.io/'.length)}`;
  if (repo !== repo.toLowerCase()) throw new Error(`image ${ref}: repository names are lower case`);
  return { repository: repo, tag, name: `${repo}:${tag}` };
}
