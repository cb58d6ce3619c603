// Known answers for the stage effects: a reviewer's effect on the wait for the
// first review and a repository's CI delay, worked out by hand (reviewers) and
// with a plain two-pass mean, variance and clustered variance written here
// (CI). Student's t itself is checked against printed tables (stats.test.ts).
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../../agent/analysis/diagnosis.js';
import { ciStages, reviewerStages, stageExtra } from '../../../../agent/analysis/stages.js';
import { studentTCdf } from '../../../../agent/analysis/stats.js';

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
  // r3: ann alone (nobody to compare with there).
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
    change('r3', { reviewer: 'ann', pickup: 20 * H }),
    change('r3', { reviewer: 'ann', pickup: 30 * H }),
  ];

  it("compares a reviewer with the others in each repository, weighted by the reviewer's reviews there", () => {
    const ann = reviewerStages(all, 3).find((s) => s.name === 'ann')!;
    const L2 = Math.log(4) ** 2;
    // In log hours. Within-group variances: ann r1 (ln 4)²/2 (1 df), bob r1 (ln 4)²/3 (2 df),
    // r3 ann (ln 1.5)²/2 (1 df), r2 bob 0 (1 df), r2 ann no df:
    // pooled = ((ln 4)²/2 + 2(ln 4)²/3 + (ln 1.5)²/2 + 0) / 5.
    const pooled = (L2 / 2 + (2 * L2) / 3 + Math.log(1.5) ** 2 / 2) / 5;
    // Each mean's variance: the group's variance, at least the pooled one, over its size.
    // r1: ann L²/2 / 2, bob L²/3 / 3 (both above the pooled); r2: ann pooled / 1, bob pooled / 2.
    const r1 = { ann: L2 / 4, bob: L2 / 9 };
    const r2 = { ann: pooled, bob: pooled / 2 };
    // differences: r1 ln 4 − ln 4 / 3; r2 −ln 12 − 0; weights 2/3 and 1/3 (ann's 2 and 1 reviews)
    const diff = (2 / 3) * ((2 / 3) * Math.log(4)) + (1 / 3) * -Math.log(12);
    const variance = (4 / 9) * (r1.ann + r1.bob) + (1 / 9) * (r2.ann + r2.bob);
    // Welch–Satterthwaite: variance² / Σ w⁴ v²/df, the df of a side max(1, n − 1)
    const df =
      variance ** 2 /
      ((2 / 3) ** 4 * (r1.ann ** 2 / 1 + r1.bob ** 2 / 2) +
        (1 / 3) ** 4 * (r2.ann ** 2 / 1 + r2.bob ** 2 / 1));
    const se = Math.sqrt(variance);
    expect(ann.kind).toBe('reviewer');
    // r3's reviews were compared with nobody: not the effect's changes
    expect([...ann.rows]).toEqual([0, 1, 5]);
    expect([...ann.stageSeconds]).toEqual([2 * H, 8 * H, 60]);
    expect(ann.multiplier).toBeCloseTo(Math.exp(diff), 12);
    expect(ann.pOneSided).toBeCloseTo(1 - studentTCdf(diff / se, df), 10);
    expect(ann.pValue).toBeCloseTo(2 * (1 - studentTCdf(Math.abs(diff / se), df)), 10);
    // the interval is the t quantile's: its ends sit at 2.5 % and 97.5 % of that t distribution
    expect(studentTCdf((Math.log(ann.ciHigh) - diff) / se, df)).toBeCloseTo(0.975, 9);
    expect(studentTCdf((Math.log(ann.ciLow) - diff) / se, df)).toBeCloseTo(0.025, 9);
    // fewer than 2 df in all: wider than the normal interval
    expect(df).toBeLessThan(5);
    expect(Math.log(ann.ciHigh) - diff).toBeGreaterThan(1.96 * se);
  });

  it('measures only reviewers with enough compared first reviews, and only against other reviewers', () => {
    expect(reviewerStages(all, 3).map((s) => s.name)).toEqual(['ann', 'bob']);
    // bob has 5 first reviews, but only his 3 in r1 can be compared: in r2 the
    // other reviewers gave one, too few for a mean and a variance; ann's 3
    // compared reviews are also short of 4 (her 2 in r3 are compared with nobody)
    expect(reviewerStages(all, 4).map((s) => s.name)).toEqual([]);
    expect(reviewerStages(all.slice(10), 1)).toEqual([]);
  });
});

describe('CI stage effects', () => {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const variance = (v: number[]) => v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1);
  // CI delay = CI wall time + return lag; slow: 2 h, 2 h, 8 h; y: 10, 20, 40 min; z: 15 min three times
  const all = [
    change('slow', { person: 'a', ciWait: H, returnLag: H }),
    change('slow', { person: 'a', ciWait: 1.5 * H, returnLag: 0.5 * H }),
    change('slow', { person: 'b', ciWait: 2 * H, returnLag: 6 * H }),
    change('y', { person: 'c', ciWait: 600, returnLag: 0 }),
    change('y', { person: 'c', ciWait: 1200, returnLag: null }),
    change('y', { person: 'd', ciWait: 1800, returnLag: 600 }),
    change('z', { person: 'e', ciWait: 900, returnLag: 0 }),
    change('z', { person: 'e', ciWait: 900, returnLag: 0 }),
    change('z', { person: 'e', ciWait: 900, returnLag: 0 }),
    change('z', { person: 'e', ciWait: null, returnLag: null, pickup: H }),
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
    // a side's variance: the larger of the plain one (floored at the pooled variance) and the
    // one clustered by author, G/(G − 1)·Σ_g (Σ_i∈g (x_i − mean))² / n²
    const clustered = (values: number[], authors: string[]) => {
      const m = mean(values);
      const sums = new Map<string, number>();
      for (const [i, v] of values.entries()) sums.set(authors[i]!, (sums.get(authors[i]!) ?? 0) + v - m);
      const g = sums.size;
      let meat = 0;
      for (const s of sums.values()) meat += s * s;
      return ((g / (g - 1)) * meat) / values.length ** 2;
    };
    const a = Math.max(Math.max(variance(mine), pooled) / 3, clustered(mine, ['a', 'a', 'b']));
    const b = Math.max(Math.max(variance(rest), pooled) / 6, clustered(rest, ['c', 'c', 'd', 'e', 'e', 'e']));
    // here the clustered variance is the larger on the slow side: (4/3·ln 2)²·2·2 / 9
    expect(a).toBeCloseTo((((4 / 3) * Math.log(2)) ** 2 * 4) / 9, 12);
    const df = (a + b) ** 2 / ((a * a) / 2 + (b * b) / 5);
    const diff = mean(mine) - mean(rest);
    const se = Math.sqrt(a + b);
    expect(slow.kind).toBe('ci');
    expect([...slow.rows]).toEqual([0, 1, 2]);
    expect([...slow.stageSeconds]).toEqual([2 * H, 2 * H, 8 * H]);
    expect(slow.multiplier).toBeCloseTo(Math.exp(diff), 12);
    expect(slow.pOneSided).toBeCloseTo(1 - studentTCdf(diff / se, df), 10);
    expect(studentTCdf((Math.log(slow.ciLow) - diff) / se, df)).toBeCloseTo(0.025, 9);
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
