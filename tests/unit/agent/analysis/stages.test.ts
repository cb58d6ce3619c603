// Known answers for the stage effects: a reviewer's effect on the wait for the
// first review and a repository's CI delay, worked out by hand (reviewers) and
// with a plain two-pass mean and variance written here (CI).
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../../agent/analysis/diagnosis.js';
import { ciStages, reviewerStages, stageExtra } from '../../../../agent/analysis/stages.js';
import { normalCdf } from '../../../../agent/analysis/stats.js';

const H = 3600;

function change(repo: string, over: Partial<Delivery>): Delivery {
  return {
    repo,
    person: 'someone',
    team: null,
    cycle: 24 * H,
    pickup: null,
    ciWait: null,
    size: 100,
    reviewRounds: 1,
    fragile: false,
    mergedAt: 0,
    modules: [],
    reviewer: null,
    returnLag: null,
    ...over,
  };
}

describe('reviewer stage effects', () => {
  // r1: ann 2 h, 8 h; bob 1 h, 1 h, 4 h. r2: ann 1 min (counts as the 5 min floor); bob 1 h, 1 h.
  const all = [
    change('r1', { reviewer: 'ann', pickup: 2 * H }),
    change('r1', { reviewer: 'ann', pickup: 8 * H }),
    change('r1', { reviewer: 'bob', pickup: H }),
    change('r1', { reviewer: 'bob', pickup: H }),
    change('r1', { reviewer: 'bob', pickup: 4 * H }),
    change('r2', { reviewer: 'ann', pickup: 60 }),
    change('r2', { reviewer: 'bob', pickup: H }),
    change('r2', { reviewer: 'bob', pickup: H }),
    change('r2', { reviewer: null, pickup: 50 * H }),
    change('r2', { reviewer: 'ann', pickup: null }),
  ];

  it("compares a reviewer with the others in each repository, weighted by the reviewer's reviews there", () => {
    const ann = reviewerStages(all, 3).find((s) => s.name === 'ann')!;
    const ln4 = Math.log(4);
    // r1, in log hours: ann's mean ln 4, bob's ln 4 / 3, so 2/3·ln 4; variances (ln 4)²/2 and (ln 4)²/3
    // (both above half the pooled within variance), Welch: (ln 4)²/2/2 + (ln 4)²/3/3 = 13/36·(ln 4)².
    // r2: ann's −ln 12 against bob's 0, variance 0. Weights 2/3 and 1/3.
    const diff = (2 / 3) * ((2 / 3) * ln4) + (1 / 3) * -Math.log(12);
    const se = (2 / 3) * Math.sqrt((13 / 36) * ln4 * ln4);
    expect(ann.kind).toBe('reviewer');
    expect([...ann.rows]).toEqual([0, 1, 5]);
    expect([...ann.stageSeconds]).toEqual([2 * H, 8 * H, 60]);
    expect(ann.multiplier).toBeCloseTo(Math.exp(diff), 12);
    expect(ann.ciLow).toBeCloseTo(Math.exp(diff - 1.96 * se), 12);
    expect(ann.ciHigh).toBeCloseTo(Math.exp(diff + 1.96 * se), 12);
    expect(ann.pOneSided).toBeCloseTo(1 - normalCdf(diff / se), 12);
    expect(ann.pValue).toBeCloseTo(2 * (1 - normalCdf(Math.abs(diff / se))), 12);
  });

  it('measures only reviewers with enough first reviews, and only against other reviewers', () => {
    expect(reviewerStages(all, 3).map((s) => s.name)).toEqual(['ann', 'bob']);
    // bob has 5 first reviews, but only his 3 in r1 can be compared: in r2 the
    // other reviewers gave one, too few for a mean and a variance
    expect(reviewerStages(all, 4).map((s) => s.name)).toEqual([]);
    // alone in every repository: nobody to compare with
    expect(reviewerStages(all.slice(0, 2), 1)).toEqual([]);
  });
});

describe('CI stage effects', () => {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const variance = (v: number[]) => v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1);
  // CI delay = CI wall time + return lag; slow: 2 h, 2 h, 8 h; y: 10, 20, 40 min; z: 15 min three times
  const all = [
    change('slow', { ciWait: H, returnLag: H }),
    change('slow', { ciWait: 1.5 * H, returnLag: 0.5 * H }),
    change('slow', { ciWait: 2 * H, returnLag: 6 * H }),
    change('y', { ciWait: 600, returnLag: 0 }),
    change('y', { ciWait: 1200, returnLag: null }),
    change('y', { ciWait: 1800, returnLag: 600 }),
    change('z', { ciWait: 900, returnLag: 0 }),
    change('z', { ciWait: 900, returnLag: 0 }),
    change('z', { ciWait: 900, returnLag: 0 }),
    change('z', { ciWait: null, returnLag: null, pickup: H }),
  ];

  it('tests a repository whose median delay is at least twice the typical other one, against all the others', () => {
    const stages = ciStages(all, 3, 2);
    // y's median 20 min is not twice the median of 2 h and 15 min; z's 15 min neither
    expect(stages.map((s) => s.name)).toEqual(['slow']);
    const slow = stages[0]!;
    const logs = (v: number[]) => v.map((s) => Math.log(s / H));
    const mine = logs([2 * H, 2 * H, 8 * H]);
    const y = logs([600, 1200, 2400]);
    const z = logs([900, 900, 900]);
    const rest = [...y, ...z];
    const pooled = (2 * variance(mine) + 2 * variance(y) + 2 * variance(z)) / 6;
    const se = Math.sqrt(Math.max(variance(mine), pooled / 2) / 3 + Math.max(variance(rest), pooled / 2) / 6);
    const diff = mean(mine) - mean(rest);
    expect(slow.kind).toBe('ci');
    expect([...slow.rows]).toEqual([0, 1, 2]);
    expect([...slow.stageSeconds]).toEqual([2 * H, 2 * H, 8 * H]);
    expect(slow.multiplier).toBeCloseTo(Math.exp(diff), 12);
    expect(slow.ciLow).toBeCloseTo(Math.exp(diff - 1.96 * se), 12);
    expect(slow.pOneSided).toBeCloseTo(1 - normalCdf(diff / se), 12);
  });

  it('needs a gap of 15 minutes as well as the ratio, and another repository to compare with', () => {
    // 20 min against 8 and 9 min: twice as long, but only 11.5 min longer
    const short = [
      ...[1200, 1200, 1200].map((s) => change('a', { ciWait: s, returnLag: 0 })),
      ...[480, 480, 480].map((s) => change('b', { ciWait: s, returnLag: 0 })),
      ...[540, 540, 540].map((s) => change('c', { ciWait: s, returnLag: 0 })),
    ];
    expect(ciStages(short, 3, 2)).toEqual([]);
    expect(ciStages(all.slice(0, 3), 3, 2)).toEqual([]);
  });
});

describe('stage time an effect adds', () => {
  it('is the stage beyond what it would take without the effect', () => {
    expect(stageExtra(2 * H, 4)).toBe(1.5 * H);
    expect(stageExtra(2 * H, 1)).toBe(0);
    // a faster stage gives time back
    expect(stageExtra(2 * H, 0.5)).toBe(-2 * H);
  });
});
