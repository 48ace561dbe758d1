/**
 * Default VRRP priorities for `count` nodes in order of preference: evenly spaced, descending, distinct,
 * within keepalived's 1-254 (150, 100, 50 for three nodes; 254 down to 1 for 254 nodes).
 */
export function defaultPriorities(count: number): number[] {
  const step = Math.max(1, Math.min(50, Math.floor(254 / count)));
  return Array.from({ length: count }, (_, i) => step * (count - i));
}
