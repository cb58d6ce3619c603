// System effects measured on everyone's changes: one multiplicative model of
// cycle time, fitted on every delivered change of the organisation,
//
//   log(cycle) = a + b·log2(size) + repository + Σ modules touched + first reviewer + noise
//
// so each factor multiplies the time a change takes. Each effect carries a
// multiplier, a 95 % confidence interval (cluster-robust sandwich standard
// errors, clustered by person: a person's changes share their pace), a
// two-sided p-value, and the number of changes it applies to. An effect counts
// as significant when it slows changes by a one-sided test that clears Holm's
// step-down correction over every effect tested. A reviewer and a repository's CI are measured on the stage they act
// on instead (stages.ts): the wait for the first review, and the CI delay.
// Causes:
//   - a repository whose CI delay (CI wall time + the author's return lag
//     after runs finish) is clearly longer than elsewhere is `builds_ci`, and
//     so is what its changes lose beyond that delay; a repository slower for
//     other reasons is measured but not attributed;
//   - a module (directory) slower for everyone is `fragile_architecture`;
//   - a reviewer whose changes wait longer is `review_bottleneck`;
//   - the size curve (log–log, extrapolates beyond the sizes seen) is
//     `oversized_changes` for whoever's changes are larger than the baseline's.

import { getOrInit, pushTo } from '../util/maps.js';
import type { Cause, Delivery } from './diagnosis.js';
import { combinationVariance, DesignBuilder, fitHuber, fitOls, type SparseDesign } from './regression.js';
import { ciStages, reviewerStages, type StageEffect, stageExtra } from './stages.js';
import { median, normalCdf } from './stats.js';

export type EffectKind = 'repository' | 'module' | 'reviewer' | 'size' | 'ci';

/** One system effect, estimated on everyone's changes. */
export interface SystemEffect {
  kind: EffectKind;
  /** Repository name, `repo:module`, reviewer login, or "change size". */
  name: string;
  /** The diagnosis cause it stands for; null when measured but not attributable (a slow repository whose CI is not slow). */
  cause: Cause | null;
  /** × on cycle time (size: per doubling of the change) against comparable changes. */
  multiplier: number;
  ciLow: number;
  ciHigh: number;
  /** Two-sided p-value of "no effect". */
  pValue: number;
  /** Changes the effect applies to. */
  n: number;
  /** Slows changes by a one-sided test that passes Holm's step-down correction over every effect tested (a stage effect: its first, strictest step). */
  significant: boolean;
  /** "core/ changes take 2.4× longer for everyone (95 % CI 1.9–3.0)". */
  description: string;
}

/** CI delay of a repository: what each change waits on CI, and how long its author takes to come back. */
export interface CiReturnLag {
  repo: string;
  /** Merged changes with CI data. */
  changes: number;
  /** Median CI wall time per change, seconds. */
  ciWaitMedian: number | null;
  /** Median time from a CI run finishing to the author's next action, per change, seconds. */
  returnLagMedian: number | null;
  /** Median CI wait + return lag per change, seconds. */
  delayMedian: number | null;
}

export interface EffectSettings {
  /** Family-wise level over all effects tested. */
  alpha: number;
  /** Fewest changes a module or reviewer needs to be measured. */
  minChanges: number;
  /** Ridge penalty on module and reviewer effects (in changes' worth of evidence for "no effect"). */
  ridge: number;
  /** A repository's CI delay must be this many times the rest's to count as slow CI. */
  ciDelayRatio: number;
  /** Standard errors robust to a person's changes sharing their pace ('person'), or per change only ('change'). */
  clusterBy: 'person' | 'change';
}

export const DEFAULT_EFFECTS: EffectSettings = {
  alpha: 0.05,
  minChanges: 10,
  ridge: 2,
  ciDelayRatio: 2,
  clusterBy: 'person',
};

/** Sparse per-change increments: row i's are slots/values[start[i] .. start[i+1]). */
export interface Increments {
  start: Int32Array;
  slots: Int32Array;
  values: Float64Array;
}

