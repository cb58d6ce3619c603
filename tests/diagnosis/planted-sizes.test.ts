// The planted worlds hold the sizes real teams have, measured on the worlds
// themselves, not by the method under test: each planted person's median
// cycle time over the median of the people nothing was planted on, pooled
// over seeds so the figure is the world's, not one seed's luck.
//   GitHub generator: every planted cause 1.4–1.6× (± the pooling's few
//   percent), the chance outlier 1.3–1.6×, the mixed organisation's control a
//   bit slower (under 1.25×).
//   Composed generator: its factors are the independent organisations'
//   (a module 2.2× to write and 3× to review, changes 20× the usual size, CI
//   that puts its people about 13 h above the others), so its causes are at
//   least 1.4× (± the pooling's few percent) and some well above; its null
//   outlier 1.3–1.6×.
import { describe, expect, it } from 'vitest';
import { median } from '../../agent/analysis/stats.js';
import { COMPOSED_PLANTED, composeOrg } from '../support/composed-org.js';
import { PLANTED_CAUSES, scenarioOrg } from '../support/scenarios.js';

type Pooled = Map<string, number[]>;

function ratios(pooled: Pooled, base: number[]): Record<string, number> {
  const b = median(base)!;
  return Object.fromEntries([...pooled].map(([k, v]) => [k, median(v)! / b]));
}

function add(pooled: Pooled, key: string, cycle: number) {
  const list = pooled.get(key);
  if (list) list.push(cycle);
  else pooled.set(key, [cycle]);
}

describe('planted effect sizes', () => {
  it('GitHub generator: 1.4–1.6× for every planted person, over 8 seeds', () => {
    const found: string[] = [];
    for (const cause of PLANTED_CAUSES) {
      const pooled: Pooled = new Map();
      const base: number[] = [];
      for (let seed = 1; seed <= 8; seed += 1) {
        const { org, expected, plan } = scenarioOrg(cause, seed);
        for (const pr of org.repositories.flatMap((r) => r.pullRequests)) {
          if (pr.mergedAt === null || pr.author.bot) continue;
          const cycle = (pr.mergedAt - Math.min(...pr.commits.map((c) => c.authoredAt))) / 1000;
          const who = pr.author.login;
          if (expected[who]) add(pooled, `${expected[who]} ${who}`, cycle);
          else if (who === plan.slightlySlower) add(pooled, 'slightly slower', cycle);
          else base.push(cycle);
        }
      }
      for (const [key, r] of Object.entries(ratios(pooled, base))) {
        found.push(`${cause}: ${key} ×${r.toFixed(2)}`);
        if (key === 'slightly slower') {
          if (cause === 'mixed') expect(r, `${cause} ${key}`).toBeLessThan(1.25);
          else {
            expect(r, `${cause} ${key}`).toBeGreaterThanOrEqual(1.3);
            expect(r, `${cause} ${key}`).toBeLessThanOrEqual(1.6);
          }
        } else {
          expect(r, `${cause} ${key}`).toBeGreaterThanOrEqual(1.35);
          expect(r, `${cause} ${key}`).toBeLessThanOrEqual(1.7);
        }
      }
    }
    console.log(found.join('\n'));
    // 3 + 1 + 2 + 1 planted alone, 8 in the mixed organisation and its control, the chance outlier
    expect(found).toHaveLength(17);
  });

  it('composed generator: at least 1.4× for every planted person, over 30 seeds', () => {
    const found: string[] = [];
    for (const cause of [...COMPOSED_PLANTED, 'none'] as const) {
      const pooled: Pooled = new Map();
      const base: number[] = [];
      for (let seed = 1; seed <= 30; seed += 1) {
        const org = composeOrg(cause, seed);
        for (const d of org.deliveries) {
          if (org.expected[d.person]) add(pooled, `${org.expected[d.person]} ${d.person}`, d.cycle);
          else if (d.person === org.outlier) add(pooled, 'outlier', d.cycle);
          else base.push(d.cycle);
        }
      }
      for (const [key, r] of Object.entries(ratios(pooled, base))) {
        found.push(`${cause}: ${key} ×${r.toFixed(2)}`);
        if (key !== 'outlier') expect(r, `${cause} ${key}`).toBeGreaterThanOrEqual(1.35);
        else if (cause === 'mixed') expect(r, `${cause} ${key}`).toBeLessThan(1.25);
        else {
          expect(r, `${cause} ${key}`).toBeGreaterThanOrEqual(1.3);
          expect(r, `${cause} ${key}`).toBeLessThanOrEqual(1.6);
        }
      }
    }
    console.log(found.join('\n'));
    // 3 + 1 + 1 + 1 planted alone, 6 in the mixed organisation, 2 outliers
    expect(found).toHaveLength(14);
  });
});
