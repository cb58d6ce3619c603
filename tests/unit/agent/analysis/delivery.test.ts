// Known answers for the change clock: a calendar wait inside a change counts
// on the clock its cycle time is measured on.
import { describe, expect, it } from 'vitest';
import { onChangeClock } from '../../../../agent/analysis/delivery.js';

describe('waits on the change clock', () => {
  it('leaves calendar waits alone without working hours (the cycle is the calendar cycle)', () => {
    expect(onChangeClock(3600, 86_400, 86_400)).toBe(3600);
    expect(onChangeClock(null, 86_400, 86_400)).toBeNull();
  });

  it('counts a wait at the share of the change that was working time', () => {
    // Fri 16:00 → Mon 15:00 UTC: 71 calendar hours, 7 working hours (Fri 16–17, Mon 09–15)
    // on 09:00–17:00; a 14 h return lag counts 14 × 7 / 71 h
    expect(onChangeClock(14 * 3600, 71 * 3600, 7 * 3600)).toBeCloseTo((14 * 7 * 3600) / 71, 9);
    expect(onChangeClock(14 * 3600, 71 * 3600, 7 * 3600)).toBeCloseTo(4969.014, 3);
    // a change merged within a second, or entirely outside working hours
    expect(onChangeClock(600, 0, 0)).toBe(600);
    expect(onChangeClock(600, 3600, 0)).toBe(0);
  });
});
