// Kubernetes quantities in the API server's canonical form. The server stores `1024Mi` as `1Gi`, so a manifest
// that says `1024Mi` differs from the live object on every client-side `kubectl apply` ("configured", a no-op
// patch) and in GitOps diffs. Internal: not re-exported from index.ts.

const BINARY = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * The canonical spelling of a quantity written as an integer with a binary suffix (`1024Mi` -> `1Gi`) or in
 * millis (`1000m` -> `1`); anything else is returned unchanged.
 */
export function canonicalQuantity(quantity: string): string {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m)$/.exec(quantity);
  if (!m) return quantity;
  let n = Number(m[1]);
  if (m[2] === 'm') return n % 1000 === 0 ? String(n / 1000) : quantity;
  let unit = BINARY.indexOf(m[2]);
  while (n !== 0 && n % 1024 === 0 && unit < BINARY.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n}${BINARY[unit]}`;
}
