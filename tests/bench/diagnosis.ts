// Diagnosis benchmark: accuracy over planted organisations from both
// generators (the GitHub generator seeded into SQLite, in process; and the
// composed one), and the time to fit the effect model and diagnose everyone
// on a year of a 200-engineer organisation's changes.
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_DIAGNOSIS,
  type Delivery,
  diagnose,
  groupDeliveries,
} from '../../agent/analysis/diagnosis.js';
import { fitEffects } from '../../agent/analysis/effects.js';
import { sweepOne } from '../diagnosis/sweep.js';
import { type ComposedCause, composeOrg } from '../support/composed-org.js';
import { diagnosePeople } from '../support/diagnose.js';
import type { PlantedCause } from '../support/scenarios.js';

const PLANTED: PlantedCause[] = [
  'builds_ci',
  'fragile_architecture',
  'review_bottleneck',
  'oversized_changes',
  'mixed',
];
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);

/** A year of a 200-engineer organisation: 18 composed organisations side by side, four quarters each. */
export function bigDeliveries(): Delivery[] {
  const out: Delivery[] = [];
  for (let o = 0; o < 18; o += 1) {
    for (let q = 0; q < 10; q += 1) {
      for (const d of composeOrg(o % 2 ? 'mixed' : 'none', 1000 + o * 10 + q).deliveries) {
        out.push({
          ...d,
          repo: `o${o}-${d.repo}`,
          person: `o${o}-${d.person}`,
          reviewer: d.reviewer && `o${o}-${d.reviewer}`,
        });
      }
    }
  }
  return out;
}

export async function benchDiagnosis(): Promise<Record<string, string | number>> {
  let planted = 0;
  let named = 0;
  let nullFlags = 0;
  let nullJudged = 0;
  for (const cause of PLANTED)
    for (const seed of SEEDS) {
      const r = await sweepOne(cause, seed);
      planted += r.planted;
      named += r.named;
    }
  for (const cause of ['none', 'chance'] as const)
    for (const seed of SEEDS) {
      const r = await sweepOne(cause, seed);
      nullFlags += r.falseFlags;
      nullJudged += r.judged;
    }
  let cPlanted = 0;
  let cNamed = 0;
  let cFlags = 0;
  let cJudged = 0;
  for (const cause of [...PLANTED, 'none'] as ComposedCause[])
    for (const seed of cause === 'none' ? Array.from({ length: 20 }, (_, i) => i + 1) : SEEDS) {
      const org = composeOrg(cause, seed);
      const { results } = diagnosePeople(org.deliveries);
      for (const d of results) {
        const want = org.expected[d.subject] ?? 'none';
        if (cause === 'none') {
          cJudged += 1;
          if (d.verdict !== 'none') cFlags += 1;
        } else if (want !== 'none') {
          cPlanted += 1;
          if (d.verdict === want) cNamed += 1;
        }
      }
    }
  const big = bigDeliveries();
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const t = performance.now();
    const model = fitEffects(big);
    diagnose(big, groupDeliveries(big).people, 'person', { ...DEFAULT_DIAGNOSIS, weeks: 52 }, model);
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return {
    'diagnosis: planted causes named, GitHub generator (%, target ≥ 95)': Number(
      ((100 * named) / planted).toFixed(1),
    ),
    'diagnosis: false flags per 100 null verdicts, GitHub generator (target ≤ 1)': Number(
      ((100 * nullFlags) / nullJudged).toFixed(2),
    ),
    'diagnosis: planted causes named, composed generator (%, target ≥ 95)': Number(
      ((100 * cNamed) / cPlanted).toFixed(1),
    ),
    'diagnosis: false flags per 100 null verdicts, composed generator (target ≤ 1)': Number(
      ((100 * cFlags) / cJudged).toFixed(2),
    ),
    'diagnosis: counts (planted named / null flags, GitHub; composed)': `${named}/${planted}, ${nullFlags}/${nullJudged}; ${cNamed}/${cPlanted}, ${cFlags}/${cJudged}`,
    'diagnosis: 200-engineer year, effect model + verdicts (s)': Number(times[1]!.toFixed(2)),
    'diagnosis: 200-engineer year, changes': big.length,
  };
}