export interface EffectModel {
  effects: SystemEffect[];
  /** Row of each delivery in the fitted list. */
  rowOf: Map<Delivery, number>;
  /** Per row: 1 when no significant slowing effect (other than size) applies to it — the baseline. */
  inBaseline: Uint8Array;
  /** Effects with an increment column (the significant ones), by index into `effects`. */
  incrementEffects: number[];
  /**
   * Per row (compressed: row i's entries are start[i] .. start[i+1]), the
   * log-increment of each significant effect that applies to the change
   * (slot into incrementEffects), relative to the baseline (mean over the
   * baseline = 0).
   */
  increments: Increments;
  /** Residual standard deviation of log cycle time. */
  residualSd: number;
  /** Between-person variance of log cycle time the model leaves (τ², a person's own pace). */
  personVariance: number;
  /** Within-person variance of one change's (Huber-clipped) log residual (σ²). */
  changeVariance: number;
}
const HOUR = 3600;
/** Cycle times below this count as this (log of a few seconds would dominate the fit). */
const FLOOR = 0.25 * HOUR;

/** The module a path belongs to: its first two directories (`src/ledger`), or its top directory, or "(root)". */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts.length >= 3) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 2) return parts[0]!;
  return '(root)';
}

export function logCycle(cycle: number): number {
  return Math.log(Math.max(cycle, FLOOR) / HOUR);
}

export function logSize(size: number | null, fallback: number): number {
  return size === null ? fallback : Math.log2(1 + size);
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(0) : x.toFixed(1);
}

function sentence(e: Omit<SystemEffect, 'description' | 'significant'>): string {
  const ci = `(95 % CI ${fmt(e.ciLow)}–${fmt(e.ciHigh)})`;
  switch (e.kind) {
    case 'size':
      return `each doubling of a change's size makes it take ${e.multiplier.toFixed(2)}× longer for everyone (95 % CI ${e.ciLow.toFixed(2)}–${e.ciHigh.toFixed(2)})`;
    case 'repository':
      return `changes in ${e.name} take ${fmt(e.multiplier)}× as long as in the other repositories ${ci}`;
    case 'module':
      return `${e.name.split(':').slice(1).join(':')}/ changes in ${e.name.split(':')[0]} take ${fmt(e.multiplier)}× as long for everyone ${ci}`;
    case 'reviewer':
      return `changes first reviewed by ${e.name} take ${fmt(e.multiplier)}× as long ${ci}`;
    case 'ci':
      return `changes in ${e.name} take ${fmt(e.multiplier)}× as long because of CI ${ci}`;
  }
}

/** "changes first reviewed by dana wait 4.8× as long for that review (95 % CI 3.1–7.4), 1.5× their cycle time". */
function stageSentence(s: StageEffect, e: { multiplier: number }): string {
  const ci = `(95 % CI ${fmt(s.ciLow)}–${fmt(s.ciHigh)})`;
  const onCycle = `which makes them take ${e.multiplier.toFixed(2)}× as long`;
  return s.kind === 'reviewer'
    ? `changes first reviewed by ${s.name} wait ${fmt(s.multiplier)}× as long for that review ${ci}, ${onCycle}`
    : `changes in ${s.name} wait ${fmt(s.multiplier)}× as long on CI and for their authors to come back after it ${ci}, ${onCycle}`;
}

/** Holm's step-down over one-sided p-values: which ones are rejected at family-wise level `alpha`. */
export function holm(pValues: readonly number[], alpha: number): boolean[] {
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const rejected = new Array<boolean>(pValues.length).fill(false);
  for (const [rank, i] of order.entries()) {
    if (pValues[i]! > alpha / (pValues.length - rank)) break;
    rejected[i] = true;
  }
  return rejected;
}

