// Stage effects: a reviewer and a repository's CI act on one stage of a
// change, so they are measured on that stage, where the signal is not drowned
// by everything else a cycle time holds:
//
//   - a reviewer on the wait for the first review (pickup): their changes
//     against other reviewers' in the same repositories;
//   - a repository's CI on its CI delay (CI wall time + the author's return
//     lag after runs finish) against the other repositories'.
//
// Each is a stratified comparison of log stage times (Welch's standard error
// per stratum), giving a multiplier on the stage with a 95 % CI and a
// one-sided test. What the effect costs a change is then read off the change
// itself: the stage time beyond what a typical reviewer or CI would take,
// stage × (1 − 1/multiplier), which is the part of the change's cycle time
// the effect explains (effects.ts turns it into a multiplier on cycle time).
import { getOrInit, pushTo } from '../util/maps.js';
import type { Delivery } from './diagnosis.js';
import { median, normalCdf } from './stats.js';

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

const addTo = (g: Group, v: number) => {
  g.sum += v;
  g.squares += v * v;
  g.n += 1;
};
const meanOf = (g: Group) => g.sum / g.n;
const varianceOf = (g: Group) => (g.n > 1 ? Math.max(0, (g.squares - (g.sum * g.sum) / g.n) / (g.n - 1)) : 0);
const logStage = (seconds: number) => Math.log(Math.max(seconds, STAGE_FLOOR) / 3600);

/** Combines per-stratum differences (weight, difference, variance) into one effect. */
function combine(strata: { weight: number; diff: number; variance: number }[]) {
  let total = 0;
  for (const s of strata) total += s.weight;
  let diff = 0;
  let variance = 0;
  for (const s of strata) {
    diff += (s.weight / total) * s.diff;
    variance += (s.weight / total) ** 2 * s.variance;
  }
  const se = Math.sqrt(variance);
  const z = se > 0 ? diff / se : 0;
  return {
    multiplier: Math.exp(diff),
    ciLow: Math.exp(diff - 1.96 * se),
    ciHigh: Math.exp(diff + 1.96 * se),
    pOneSided: se > 0 ? 1 - normalCdf(z) : 1,
    pValue: se > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1,
  };
}

/** Welch's variance of a difference of two group means (each group's variance floored by the pooled one, so two reviews cannot look certain). */
function welch(a: Group, b: Group, pooled: number): number {
  return Math.max(varianceOf(a), pooled / 2) / a.n + Math.max(varianceOf(b), pooled / 2) / b.n;
}

/**
 * The reviewers' effects on the wait for a first review: each reviewer with at
 * least `minChanges` first reviews, against the other reviewers of the same
 * repositories (strata), weighted by the reviewer's reviews there.
 */
export function reviewerStages(all: readonly Delivery[], minChanges: number): StageEffect[] {
  const byRepo = new Map<string, Map<string, Group>>();
  const rowsOf = new Map<string, number[]>();
  for (let i = 0; i < all.length; i += 1) {
    const d = all[i]!;
    if (d.reviewer === null || d.pickup === null) continue;
    const repo = getOrInit(byRepo, d.repo, () => new Map<string, Group>());
    addTo(
      getOrInit(repo, d.reviewer, () => ({ sum: 0, squares: 0, n: 0 })),
      logStage(d.pickup),
    );
    pushTo(rowsOf, d.reviewer, i);
  }
  const out: StageEffect[] = [];
  for (const [reviewer, rows] of [...rowsOf].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (rows.length < minChanges) continue;
    const strata: { weight: number; diff: number; variance: number }[] = [];
    for (const groups of byRepo.values()) {
      const mine = groups.get(reviewer);
      if (!mine) continue;
      const others: Group = { sum: 0, squares: 0, n: 0 };
      let within = 0;
      let df = 0;
      for (const [who, g] of groups) {
        within += varianceOf(g) * Math.max(0, g.n - 1);
        df += Math.max(0, g.n - 1);
        if (who === reviewer) continue;
        others.sum += g.sum;
        others.squares += g.squares;
        others.n += g.n;
      }
      if (others.n < 2) continue;
      const pooled = df > 0 ? within / df : 0;
      strata.push({
        weight: mine.n,
        diff: meanOf(mine) - meanOf(others),
        variance: welch(mine, others, pooled),
      });
    }
    const compared = strata.reduce((t, s) => t + s.weight, 0);
    if (compared < minChanges) continue;
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
  const medians = new Map([...byRepo].map(([repo, rows]) => [repo, median(rows.map(delay))!]));
  const groups = new Map(
    [...byRepo].map(([repo, rows]) => {
      const g: Group = { sum: 0, squares: 0, n: 0 };
      for (const i of rows) addTo(g, logStage(delay(i)));
      return [repo, g] as const;
    }),
  );
  let within = 0;
  let df = 0;
  for (const g of groups.values()) {
    within += varianceOf(g) * Math.max(0, g.n - 1);
    df += Math.max(0, g.n - 1);
  }
  const pooled = df > 0 ? within / df : 0;
  const out: StageEffect[] = [];
  for (const [repo, rows] of [...byRepo].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (rows.length < minChanges) continue;
    const mine = medians.get(repo)!;
    const others = median([...medians].flatMap(([r, m]) => (r === repo ? [] : [m])))!;
    if (!(mine >= ratio * others && mine - others >= 15 * 60)) continue;
    const rest: Group = { sum: 0, squares: 0, n: 0 };
    for (const [r, g] of groups) {
      if (r === repo) continue;
      rest.sum += g.sum;
      rest.squares += g.squares;
      rest.n += g.n;
    }
    if (rest.n < 2) continue;
    const g = groups.get(repo)!;
    out.push({
      kind: 'ci',
      name: repo,
      rows: Int32Array.from(rows),
      stageSeconds: Float64Array.from(rows, delay),
      ...combine([{ weight: 1, diff: meanOf(g) - meanOf(rest), variance: welch(g, rest, pooled) }]),
    });
  }
  return out;
}

/** Seconds of a stage an effect of `multiplier` adds: the stage beyond what it would take without the effect. */
export function stageExtra(stageSeconds: number, multiplier: number): number {
  return Math.max(stageSeconds, 0) * (1 - 1 / multiplier);
}
