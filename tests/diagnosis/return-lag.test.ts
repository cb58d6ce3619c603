// The CI return lag measured on planted organisations matches what was
// planted: nothing where authors come straight back, hours where slow CI makes
// them move on (tests/support/scenarios.ts: SLOW_CI.returnLagSec after each
// run on the slow repository, around 2.5 h).
import { describe, expect, it } from 'vitest';
import { SLOW_CI } from '../support/scenarios.js';
import { sweepOne } from './sweep.js';

describe('CI return lag on planted organisations', () => {
  it('is zero on the median where nothing was planted', async () => {
    const { analysis } = await sweepOne('none', 1);
    expect(analysis.ciReturnLag.map((c) => c.repo)).toEqual(['service-1', 'service-2', 'service-3']);
    for (const c of analysis.ciReturnLag) {
      expect(c.changes).toBeGreaterThan(80);
      // the PR is marked ready one second after its last run (the generator's + 1 s)
      expect(c.returnLagMedian).toBeLessThanOrEqual(1);
      // the delay is then the CI wait alone
      expect(c.delayMedian).toBeLessThan(45 * 60);
    }
  }, 60_000);

  it('is hours on the slow repository only, at least the planted median', async () => {
    const { analysis } = await sweepOne('builds_ci', 1);
    const [slow, ...rest] = analysis.ciReturnLag;
    expect(slow!.repo).toBe('service-1');
    expect(slow!.returnLagMedian).toBeGreaterThanOrEqual(SLOW_CI.returnLagSec);
    // one planted lag per change, and for some a flaky re-run's pause or a rebase's check: under twice the planted
    expect(slow!.returnLagMedian).toBeLessThan(2 * SLOW_CI.returnLagSec);
    for (const c of rest) expect(c.returnLagMedian).toBeLessThanOrEqual(1);
  }, 60_000);
});
