// Known answers for every cost line: delay and engineer time kept apart,
// per week over the weeks of data, engineer time never above people × 40 h.
import { describe, expect, it } from 'vitest';
import { CONTEXT_SWITCH_MINUTES, type CostInput, computeCosts } from '../../../../agent/analysis/costs.js';
import { activePeoplePerWeek, weeksOfData } from '../../../../agent/analysis/delivery.js';
import type { Delivery } from '../../../../agent/analysis/diagnosis.js';
import type { SystemEffect } from '../../../../agent/analysis/effects.js';
import { validateConfig } from '../../../../agent/config.js';

const H = 3600;
const effect = (kind: SystemEffect['kind'], name: string, multiplier: number): SystemEffect => ({
  kind,
  name,
  cause: null,
  multiplier,
  ciLow: multiplier * 0.8,
  ciHigh: multiplier * 1.2,
  pValue: 1e-6,
  n: 40,
  significant: true,
  description: '',
});

function input(over: Partial<CostInput> = {}): CostInput {
  return {
    weeks: 4,
    activePeople: 10,
    // 3 changes: 2 h, 30 min and 5 min on CI → 2.5833 h; two waited ≥ 10 min
    ciWaits: [2 * H, 0.5 * H, 5 * 60],
    returnLags: [3 * H, 1 * H],
    flakySeconds: 2 * H,
    flakyAttempts: 8,
    wrapped: { seconds: 6 * H, runs: 30 },
    benchmarkMedian: null,
    pickups: [4 * H, 8 * H],
    reviewRounds: [1, 3, 2],
    effectDelay: {
      module: { seconds: 12 * H, changes: 5, effects: [effect('module', 'api:src/core', 2)] },
      reviewer: { seconds: 0, changes: 0, effects: [] },
      size: { seconds: 20 * H, changes: 9, effects: [effect('size', 'change size', 1.1)] },
    },
    verdicts: new Set(),
    ...over,
  };
}

const byCause = (entries: ReturnType<typeof computeCosts>) =>
  Object.fromEntries(entries.map((e) => [e.cause, e]));

