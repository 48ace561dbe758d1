import { failedInHandovers, failedOutside, handovers } from '../../../e2e/kubelet/handovers';

const sample = (start: number, ok: boolean) => ({ start, end: start + 5, ok, node: ok ? 'b' : null });

test('handovers: from the VIP leaving its holder to the next holder taking it; a direct move is a point', () => {
  expect(
    handovers([
      { t: 100, holder: null },
      { t: 220, holder: 'b' },
      { t: 500, holder: 'c' },
      { t: 900, holder: null },
    ]),
  ).toEqual([
    { from: 100, to: 220 },
    { from: 500, to: 500 },
  ]);
});

test('failedOutside counts only the failures sent away from every handover', () => {
  const windows = [{ from: 100, to: 220 }];
  const samples = [sample(60, false), sample(120, false), sample(219, false), sample(300, false), sample(310, true), sample(40, false)];
  // 60 is within the 50 ms slack, 120 and 219 inside; 300 outside; 40 outside too; 310 succeeded.
  expect(failedOutside(samples, windows, 0, 1000)).toBe(2);
  expect(failedOutside(samples, windows, 250, 1000)).toBe(1);
  expect(failedOutside(samples, [], 0, 1000)).toBe(5);
});

test('failedInHandovers tells requests sent just before the VIP left from those sent while no node held it', () => {
  const windows = [
    { from: 100, to: 220 },
    { from: 500, to: 500 },
  ];
  const samples = [
    sample(60, false),
    sample(99, false),
    sample(100, false),
    sample(219, false),
    sample(480, false),
    sample(300, false),
    sample(120, true),
  ];
  // 60, 99 and 480 within 50 ms before a release; 100 and 219 in the gap; 300 outside; 120 succeeded.
  expect(failedInHandovers(samples, windows, 0, 1000)).toEqual({ beforeRelease: 3, inGap: 2 });
  expect(failedInHandovers(samples, windows, 200, 1000)).toEqual({ beforeRelease: 1, inGap: 1 });
});
