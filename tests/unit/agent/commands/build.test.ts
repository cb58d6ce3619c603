// The build's progress line: the elapsed time, then the time left for the runs
// the budget still lets start, at the mean duration of the runs so far.
import { describe, expect, it } from 'vitest';
import { budgetLine } from '../../../../agent/commands/build.js';

describe('the build progress line', () => {
  it('estimates from the first run until one has finished', () => {
    expect(budgetLine(5_000, 5_000, null, 4, 600_000)).toBe('0:05 elapsed, estimating from this first run');
  });

  it('counts the runs still to go that fit the budget, minus what the current run has done', () => {
    // 120 s spent, this run 20 s in, 60 s a run, 3 runs to go: (600 − 120 + 20) / 60 = 8 fit, so 3 × 60 − 20 = 160 s
    expect(budgetLine(120_000, 20_000, 60_000, 3, 600_000)).toBe('2:00 elapsed, about 2:40 left');
    // a budget of 200 s: (200 − 120 + 20) / 60 = 1 fits, so 60 − 20 = 40 s
    expect(budgetLine(120_000, 20_000, 60_000, 3, 200_000)).toBe('2:00 elapsed, about 0:40 left');
    // no budget: every run to go, 2 × 60 − 20 = 100 s
    expect(budgetLine(120_000, 20_000, 60_000, 2, null)).toBe('2:00 elapsed, about 1:40 left');
  });
});