/** Fits the model on `all` deliveries. */
export function fitEffects(
  all: readonly Delivery[],
  settings: EffectSettings = DEFAULT_EFFECTS,
): EffectModel {
  const n = all.length;
  const rowOf = new Map<Delivery, number>();
  for (let i = 0; i < n; i += 1) rowOf.set(all[i]!, i);
  const empty: EffectModel = {
    effects: [],
    rowOf,
    inBaseline: new Uint8Array(n).fill(1),
    incrementEffects: [],
    increments: { start: new Int32Array(n + 1), slots: new Int32Array(0), values: new Float64Array(0) },
    residualSd: 0,
    personVariance: 0,
    changeVariance: 0,
  };
  if (n < 20) return empty;
  const sizes: number[] = [];
  for (const d of all) if (d.size !== null) sizes.push(d.size);
  const sizeFallback = sizes.length ? Math.log2(1 + median(sizes)!) : 0;
  const logSizes = new Float64Array(n);
  for (let i = 0; i < n; i += 1) logSizes[i] = logSize(all[i]!.size, sizeFallback);

  // repositories, largest first (the first is the reference level)
  const repoCount = new Map<string, number>();
  for (const d of all) repoCount.set(d.repo, (repoCount.get(d.repo) ?? 0) + 1);
  const repos = [...repoCount.keys()].sort(
    (a, b) => repoCount.get(b)! - repoCount.get(a)! || a.localeCompare(b),
  );
  const repoIndex = new Map(repos.map((r, i) => [r, i]));
  const repoOf = new Int32Array(n);
  for (let i = 0; i < n; i += 1) repoOf[i] = repoIndex.get(all[i]!.repo)!;
  const repoSize = repos.map((r) => repoCount.get(r)!);
  const moduleCount = new Map<string, number>();
  const reviewerCount = new Map<string, number>();
  // where each reviewer reviews most, to keep a repository's columns together
  const reviewerRepo = new Map<string, Map<number, number>>();
  for (let i = 0; i < n; i += 1) {
    const d = all[i]!;
    for (const [k, m] of d.modules.entries()) {
      if (d.modules.indexOf(m) !== k) continue;
      const key = `${d.repo}:${m}`;
      moduleCount.set(key, (moduleCount.get(key) ?? 0) + 1);
    }
    if (d.reviewer) {
      reviewerCount.set(d.reviewer, (reviewerCount.get(d.reviewer) ?? 0) + 1);
      const where = getOrInit(reviewerRepo, d.reviewer, () => new Map<number, number>());
      where.set(repoOf[i]!, (where.get(repoOf[i]!) ?? 0) + 1);
    }
  }
  const modules = [...moduleCount.entries()]
    .filter(
      ([key, k]) => k >= settings.minChanges && k <= repoCount.get(key.split(':')[0]!)! - settings.minChanges,
    )
    .map(([key]) => key)
    .sort();
  const reviewers = [...reviewerCount.entries()]
    .filter(([, k]) => k >= settings.minChanges && k <= n - settings.minChanges)
    .map(([login]) => login)
    .sort();
  // reviewers and CI measured on the stage they act on (stages.ts)
  const stages: StageEffect[] = [
    ...reviewerStages(all, settings.minChanges),
    ...ciStages(all, settings.minChanges, settings.ciDelayRatio),
  ];
  const stageReviewers = new Set(stages.flatMap((s) => (s.kind === 'reviewer' ? [s.name] : [])));
  const tested =
    1 +
    modules.length +
    reviewers.filter((r) => !stageReviewers.has(r)).length +
    (repos.length > 1 ? repos.length : 0) +
    stages.length;
  // The stage time a proven stage effect adds comes out of the cycle time the
  // model is fitted on (at most 90 % of it: stages can overlap), so the model
  // measures what the stage effects leave and nothing is counted twice.
  // Proven here = p ≤ α / tests, the first and strictest step of Holm's correction.
  const extra = new Float64Array(n);
  const stageExtraOf = stages.map((s) => {
    const seconds = new Float64Array(s.rows.length);
    if (s.multiplier > 1 && s.pOneSided <= settings.alpha / tested)
      for (let a = 0; a < s.rows.length; a += 1) {
        seconds[a] = stageExtra(s.stageSeconds[a]!, s.multiplier);
        extra[s.rows[a]!]! += seconds[a]!;
      }
    return seconds;
  });
  const counterfactual = new Float64Array(n);
  for (let i = 0; i < n; i += 1) counterfactual[i] = all[i]!.cycle - Math.min(extra[i]!, 0.9 * all[i]!.cycle);
  // Columns: each repository's modules and reviewers together, then the
  // repositories (the largest is the reference level), the size, the
  // intercept. The dense columns last keep the factorisation in blocks.
  const mainRepo = (login: string) =>
    [...reviewerRepo.get(login)!.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const blocks = repos.map(() => [] as { kind: 'module' | 'reviewer'; key: string }[]);
  for (const m of modules) blocks[repoIndex.get(m.split(':')[0]!)!]!.push({ kind: 'module', key: m });
  for (const r of reviewers) blocks[mainRepo(r)]!.push({ kind: 'reviewer', key: r });
  let p = 0;
  const moduleCol = new Map<string, number>();
  const reviewerCol = new Map<string, number>();
  for (const block of blocks)
    for (const c of block) (c.kind === 'module' ? moduleCol : reviewerCol).set(c.key, p++);
  const penalised = p;
  const repoCol = repos.map((_, r) => (r === 0 ? -1 : p++));
  const SIZE = p++;
  const INTERCEPT = p++;
  const ridge = new Float64Array(p);
  for (let j = 0; j < penalised; j += 1) ridge[j] = settings.ridge;

  // each change's own module and reviewer columns, packed
  const ownStart = new Int32Array(n + 1);
  const ownList: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const d = all[i]!;
    for (const m of d.modules) {
      const c = moduleCol.get(`${d.repo}:${m}`);
      if (c !== undefined && !ownList.includes(c, ownStart[i]!)) ownList.push(c);
    }
    const c = d.reviewer ? reviewerCol.get(d.reviewer) : undefined;
    if (c !== undefined) ownList.push(c);
    ownStart[i + 1] = ownList.length;
  }
  const own = Int32Array.from(ownList);
  // Module and reviewer columns are centred within each repository (1 − the
  // repository's share), so the repository effect means "this repository at its
  // usual mix" and stays well measured even when its modules cover it.
  const shareDense = repos.map(() => new Float64Array(p));
  for (let i = 0; i < n; i += 1) {
    const dense = shareDense[repoOf[i]!]!;
    const w = 1 / repoSize[repoOf[i]!]!;
    for (let a = ownStart[i]!; a < ownStart[i + 1]!; a += 1) dense[own[a]!]! += w;
  }
  const shareCols: Int32Array[] = [];
  const shareVals: Float64Array[] = [];
  for (const dense of shareDense) {
    const cols: number[] = [];
    for (let j = 0; j < p; j += 1) if (dense[j] !== 0) cols.push(j);
    shareCols.push(Int32Array.from(cols));
    shareVals.push(Float64Array.from(cols, (j) => dense[j]!));
  }
  const mark = new Uint8Array(p);
  const design = new DesignBuilder(n, n * 8);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const r = repoOf[i]!;
    if (repoCol[r]! >= 0) design.add(repoCol[r]!, 1);
    design.add(SIZE, logSizes[i]!);
    design.add(INTERCEPT, 1);
    for (let a = ownStart[i]!; a < ownStart[i + 1]!; a += 1) mark[own[a]!] = 1;
    const cols = shareCols[r]!;
    const vals = shareVals[r]!;
    for (let a = 0; a < cols.length; a += 1) design.add(cols[a]!, mark[cols[a]!]! - vals[a]!);
    for (let a = ownStart[i]!; a < ownStart[i + 1]!; a += 1) mark[own[a]!] = 0;
    design.endRow();
    y[i] = logCycle(counterfactual[i]!);
  }
  // changes by the same person share that person's pace: clusters for the standard errors
  const personIndex = new Map<string, number>();
  const personOf = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const who = all[i]!.person;
    let g = personIndex.get(who);
    if (g === undefined) {
      g = personIndex.size;
      personIndex.set(who, g);
    }
    personOf[i] = g;
  }
  const people = personIndex.size;
  const clusters = settings.clusterBy === 'person' ? { of: personOf, count: people } : undefined;
  const plain = design.build(p);
  // without a person effect the first fit is the fit; its covariance is computed below only then
  let fit: ReturnType<typeof fitHuber> = fitHuber(plain, y, ridge, 5, clusters, false);
  let ss = 0;
  for (const e of fit.residuals) ss += e * e;
  const residualSd = Math.sqrt(ss / Math.max(1, n - p));
  const { personVariance, changeVariance } = personPace(fit.residuals, personOf, people, fit.scale);
  // A person's own pace is a random intercept: refit by feasible GLS, each
  // person's rows quasi-demeaned by θ = 1 − √(σ² / (σ² + n·τ²)), so a module
  // or reviewer mostly met by one slow person is measured within people as
  // much as the data allow, and its variance counts the persons, not the changes.
  if (clusters && personVariance > 0) {
    const gls = quasiDemeaned(plain, y, personOf, people, personVariance, changeVariance);
    fit = fitHuber(gls.design, gls.y, ridge, 5, { of: gls.of, count: people });
  } else
    fit = { ...fitOls(plain, y, ridge, fit.weights, true, clusters), scale: fit.scale, weights: fit.weights };

  interface Candidate {
    kind: EffectKind;
    name: string;
    contrast: Map<number, number>;
    n: number;
    cause: Cause | null;
  }
  const candidates: Candidate[] = [];
  candidates.push({
    kind: 'size',
    name: 'change size',
    contrast: new Map([[SIZE, 1]]),
    n: sizes.length,
    cause: 'oversized_changes',
  });
  // a module against the other modules of its repository, weighted by their changes: every
  // change touches some module, so a module's own coefficient is only a deviation from their mix
  const modulesOfRepo = new Map<string, string[]>();
  for (const m of modules) pushTo(modulesOfRepo, m.split(':')[0]!, m);
  for (const m of modules) {
    const siblings = modulesOfRepo.get(m.split(':')[0]!)!.filter((o) => o !== m);
    const contrast = new Map<number, number>([[moduleCol.get(m)!, 1]]);
    let total = 0;
    for (const o of siblings) total += moduleCount.get(o)!;
    for (const o of siblings) contrast.set(moduleCol.get(o)!, -moduleCount.get(o)! / total);
    candidates.push({
      kind: 'module',
      name: m,
      contrast,
      n: moduleCount.get(m)!,
      cause: 'fragile_architecture',
    });
  }
  // a reviewer against the other reviewers of the same repositories, weighted by their reviews there
  const reviewsIn = new Map<string, Map<string, number>>();
  for (const d of all) {
    if (!d.reviewer || !reviewerCol.has(d.reviewer)) continue;
    const m = getOrInit(reviewsIn, d.repo, () => new Map<string, number>());
    m.set(d.reviewer, (m.get(d.reviewer) ?? 0) + 1);
  }
  for (const v of reviewers) {
    if (stageReviewers.has(v)) continue;
    const contrast = new Map<number, number>([[reviewerCol.get(v)!, 1]]);
    const others = new Map<string, number>();
    for (const counts of reviewsIn.values()) {
      if (!counts.has(v)) continue;
      for (const [u, k] of counts) if (u !== v) others.set(u, (others.get(u) ?? 0) + k);
    }
    let total = 0;
    for (const k of others.values()) total += k;
    for (const [u, k] of others) contrast.set(reviewerCol.get(u)!, -k / total);
    candidates.push({
      kind: 'reviewer',
      name: v,
      contrast,
      n: reviewerCount.get(v)!,
      cause: 'review_bottleneck',
    });
  }
  const repoFirst = candidates.length;
  if (repos.length > 1) {
    // A repository slower than the others beyond its measured CI delay (slow
    // CI is its own effect, on the CI stage) is attributed to CI only when its
    // CI is proven slow: the knock-on cost of waiting on CI (switching to other
    // work, batching pushes) outlasts the return lag measured after each run.
    // Otherwise it is measured but not attributed.
    const slowCi = new Set(
      stages.flatMap((s) =>
        s.kind === 'ci' && s.multiplier > 1 && s.pOneSided <= settings.alpha / tested ? [s.name] : [],
      ),
    );
    for (const r of repos) {
      // filled in below, once the module and reviewer effects are known
      candidates.push({
        kind: 'repository',
        name: r,
        contrast: new Map(),
        n: repoCount.get(r)!,
        cause: slowCi.has(r) ? 'builds_ci' : null,
      });
    }
  }
  // one-sided p-values of "slows changes", for the family-wise tests
  const oneSided: number[] = [];
  const measure = (c: Candidate): Omit<SystemEffect, 'significant' | 'description'> => {
    let estimate = 0;
    for (const [j, w] of c.contrast) estimate += w * fit.beta[j]!;
    const se = Math.sqrt(combinationVariance(fit, c.contrast));
    const z = se > 0 ? estimate / se : 0;
    const valid = se > 0 && [...c.contrast.keys()].every((j) => !fit.dropped[j]);
    oneSided.push(valid ? 1 - normalCdf(z) : 1);
    return {
      kind: c.kind,
      name: c.name,
      cause: c.cause,
      multiplier: Math.exp(estimate),
      ciLow: Math.exp(estimate - 1.96 * se),
      ciHigh: Math.exp(estimate + 1.96 * se),
      pValue: valid ? 2 * (1 - normalCdf(Math.abs(z))) : 1,
      n: c.n,
    };
  };
  const measured = candidates.slice(0, repoFirst).map(measure);
  // A repository's level net of the module and reviewer effects proven at the
  // plain Bonferroni level in its mix (their share × their coefficient): a
  // slow module or reviewer is not counted twice, and an unproven one is left
  // in the repository.
  const believed = new Set<number>();
  for (const [i, e] of measured.entries()) {
    if (e.kind !== 'module' && e.kind !== 'reviewer') continue;
    if (oneSided[i]! <= settings.alpha / tested) believed.add(candidates[i]!.contrast.keys().next().value!);
  }
  const levelOf = (r: number): Map<number, number> => {
    const c = new Map<number, number>();
    if (repoCol[r]! >= 0) c.set(repoCol[r]!, 1);
    const cols = shareCols[r]!;
    for (let a = 0; a < cols.length; a += 1)
      if (believed.has(cols[a]!)) c.set(cols[a]!, (c.get(cols[a]!) ?? 0) - shareVals[r]![a]!);
    return c;
  };
  for (const cand of candidates.slice(repoFirst)) {
    // this repository against the others, weighted by their changes
    const r = repoIndex.get(cand.name)!;
    const contrast = levelOf(r);
    const rest = n - repoSize[r]!;
    for (let s = 0; s < repos.length; s += 1) {
      if (s === r) continue;
      for (const [j, w] of levelOf(s)) contrast.set(j, (contrast.get(j) ?? 0) - (w * repoSize[s]!) / rest);
    }
    cand.contrast = contrast;
    measured.push(measure(cand));
  }
  // significant: slows changes, by Holm's step-down at the family-wise level
  // over every effect tested, the stage effects' tests included
  const rejected = holm([...oneSided, ...stages.map((s) => s.pOneSided)], settings.alpha);
  if (rejected.length !== tested)
    throw new Error(`effects: ${rejected.length} tests made, ${tested} counted`);
  const effects: SystemEffect[] = measured.map((e, i) => ({
    ...e,
    significant: rejected[i]! && e.multiplier > 1,
    description: sentence(e),
  }));
  // Stage effects, priced on cycle time by each change's own stage time:
  // what the fit took out of a change, log(cycle) − log(what is left), shared
  // between its stage effects in proportion to their extra time. Significant
  // = the stage is slower at the first (strictest) step of Holm's correction
  // over all tests, the level at which its time was taken out above (such a
  // p-value is always rejected by the whole procedure too).
  const stageIncrements = stages.map((s, k) => {
    const inc = new Float64Array(s.rows.length);
    for (let a = 0; a < s.rows.length; a += 1) {
      const i = s.rows[a]!;
      const cycle = all[i]!.cycle;
      if (extra[i]! > 0)
        inc[a] = (logCycle(cycle) - logCycle(counterfactual[i]!)) * (stageExtraOf[k]![a]! / extra[i]!);
    }
    return inc;
  });
  for (const s of stages) {
    const onCycle = (m: number) => {
      let total = 0;
      for (let a = 0; a < s.rows.length; a += 1) {
        const cycle = all[s.rows[a]!]!.cycle;
        total += logCycle(cycle) - logCycle(cycle - Math.min(stageExtra(s.stageSeconds[a]!, m), 0.9 * cycle));
      }
      return Math.exp(total / Math.max(1, s.rows.length));
    };
    const e = {
      kind: s.kind,
      name: s.name,
      cause: (s.kind === 'ci' ? 'builds_ci' : 'review_bottleneck') as Cause,
      multiplier: onCycle(s.multiplier),
      ciLow: onCycle(s.ciLow),
      ciHigh: onCycle(s.ciHigh),
      pValue: s.pValue,
      n: s.rows.length,
    };
    effects.push({
      ...e,
      significant: s.multiplier > 1 && s.pOneSided <= settings.alpha / tested,
      description: stageSentence(s, e),
    });
  }
  const stageFirst = measured.length;

  // the baseline: changes no significant repository, module or reviewer effect slows
  const slowCol = new Uint8Array(p);
  const slowRepo = new Uint8Array(repos.length);
  for (const [i, e] of effects.entries()) {
    if (!e.significant) continue;
    if (i >= stageFirst) continue;
    if (e.kind === 'repository') slowRepo[repoIndex.get(e.name)!] = 1;
    else if (e.kind !== 'size') slowCol[candidates[i]!.contrast.keys().next().value!] = 1;
  }
  const slowRow = new Uint8Array(n);
  for (const [k, s] of stages.entries())
    if (effects[stageFirst + k]!.significant) for (const i of s.rows) slowRow[i] = 1;
  const inBaseline = new Uint8Array(n);
  let baselineCount = 0;
  for (let i = 0; i < n; i += 1) {
    let clean = slowRepo[repoOf[i]!] === 0 && slowRow[i] === 0;
    for (let a = ownStart[i]!; clean && a < ownStart[i + 1]!; a += 1) if (slowCol[own[a]!]) clean = false;
    inBaseline[i] = clean ? 1 : 0;
    baselineCount += inBaseline[i]!;
  }
  if (baselineCount < Math.max(20, 0.1 * n)) {
    inBaseline.fill(1);
    baselineCount = n;
  }

  // increments of each significant effect, centred so the baseline's mean is 0
  const incrementEffects = effects.flatMap((e, i) => (e.significant ? [i] : []));
  const k = incrementEffects.length;
  if (k === 0) return { ...empty, effects, inBaseline, residualSd, personVariance, changeVariance };
  const slot = new Int32Array(effects.length).fill(-1);
  for (const [s, i] of incrementEffects.entries()) slot[i] = s;
  const repoLevel = repos.map((_, r) => {
    let level = 0;
    for (const [j, w] of levelOf(r)) level += w * fit.beta[j]!;
    return level;
  });
  let baselineRepo = 0;
  let baselineSize = 0;
  for (let i = 0; i < n; i += 1) {
    if (!inBaseline[i]) continue;
    baselineRepo += repoLevel[repoOf[i]!]!;
    baselineSize += logSizes[i]!;
  }
  baselineRepo /= baselineCount;
  baselineSize /= baselineCount;
  // column → effect index, for the module and reviewer effects
  const effectOfCol = new Int32Array(p).fill(-1);
  for (const [i, e] of effects.entries())
    if (i < stageFirst && (e.kind === 'module' || e.kind === 'reviewer'))
      effectOfCol[candidates[i]!.contrast.keys().next().value!] = i;
  const repoEffect = repos.map(() => -1);
  for (const [i, e] of effects.entries())
    if (i < stageFirst && e.kind === 'repository') repoEffect[repoIndex.get(e.name)!] = i;
  // each row's stage increments, packed like the rows
  const stageRowStart = new Int32Array(n + 1);
  for (const [k, s] of stages.entries())
    if (slot[stageFirst + k]! >= 0) for (const i of s.rows) stageRowStart[i + 1]! += 1;
  for (let i = 0; i < n; i += 1) stageRowStart[i + 1]! += stageRowStart[i]!;
  const stageRowSlot = new Int32Array(stageRowStart[n]!);
  const stageRowValue = new Float64Array(stageRowStart[n]!);
  const fill = stageRowStart.slice(0, n);
  for (const [k, s] of stages.entries()) {
    if (slot[stageFirst + k]! < 0) continue;
    for (let a = 0; a < s.rows.length; a += 1) {
      const at = fill[s.rows[a]!]!++;
      stageRowSlot[at] = slot[stageFirst + k]!;
      stageRowValue[at] = stageIncrements[k]![a]!;
    }
  }
  const sizeSlot = slot[0]!;
  const start = new Int32Array(n + 1);
  const slots: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (sizeSlot >= 0) {
      slots.push(sizeSlot);
      values.push(fit.beta[SIZE]! * (logSizes[i]! - baselineSize));
    }
    const ri = repoEffect[repoOf[i]!]!;
    if (ri >= 0 && slot[ri]! >= 0) {
      slots.push(slot[ri]!);
      values.push(repoLevel[repoOf[i]!]! - baselineRepo);
    }
    for (let a = ownStart[i]!; a < ownStart[i + 1]!; a += 1) {
      const ei = effectOfCol[own[a]!]!;
      if (ei < 0 || slot[ei]! < 0) continue;
      slots.push(slot[ei]!);
      values.push(Math.log(effects[ei]!.multiplier));
    }
    for (let b = stageRowStart[i]!; b < stageRowStart[i + 1]!; b += 1) {
      slots.push(stageRowSlot[b]!);
      values.push(stageRowValue[b]!);
    }
    start[i + 1] = slots.length;
  }
  const increments: Increments = { start, slots: Int32Array.from(slots), values: Float64Array.from(values) };
  return {
    effects,
    rowOf,
    inBaseline,
    incrementEffects,
    increments,
    residualSd,
    personVariance,
    changeVariance,
  };
}

