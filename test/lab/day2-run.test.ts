import { handoverTargetMet } from '../../lab/day2-run';

test('the reload-while-Traefik-fails target is the median handover over the runs, and every run must move the VIP', () => {
  expect(handoverTargetMet([{ handoverMs: 1900 }, { handoverMs: 2631 }, { handoverMs: 2100 }])).toBe(true);
  expect(handoverTargetMet([{ handoverMs: 2600 }, { handoverMs: 2631 }, { handoverMs: 2100 }])).toBe(false);
  expect(handoverTargetMet([{ handoverMs: 700 }, { handoverMs: null }])).toBe(false);
  // Runs of other scenarios carry no handover time.
  expect(handoverTargetMet([{ handoverMs: undefined }])).toBe(true);
});
