// The diagnosis on synthetic deliveries with a planted cause, across seeds.
import { describe, expect, it } from 'vitest';
import { type Delivery, diagnose, groupDeliveries } from '../../agent/analysis/diagnosis.js';
import { Random } from '../support/random.js';

const H = 3600;
type Plant =
  | 'builds_ci'
  | 'fragile_architecture'
  | 'review_bottleneck'
  | 'oversized_changes'
  | 'none'
  | 'chance';

/** 16 people × 25 deliveries; person p0 (and for CI, everyone in repo "slow") carries the planted cause. */
function scenario(seed: number, plant: Plant): Delivery[] {
  const random = new Random(seed);
  const out: Delivery[] = [];
  for (let p = 0; p < 16; p += 1) {
    const person = `p${p}`;
    const affected = p === 0 || (plant === 'builds_ci' && p < 3);
    for (let i = 0; i < 25; i += 1) {
      let size = Math.round(random.logNormal(120, 0.8));
      if (plant === 'oversized_changes' && affected) size *= 8;
      let fragile = random.chance(0.15);
      if (plant === 'fragile_architecture' && affected) fragile = random.chance(0.9);
      let ciWait = random.logNormal(0.5 * H, 0.3);
      if (plant === 'builds_ci' && affected) ciWait *= 20;
      let pickup = random.logNormal(4 * H, 0.6);
      if (plant === 'review_bottleneck' && affected) pickup *= 6;
      let work = random.logNormal(10 * H, 0.5) * (size / 120) ** 0.5;
      if (fragile) work *= plant === 'fragile_architecture' ? 2.5 : 1;
      if (plant === 'chance' && affected) work *= random.logNormal(1.1, 0.1);
      out.push({
        repo: 'r',
        person,
        team: p < 8 ? 'red' : 'blue',
        cycle: work + pickup + ciWait,
        pickup,
        ciWait,
        size,
        reviewRounds: 1,
        fragile,
        mergedAt: 1_700_000_000 + i * 86_400,
      });
    }
  }
  return out;
}

function run(deliveries: Delivery[]) {
  const { people } = groupDeliveries(deliveries);
  return diagnose(deliveries, people, 'person', {
    minDeliveries: 5,
    alpha: 0.05,
    minRelativeExcess: 0.25,
    minShare: 1 / 3,
    weeks: 4,
  });
}

describe('diagnosis on planted causes', () => {
  const seeds = [1, 2, 3, 4, 5];
  for (const plant of [
    'builds_ci',
    'fragile_architecture',
    'review_bottleneck',
    'oversized_changes',
  ] as const) {
    it(`names ${plant} for the affected person, and nobody else, on every seed`, () => {
      for (const seed of seeds) {
        const results = run(scenario(seed, plant));
        const p0 = results.find((r) => r.subject === 'p0')!;
        expect({ seed, verdict: p0.verdict }).toEqual({ seed, verdict: plant });
        const flagged = results.filter((r) => r.verdict !== 'none').map((r) => r.subject);
        const allowed = plant === 'builds_ci' ? ['p0', 'p1', 'p2'] : ['p0'];
        expect(flagged.every((s) => allowed.includes(s))).toBe(true);
      }
    });
  }

  it('flags nobody in the null scenario, or when one person is slower only by chance', () => {
    for (const seed of seeds) {
      for (const plant of ['none', 'chance'] as const) {
        const flagged = run(scenario(seed, plant)).filter((r) => r.verdict !== 'none');
        expect({ seed, plant, flagged: flagged.map((r) => r.subject) }).toEqual({ seed, plant, flagged: [] });
      }
    }
  });

  it('refuses a verdict below the minimum number of deliveries, and says the threshold', () => {
    const deliveries = scenario(9, 'review_bottleneck').filter(
      (d) => d.person !== 'p0' || d.mergedAt < 1_700_300_000,
    );
    const p0 = run(deliveries).find((r) => r.subject === 'p0')!;
    expect(p0.prs).toBe(4);
    expect(p0.verdict).toBe('none');
    expect(p0.enoughData).toBe(false);
    expect(p0.summary).toBe('not enough data: 4 merged changes, a verdict needs at least 5');
  });
});