describe('costs', () => {
  it('computes every line as delay and engineer time per week of data', () => {
    const c = byCause(computeCosts(input()));
    const switchH = CONTEXT_SWITCH_MINUTES / 60; // 0.25 h
    // CI wait: delay 2.5833 h ÷ 4 weeks; engineer: 2 switches × 0.25 h ÷ 4
    expect(c['ci_wait']!.delayHoursPerWeek).toBeCloseTo((2 + 0.5 + 5 / 60) / 4, 10);
    expect(c['ci_wait']!.engineerHoursPerWeek).toBeCloseTo((2 * switchH) / 4, 10);
    expect(c['ci_wait']!.hoursPerWeek).toBe(c['ci_wait']!.engineerHoursPerWeek);
    // return lag: 4 h ÷ 4 of delay, no engineer time
    expect(c['ci_return_lag']!.delayHoursPerWeek).toBeCloseTo(1, 10);
    expect(c['ci_return_lag']!.engineerHoursPerWeek).toBe(0);
    // flaky: 2 h of failed runs ÷ 4; 8 re-runs × 0.25 h ÷ 4
    expect(c['flaky_ci']!.delayHoursPerWeek).toBeCloseTo(0.5, 10);
    expect(c['flaky_ci']!.engineerHoursPerWeek).toBeCloseTo(0.5, 10);
    // local builds: 6 h sat through ÷ 4, both delay and engineer time
    expect(c['local_builds']!.delayHoursPerWeek).toBeCloseTo(1.5, 10);
    expect(c['local_builds']!.engineerHoursPerWeek).toBeCloseTo(1.5, 10);
    // review wait: 12 h ÷ 4 of delay; rework rounds (0 + 2 + 1) × 0.25 h ÷ 4
    expect(c['review_wait']!.delayHoursPerWeek).toBeCloseTo(3, 10);
    expect(c['review_wait']!.engineerHoursPerWeek).toBeCloseTo((3 * switchH) / 4, 10);
    // effect lines: delay only, engineer time not measured
    expect(c['fragile_code']!.delayHoursPerWeek).toBeCloseTo(3, 10);
    expect(c['fragile_code']!.engineerHoursPerWeek).toBeNull();
    expect(c['oversized_changes']!.delayHoursPerWeek).toBeCloseTo(5, 10);
    expect(c['slow_reviewers']).toBeUndefined();
    // the evidence carries the arithmetic and the source of the switch cost
    expect(c['ci_wait']!.evidence).toContain('Parnin & Rugaber');
    expect(c['ci_wait']!.evidence).toContain('4.0 weeks of data');
  });

  it('takes the cost of a context switch from the config: 10 minutes instead of 15', () => {
    const { config, errors } = validateConfig({ costs: { contextSwitchMinutes: 10 } });
    expect(errors).toEqual([]);
    expect(config.costs.contextSwitchMinutes).toBe(10);
    const c = byCause(computeCosts(input({ contextSwitchMinutes: config.costs.contextSwitchMinutes })));
    // 2 CI switches × 10 min ÷ 4 weeks; 8 flaky re-runs × 10 min ÷ 4; 3 rework rounds × 10 min ÷ 4
    expect(c['ci_wait']!.engineerHoursPerWeek).toBeCloseTo((2 * 10) / 60 / 4, 10);
    expect(c['flaky_ci']!.engineerHoursPerWeek).toBeCloseTo((8 * 10) / 60 / 4, 10);
    expect(c['review_wait']!.engineerHoursPerWeek).toBeCloseTo((3 * 10) / 60 / 4, 10);
    expect(c['ci_wait']!.evidence).toContain('× 10 min');
    // the default is the cited 15 minutes; a bad value is one error naming the field and the range
    expect(validateConfig({}).config.costs.contextSwitchMinutes).toBe(CONTEXT_SWITCH_MINUTES);
    expect(validateConfig({ costs: { contextSwitchMinutes: -5 } }).errors).toEqual([
      '"costs.contextSwitchMinutes" must be a number of minutes from 0 to 240 (default 15)',
    ]);
  });

  it('never calls waiting engineer time: a long wait with no switches costs no engineer hours', () => {
    const c = byCause(computeCosts(input({ ciWaits: [9 * 60, 9 * 60], flakyAttempts: 0, flakySeconds: 0 })));
    expect(c['ci_wait']!.delayHoursPerWeek).toBeCloseTo(18 / 60 / 4, 10);
    expect(c['ci_wait']!.engineerHoursPerWeek).toBe(0);
  });

  it('caps engineer time at the active people × 40 h, scaling every line and saying so', () => {
    // 2 people; wrapped builds alone claim 1,000 h a week
    const entries = computeCosts(input({ activePeople: 2, wrapped: { seconds: 4000 * H, runs: 5 } }));
    const total = entries.reduce((t, e) => t + (e.engineerHoursPerWeek ?? 0), 0);
    expect(total).toBeCloseTo(80, 8);
    expect(total).toBeLessThanOrEqual(80 + 1e-9);
    const builds = byCause(entries)['local_builds']!;
    expect(builds.evidence).toContain('ceiling of 2.0 active people × 40 h');
    // the delay is untouched by the ceiling
    expect(builds.delayHoursPerWeek).toBeCloseTo(1000, 8);
  });

  it('divides by the weeks the data covers inside the window, not the window asked for', () => {
    const day = 86_400;
    const t0 = 1_700_000_000;
    const d = (mergedAt: number, cycle: number, person: string): Delivery => ({
      repo: 'r',
      person,
      team: null,
      cycle,
      pickup: null,
      ciWait: null,
      size: 10,
      reviewRounds: null,
      fragile: false,
      mergedAt,
      modules: [],
      reviewer: null,
      returnLag: null,
    });
    // first commit at t0, last merge 12 weeks later
    const list = [d(t0 + day, day, 'a'), d(t0 + 84 * day, 2 * day, 'b'), d(t0 + 40 * day, day, 'a')];
    // window two years back: still 12 weeks of data
    expect(weeksOfData(list, { since: t0 - 730 * day, until: t0 + 100 * day })).toBeCloseTo(12, 10);
    // a window starting inside the data cuts it: from t0 + 14 days to the last merge = 10 weeks
    expect(weeksOfData(list, { since: t0 + 14 * day, until: t0 + 100 * day })).toBeCloseTo(10, 10);
    // active people: weeks with merges hold {a}, {a}, {b} → 3 person-weeks over 12 weeks
    expect(activePeoplePerWeek(list, 12)).toBeCloseTo(3 / 12, 10);
  });
});
