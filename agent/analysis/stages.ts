// Stage effects: a reviewer and a repository's CI act on one stage of a
// change, so they are measured on that stage, where the signal is not drowned
// by everything else a cycle time holds:
//
//   - a reviewer on the wait for the first review (pickup): their changes
//     against other reviewers' in the same repositories;
//   - a repository's CI on its CI delay (CI wall time + the author's return
//     lag after runs finish) against the other repositories'.
//
// Each is a stratified comparison of log stage times on Student's t
// (Welch–Satterthwaite degrees of freedom; variances floored at the pooled
// one and, for CI, clustered by author), giving a multiplier on the stage
// with a 95 % CI and a one-sided test. What the effect costs a change is then
// read off the change itself: the stage time beyond what a typical reviewer
// or CI would take, stage × (1 − 1/multiplier), which is the part of the
// change's cycle time the effect explains (effects.ts turns it into a
// multiplier on cycle time).
import { getOrInit, pushTo } from '../util/maps.js';
import type { Delivery } from './diagnosis.js';
import { median, studentTCdf } from './stats.js';

/** Stage times below this count as this: a review within minutes is as quick as it gets. */
const STAGE_FLOOR = 5 * 60;

export interface StageEffect {
  kind: 'reviewer' | 'ci';
  /** Reviewer login, or repository name. */
  name: string;
  /** Rows (indices into the deliveries) the effect applies to, with their stage time in seconds. */
  rows: Int32Array;
  stageSeconds: Float64Array;
  /** × on the stage against comparable changes, with its 95 % CI. */
  multiplier: number;
  ciLow: number;
  ciHigh: number;
  /** One-sided p-value of "this stage is no slower here". */
  pOneSided: number;
  /** Two-sided p-value of "no effect". */
  pValue: number;
}

interface Group {
  sum: number;
  squares: number;
  n: number;
}

const emptyGroup = (): Group => ({ sum: 0, squares: 0, n: 0 });
const addTo = (g: Group, v: number) => {
  g.sum += v;
  g.squares += v * v;
  g.n += 1;
};
const merge = (into: Group, g: Group) => {
  into.sum += g.sum;
  into.squares += g.squares;
  into.n += g.n;
};
const meanOf = (g: Group) => g.sum / g.n;
const varianceOf = (g: Group) => (g.n > 1 ? Math.max(0, (g.squares - (g.sum * g.sum) / g.n) / (g.n - 1)) : 0);
const logStage = (seconds: number) => Math.log(Math.max(seconds, STAGE_FLOOR) / 3600);

/** The within-group variance pooled over groups (0 without two values in any group). */
function pooledVariance(groups: Iterable<Group>): number {
  let within = 0;
  let df = 0;
  for (const g of groups) {
    within += varianceOf(g) * Math.max(0, g.n - 1);
    df += Math.max(0, g.n - 1);
  }
  return df > 0 ? within / df : 0;
}

/** One side of a comparison: the variance of its mean and the degrees of freedom behind it. */
interface Side {
  variance: number;
  df: number;
}

/**
 * A group's mean as one side: its variance floored at the variance pooled over
 * all groups, so a handful of waits that happen to agree cannot look certain.
 */
function side(g: Group, pooled: number): Side {
  return { variance: Math.max(varianceOf(g), pooled) / g.n, df: Math.max(1, g.n - 1) };
}

/** Student's t quantile by bisection on the CDF (df may be fractional). */
function tQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p && hi < 1e6) hi *= 2;
  for (let i = 0; i < 100; i += 1) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Combines per-stratum differences of means into one effect: their weighted
 * mean, its variance Σ w²(v₁ + v₂), and Welch–Satterthwaite degrees of
 * freedom, so a reviewer with ten reviews is tested on a t distribution, not
 * the normal one.
 */
function combine(strata: { weight: number; diff: number; mine: Side; others: Side }[]) {
  let total = 0;
  for (const s of strata) total += s.weight;
  let diff = 0;
  let variance = 0;
  let dfDenominator = 0;
  for (const s of strata) {
    const w = s.weight / total;
    diff += w * s.diff;
    variance += w * w * (s.mine.variance + s.others.variance);
    dfDenominator += w ** 4 * (s.mine.variance ** 2 / s.mine.df + s.others.variance ** 2 / s.others.df);
  }
  const se = Math.sqrt(variance);
  const df = dfDenominator > 0 ? (variance * variance) / dfDenominator : Number.POSITIVE_INFINITY;
  const t = se > 0 ? diff / se : 0;
  const half = se > 0 ? tQuantile(0.975, df) * se : 0;
  return {
    multiplier: Math.exp(diff),
    ciLow: Math.exp(diff - half),
    ciHigh: Math.exp(diff + half),
    pOneSided: se > 0 ? 1 - studentTCdf(t, df) : 1,
    pValue: se > 0 ? 2 * (1 - studentTCdf(Math.abs(t), df)) : 1,
  };
}

/**
 * The reviewers' effects on the wait for a first review: each reviewer with at
 * least `minChanges` first reviews in repositories where others review too,
 * against those other reviewers (strata), weighted by the reviewer's reviews
 * there. Only those reviews count as the effect's changes.
 */