/**
 * The random-intercept (GLS) transform of a design: each row minus θ_g times
 * its person's mean row, θ_g = 1 − √(σ² / (σ² + n_g·τ²)). Rows come out grouped
 * by person (the fit does not depend on their order), with their clusters.
 */
function quasiDemeaned(
  x: SparseDesign,
  y: Float64Array,
  personOf: Int32Array,
  people: number,
  tau2: number,
  sigma2: number,
): { design: SparseDesign; y: Float64Array; of: Int32Array } {
  const count = new Int32Array(people + 1);
  for (let i = 0; i < x.n; i += 1) count[personOf[i]! + 1]! += 1;
  for (let g = 0; g < people; g += 1) count[g + 1]! += count[g]!;
  const order = new Int32Array(x.n);
  const fill = count.slice(0, people);
  for (let i = 0; i < x.n; i += 1) order[fill[personOf[i]!]!++] = i;
  const mean = new Float64Array(x.p);
  const seen = new Uint8Array(x.p);
  const builder = new DesignBuilder(x.n, x.cols.length * 2);
  const outY = new Float64Array(x.n);
  const of = new Int32Array(x.n);
  let out = 0;
  for (let g = 0; g < people; g += 1) {
    const from = count[g]!;
    const to = count[g + 1]!;
    const size = to - from;
    if (size === 0) continue;
    const theta = 1 - Math.sqrt(sigma2 / (sigma2 + size * tau2));
    const touched: number[] = [];
    let meanY = 0;
    for (let a = from; a < to; a += 1) {
      const i = order[a]!;
      meanY += y[i]! / size;
      for (let b = x.start[i]!; b < x.start[i + 1]!; b += 1) {
        const c = x.cols[b]!;
        if (!seen[c]) {
          seen[c] = 1;
          touched.push(c);
        }
        mean[c]! += x.vals[b]! / size;
      }
    }
    const row = new Float64Array(x.p);
    for (let a = from; a < to; a += 1) {
      const i = order[a]!;
      for (const c of touched) row[c] = -theta * mean[c]!;
      for (let b = x.start[i]!; b < x.start[i + 1]!; b += 1) row[x.cols[b]!]! += x.vals[b]!;
      for (const c of touched) if (row[c] !== 0) builder.add(c, row[c]!);
      builder.endRow();
      outY[out] = y[i]! - theta * meanY;
      of[out] = g;
      out += 1;
    }
    for (const c of touched) {
      mean[c] = 0;
      seen[c] = 0;
      row[c] = 0;
    }
  }
  return { design: builder.build(x.p), y: outY, of };
}

