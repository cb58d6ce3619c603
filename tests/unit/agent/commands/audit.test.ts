// The build step's summary line: what the budget allowed, in counts, failed runs said as such.
import { describe, expect, it } from 'vitest';
import { type BuildStep, buildStepLine } from '../../../../agent/commands/audit.js';

const step = (over: Partial<BuildStep>): BuildStep => ({
  budgetMinutes: 10,
  repositories: 2,
  timed: 2,
  runs: 6,
  failed: 0,
  stoppedAtBudget: 0,
  notStarted: 0,
  ...over,
});
const tail = 'within the build budget of 10 min (--build-budget MINUTES).';

describe('buildStepLine', () => {
  it('counts repositories and runs, and says how many of the runs failed', () => {
    expect(buildStepLine(step({}))).toBe(`2 of 2 repositories timed (6 runs) ${tail}`);
    expect(buildStepLine(step({ failed: 2 }))).toBe(`2 of 2 repositories timed (6 runs, 2 failed) ${tail}`);
    expect(buildStepLine(step({ repositories: 1, timed: 1, runs: 3, failed: 3 }))).toBe(
      `1 of 1 repository timed (3 runs, all failed) ${tail}`,
    );
    expect(buildStepLine(step({ repositories: 1, timed: 1, runs: 1, failed: 1 }))).toBe(
      `1 of 1 repository timed (1 run, it failed) ${tail}`,
    );
  });

  it('names what the budget cut', () => {
    expect(buildStepLine(step({ timed: 0, runs: 0, stoppedAtBudget: 1, notStarted: 1 }))).toBe(
      '0 of 2 repositories timed (0 runs) within the build budget of 10 min (--build-budget MINUTES); 1 stopped at the budget with nothing timed; 1 not started: the budget was spent.',
    );
  });
});