export function reviewerStages(all: readonly Delivery[], minChanges: number): StageEffect[] {
  const byRepo = new Map<string, Map<string, Group>>();
  const rowsOf = new Map<string, Map<string, number[]>>();
  for (let i = 0; i < all.length; i += 1) {
    const d = all[i]!;
    if (d.reviewer === null || d.pickup === null) continue;
    const repo = getOrInit(byRepo, d.repo, () => new Map<string, Group>());
    addTo(getOrInit(repo, d.reviewer, emptyGroup), logStage(d.pickup));
    pushTo(
      getOrInit(rowsOf, d.reviewer, () => new Map<string, number[]>()),
      d.repo,
      i,
    );
  }
  const pooled = pooledVariance([...byRepo.values()].flatMap((groups) => [...groups.values()]));
  const out: StageEffect[] = [];
  for (const [reviewer, rowsByRepo] of [...rowsOf].sort((a, b) => a[0].localeCompare(b[0]))) {
    const strata: { weight: number; diff: number; mine: Side; others: Side }[] = [];
    const rows: number[] = [];
    for (const [repo, groups] of byRepo) {
      const mine = groups.get(reviewer);
      if (!mine) continue;
      const others = emptyGroup();
      for (const [who, g] of groups) if (who !== reviewer) merge(others, g);
      if (others.n < 2) continue;
      strata.push({
        weight: mine.n,
        diff: meanOf(mine) - meanOf(others),
        mine: side(mine, pooled),
        others: side(others, pooled),
      });
      rows.push(...rowsByRepo.get(repo)!);
    }
    if (rows.length < minChanges) continue;
    rows.sort((a, b) => a - b);
    out.push({
      kind: 'reviewer',
      name: reviewer,
      rows: Int32Array.from(rows),
      stageSeconds: Float64Array.from(rows, (i) => all[i]!.pickup!),
      ...combine(strata),
    });
  }
  return out;
}

/**
 * A group's mean as one side, its variance also clustered by author (CR1: a
 * change's CI delay holds its author's return lag, a habit shared by their
 * changes), the larger of the two as in the regression (regression.ts).
 */
function clusteredSide(
  rows: readonly number[],
  values: Float64Array,
  authorOf: (i: number) => string,
  pooled: number,
): Side {
  const g = emptyGroup();
  for (const i of rows) addTo(g, values[i]!);
  const plain = side(g, pooled);
  const mean = meanOf(g);
  const scores = new Map<string, number>();
  for (const i of rows) scores.set(authorOf(i), (scores.get(authorOf(i)) ?? 0) + values[i]! - mean);
  const clusters = scores.size;
  if (clusters < 2) return plain;
  let meat = 0;
  for (const s of scores.values()) meat += s * s;
  const clustered = ((clusters / (clusters - 1)) * meat) / (g.n * g.n);
  return { variance: Math.max(plain.variance, clustered), df: plain.df };
}

/**
 * Each repository's CI delay (CI wall time + return lag per change) against
 * the other repositories', for the repositories whose median delay is at
 * least `ratio` times the typical other repository's and 15 minutes longer:
 * slow CI, as opposed to a repository that is slow for other reasons.
 */
export function ciStages(all: readonly Delivery[], minChanges: number, ratio: number): StageEffect[] {
  const byRepo = new Map<string, number[]>();
  for (let i = 0; i < all.length; i += 1) if (all[i]!.ciWait !== null) pushTo(byRepo, all[i]!.repo, i);
  if (byRepo.size < 2) return [];
  const delay = (i: number) => all[i]!.ciWait! + (all[i]!.returnLag ?? 0);
  const logs = new Float64Array(all.length);
  for (const rows of byRepo.values()) for (const i of rows) logs[i] = logStage(delay(i));
  const medians = new Map([...byRepo].map(([repo, rows]) => [repo, median(rows.map(delay))!]));
  const pooled = pooledVariance(
    [...byRepo.values()].map((rows) => {
      const g = emptyGroup();
      for (const i of rows) addTo(g, logs[i]!);
      return g;
    }),
  );
  const authorOf = (i: number) => all[i]!.person;
  const out: StageEffect[] = [];
  for (const [repo, rows] of [...byRepo].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (rows.length < minChanges) continue;
    const mine = medians.get(repo)!;
    const others = median([...medians].flatMap(([r, m]) => (r === repo ? [] : [m])))!;
    if (!(mine >= ratio * others && mine - others >= 15 * 60)) continue;
    const rest = [...byRepo].flatMap(([r, list]) => (r === repo ? [] : list));
    if (rest.length < 2) continue;
    const meanLog = (list: readonly number[]) => list.reduce((t, i) => t + logs[i]!, 0) / list.length;
    out.push({
      kind: 'ci',
      name: repo,
      rows: Int32Array.from(rows),
      stageSeconds: Float64Array.from(rows, delay),
      ...combine([
        {
          weight: 1,
          diff: meanLog(rows) - meanLog(rest),
          mine: clusteredSide(rows, logs, authorOf, pooled),
          others: clusteredSide(rest, logs, authorOf, pooled),
        },
      ]),
    });
  }
  return out;
}

/** Seconds of a stage an effect of `multiplier` adds: the stage beyond what it would take without the effect. */
export function stageExtra(stageSeconds: number, multiplier: number): number {
  return Math.max(stageSeconds, 0) * (1 - 1 / multiplier);
}
