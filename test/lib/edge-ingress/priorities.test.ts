import { defaultPriorities } from '../../../lib/edge-ingress/priorities';

describe('defaultPriorities', () => {
  test('three nodes get 150, 100, 50', () => {
    expect(defaultPriorities(3)).toEqual([150, 100, 50]);
  });

  test.each([1, 2, 5, 6, 50, 100, 127, 128, 200, 254])('%i nodes: distinct, descending, within 1-254', (count) => {
    const priorities = defaultPriorities(count);
    expect(priorities).toHaveLength(count);
    expect(new Set(priorities).size).toBe(count);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(Math.min(...priorities)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...priorities)).toBeLessThanOrEqual(254);
  });
});
