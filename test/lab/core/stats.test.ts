import { cpuBusyShare, fmt, max, mean, median, min, parseProcStatCpu, ratio, summarize } from '../../../lab/core/stats';

describe('stats', () => {
  test('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('missing values are ignored, empty gives null', () => {
    expect(median([null, 5, undefined, NaN])).toBe(5);
    expect(median([])).toBeNull();
    expect(max([null])).toBeNull();
    expect(min([2, null, 1])).toBe(1);
    expect(mean([1, 2, null, 3])).toBe(2);
  });

  test('summarize counts only finite values', () => {
    expect(summarize([0.5, null, 0.7, 0.6])).toEqual({ n: 3, median: 0.6, min: 0.5, max: 0.7, mean: expect.closeTo(0.6, 10) });
  });

  test('ratio guards against missing values and zero', () => {
    expect(ratio(3.6, 0.7)).toBeCloseTo(5.142857, 5);
    expect(ratio(null, 1)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });

  test('fmt', () => {
    expect(fmt(0.12345)).toBe('0.123');
    expect(fmt(null)).toBe('–');
    expect(fmt(2, 1)).toBe('2.0');
  });
});

describe('/proc/stat', () => {
  const stat = (user: number, idle: number) => `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n`;
  test('busy share between two samples', () => {
    expect(cpuBusyShare(stat(100, 900), stat(290, 910))).toBeCloseTo(0.95, 10);
    expect(parseProcStatCpu(stat(100, 900))).toEqual({ busy: 100, total: 1000 });
  });
  test('unknown input gives null', () => {
    expect(cpuBusyShare('', stat(1, 1))).toBeNull();
    expect(cpuBusyShare(stat(5, 5), stat(5, 5))).toBeNull();
  });
});