/**
 * A person's own pace, left in the model's residuals: the between-person
 * variance τ² of the residuals' person means (one-way ANOVA estimator, on
 * residuals clipped at Huber's k so stale changes do not inflate it) and the
 * within-person variance σ² of one change. A subject's own gap over n changes
 * is then worth τ² / (τ² + σ²/n) of itself (diagnosis.ts).
 */
function personPace(
  residuals: Float64Array,
  personOf: Int32Array,
  people: number,
  scale: number,
): { personVariance: number; changeVariance: number } {
  const k = 1.345 * (scale > 0 ? scale : 1);
  const sum = new Float64Array(people);
  const count = new Float64Array(people);
  let total = 0;
  for (let i = 0; i < residuals.length; i += 1) {
    const v = Math.max(-k, Math.min(k, residuals[i]!));
    sum[personOf[i]!]! += v;
    count[personOf[i]!]! += 1;
    total += v;
  }
  const n = residuals.length;
  const grand = total / n;
  let within = 0;
  for (let i = 0; i < n; i += 1) {
    const g = personOf[i]!;
    const v = Math.max(-k, Math.min(k, residuals[i]!));
    within += (v - sum[g]! / count[g]!) ** 2;
  }
  const changeVariance = within / Math.max(1, n - people);
  if (people < 2) return { personVariance: 0, changeVariance };
  let between = 0;
  let squares = 0;
  for (let g = 0; g < people; g += 1) {
    between += count[g]! * (sum[g]! / count[g]! - grand) ** 2;
    squares += count[g]! ** 2;
  }
  const n0 = (n - squares / n) / (people - 1);
  const personVariance = Math.max(0, (between / (people - 1) - changeVariance) / n0);
  return { personVariance, changeVariance };
}

/** Per-repository CI delay: CI wall time and the author's return lag, per merged change. */
export function ciReturnLags(all: readonly Delivery[]): CiReturnLag[] {
  const byRepo = new Map<string, Delivery[]>();
  for (const d of all) {
    if (d.ciWait === null) continue;
    const list = byRepo.get(d.repo);
    if (list) list.push(d);
    else byRepo.set(d.repo, [d]);
  }
  return [...byRepo.entries()]
    .map(([repo, list]) => ({
      repo,
      changes: list.length,
      ciWaitMedian: median(list.map((d) => d.ciWait ?? 0)),
      returnLagMedian: median(list.flatMap((d) => (d.returnLag === null ? [] : [d.returnLag]))),
      delayMedian: median(list.map((d) => (d.ciWait ?? 0) + (d.returnLag ?? 0))),
    }))
    .sort((a, b) => a.repo.localeCompare(b.repo));
}
