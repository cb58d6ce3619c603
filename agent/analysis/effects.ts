// System effects measured on everyone's changes: one multiplicative model of
// cycle time, fitted on every delivered change of the organisation,
//
//   log(cycle) = a + b·log2(size) + repository + Σ modules touched + first reviewer + noise
//
// so each factor multiplies the time a change takes. Each effect carries a
// multiplier, a 95 % confidence interval (robust, sandwich standard errors),
// a two-sided test, and the number of changes it applies to. An effect counts
// as significant when it slows changes and its p-value clears a Bonferroni
// correction over every effect tested. Causes:
//   - a repository slower than the others is `builds_ci` when its CI delay
//     (CI wall time + the author's return lag after runs finish) is clearly
//     longer than elsewhere; otherwise it is measured but not attributed;
//   - a module (directory) slower for everyone is `fragile_architecture`;
//   - a reviewer whose changes wait longer is `review_bottleneck`;
//   - the size curve (log–log, extrapolates beyond the sizes seen) is
//     `oversized_changes` for whoever's changes are larger than the baseline's.

import { getOrInit } from '../util/maps.js';
import type { Cause, Delivery } from './diagnosis.js';
import { combinationVariance, fitHuber, type SparseRow } from './regression.js';
import { median, normalCdf } from './stats.js';

export type EffectKind = 'repository' | 'module' | 'reviewer' | 'size';

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
  /** Slows changes and clears the Bonferroni-corrected level. */
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
}

export const DEFAULT_EFFECTS: EffectSettings = { alpha: 0.05, minChanges: 10, ridge: 2, ciDelayRatio: 2 };

export interface EffectModel {
  effects: SystemEffect[];
  /** Changes no significant slowing effect (other than size) applies to: the baseline. */
  baseline: Set<Delivery>;
  /**
   * Per delivery: the log-increment of each significant effect, relative to
   * the baseline (mean over the baseline = 0), keyed by effect index.
   */
  increments: Map<Delivery, Map<number, number>>;
  /** Residual standard deviation of log cycle time. */
  residualSd: number;
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
  }
}

/**
 * Fits the model on `all` deliveries. `ciDelay` gives each repository's CI
 * delay so a slow repository can be attributed to CI.
 */
export function fitEffects(
  all: readonly Delivery[],
  ciDelay: readonly CiReturnLag[],
  settings: EffectSettings = DEFAULT_EFFECTS,
): EffectModel {
  const empty: EffectModel = { effects: [], baseline: new Set(all), increments: new Map(), residualSd: 0 };
  if (all.length < 20) return empty;
  const sizes = all.map((d) => d.size).filter((s): s is number => s !== null);
  const sizeFallback = sizes.length ? Math.log2(1 + median(sizes)!) : 0;
  // columns: 0 intercept, 1 size, repositories (first = reference), modules, reviewers
  const repoCount = new Map<string, number>();
  for (const d of all) repoCount.set(d.repo, (repoCount.get(d.repo) ?? 0) + 1);
  const repos = [...repoCount.keys()].sort(
    (a, b) => repoCount.get(b)! - repoCount.get(a)! || a.localeCompare(b),
  );
  const col = new Map<string, number>();
  let p = 2;
  for (const r of repos.slice(1)) col.set(`repo\0${r}`, p++);
  const moduleCount = new Map<string, number>();
  const reviewerCount = new Map<string, number>();
  for (const d of all) {
    for (const m of new Set(d.modules))
      moduleCount.set(`${d.repo}:${m}`, (moduleCount.get(`${d.repo}:${m}`) ?? 0) + 1);
    if (d.reviewer) reviewerCount.set(d.reviewer, (reviewerCount.get(d.reviewer) ?? 0) + 1);
  }
  const modules = [...moduleCount.entries()]
    .filter(
      ([key, n]) => n >= settings.minChanges && n <= repoCount.get(key.split(':')[0]!)! - settings.minChanges,
    )
    .map(([key]) => key)
    .sort();
  for (const m of modules) col.set(`module\0${m}`, p++);
  const reviewers = [...reviewerCount.entries()]
    .filter(([, n]) => n >= settings.minChanges && n <= all.length - settings.minChanges)
    .map(([login]) => login)
    .sort();
  for (const r of reviewers) col.set(`reviewer\0${r}`, p++);
  const firstPenalised = 2 + repos.length - 1;
  const ridge = new Float64Array(p);
  for (let j = firstPenalised; j < p; j += 1) ridge[j] = settings.ridge;

  // Module and reviewer columns are centred within each repository (1 − the
  // repository's share), so the repository effect means "this repository at its
  // usual mix" and stays well measured even when its modules cover it.
  const columns = all.map(columnsOf);
  const share = new Map<string, Map<number, number>>();
  for (const [i, d] of all.entries()) {
    const m = getOrInit(share, d.repo, () => new Map<number, number>());
    for (const c of columns[i]!) m.set(c, (m.get(c) ?? 0) + 1 / repoCount.get(d.repo)!);
  }
  function columnsOf(d: Delivery): number[] {
    const out: number[] = [];
    for (const m of new Set(d.modules)) {
      const mc = col.get(`module\0${d.repo}:${m}`);
      if (mc !== undefined) out.push(mc);
    }
    const vc = d.reviewer ? col.get(`reviewer\0${d.reviewer}`) : undefined;
    if (vc !== undefined) out.push(vc);
    return out;
  }
  const rows: SparseRow[] = [];
  const y = new Float64Array(all.length);
  for (const [i, d] of all.entries()) {
    const cols = [0, 1];
    const vals = [1, logSize(d.size, sizeFallback)];
    const rc = col.get(`repo\0${d.repo}`);
    if (rc !== undefined) {
      cols.push(rc);
      vals.push(1);
    }
    const own = new Set(columns[i]);
    for (const [c, pi] of share.get(d.repo)!) {
      cols.push(c);
      vals.push((own.has(c) ? 1 : 0) - pi);
    }
    rows.push({ cols, vals });
    y[i] = logCycle(d.cycle);
  }
  const fit = fitHuber(rows, y, p, ridge);
  let ss = 0;
  for (const e of fit.residuals) ss += e * e;
  const residualSd = Math.sqrt(ss / Math.max(1, all.length - p));

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
    contrast: new Map([[1, 1]]),
    n: sizes.length,
    cause: 'oversized_changes',
  });
  for (const m of modules) {
    candidates.push({
      kind: 'module',
      name: m,
      contrast: new Map([[col.get(`module\0${m}`)!, 1]]),
      n: moduleCount.get(m)!,
      cause: 'fragile_architecture',
    });
  }
  // a reviewer against the other reviewers of the same repositories, weighted by their reviews there
  const reviewsIn = new Map<string, Map<string, number>>();
  for (const d of all) {
    if (!d.reviewer || !col.has(`reviewer\0${d.reviewer}`)) continue;
    const m = getOrInit(reviewsIn, d.repo, () => new Map<string, number>());
    m.set(d.reviewer, (m.get(d.reviewer) ?? 0) + 1);
  }
  for (const v of reviewers) {
    const contrast = new Map<number, number>([[col.get(`reviewer\0${v}`)!, 1]]);
    const others = new Map<string, number>();
    for (const counts of reviewsIn.values()) {
      if (!counts.has(v)) continue;
      for (const [u, k] of counts) if (u !== v) others.set(u, (others.get(u) ?? 0) + k);
    }
    const total = [...others.values()].reduce((t, k) => t + k, 0);
    for (const [u, k] of others) contrast.set(col.get(`reviewer\0${u}`)!, -k / total);
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
    const delayOf = new Map(ciDelay.map((c) => [c.repo, c]));
    for (const r of repos) {
      const mine = delayOf.get(r)?.delayMedian ?? null;
      // the typical other repository: the median of their median CI delays
      const others = median(
        ciDelay.flatMap((c) => (c.repo === r || c.delayMedian === null ? [] : [c.delayMedian])),
      );
      const slowCi =
        mine !== null &&
        others !== null &&
        mine >= settings.ciDelayRatio * others &&
        mine - others >= 15 * 60;
      // filled in below, once the module and reviewer effects are known
      candidates.push({
        kind: 'repository',
        name: r,
        contrast: new Map(),
        n: repoCount.get(r)!,
        cause: slowCi ? 'builds_ci' : null,
      });
    }
  }
  const level = settings.alpha / Math.max(1, candidates.length);
  const measure = (c: Candidate): SystemEffect => {
    let estimate = 0;
    for (const [j, w] of c.contrast) estimate += w * fit.beta[j]!;
    const se = Math.sqrt(combinationVariance(fit, c.contrast));
    const z = se > 0 ? estimate / se : 0;
    const pValue =
      se > 0 && [...c.contrast.keys()].every((j) => !fit.dropped[j]) ? 2 * (1 - normalCdf(Math.abs(z))) : 1;
    const base = {
      kind: c.kind,
      name: c.name,
      cause: c.cause,
      multiplier: Math.exp(estimate),
      ciLow: Math.exp(estimate - 1.96 * se),
      ciHigh: Math.exp(estimate + 1.96 * se),
      pValue,
      n: c.n,
    };
    return { ...base, significant: estimate > 0 && pValue < level, description: sentence(base) };
  };
  const effects: SystemEffect[] = candidates.slice(0, repoFirst).map(measure);
  // A repository's level net of the significant module and reviewer effects
  // in its mix (their share × their coefficient): a slow module or reviewer
  // is not counted twice, and an unproven one is left in the repository.
  const believed = new Set<number>();
  for (const [i, e] of effects.entries()) {
    if (!e.significant || (e.kind !== 'module' && e.kind !== 'reviewer')) continue;
    for (const j of candidates[i]!.contrast.keys())
      if (j === col.get(`${e.kind}\0${e.name}`)) believed.add(j);
  }
  const levelOf = (r: string): Map<number, number> => {
    const c = new Map<number, number>();
    const own = col.get(`repo\0${r}`);
    if (own !== undefined) c.set(own, 1);
    for (const [j, pi] of share.get(r) ?? []) if (believed.has(j)) c.set(j, (c.get(j) ?? 0) - pi);
    return c;
  };
  for (const cand of candidates.slice(repoFirst)) {
    // this repository against the others, weighted by their changes
    const contrast = levelOf(cand.name);
    const rest = all.length - repoCount.get(cand.name)!;
    for (const s of repos) {
      if (s === cand.name) continue;
      for (const [j, w] of levelOf(s))
        contrast.set(j, (contrast.get(j) ?? 0) - (w * repoCount.get(s)!) / rest);
    }
    cand.contrast = contrast;
    effects.push(measure(cand));
  }

  // the baseline: changes no significant repository, module or reviewer effect slows
  const slowRepos = new Set(
    effects.filter((e) => e.significant && e.kind === 'repository').map((e) => e.name),
  );
  const slowModules = new Set(effects.filter((e) => e.significant && e.kind === 'module').map((e) => e.name));
  const slowReviewers = new Set(
    effects.filter((e) => e.significant && e.kind === 'reviewer').map((e) => e.name),
  );
  const isClean = (d: Delivery, i: number) =>
    !slowRepos.has(d.repo) &&
    !(d.reviewer !== null && slowReviewers.has(d.reviewer)) &&
    !(slowModules.size > 0 && d.modules.some((m) => slowModules.has(`${d.repo}:${m}`))) &&
    i >= 0;
  let baseline = new Set(all.filter((d, i) => isClean(d, i)));
  if (baseline.size < Math.max(20, 0.1 * all.length)) baseline = new Set(all);

  // increments of each significant effect, centred so the baseline's mean is 0
  const effectIndex = new Map(effects.map((e, i) => [`${e.kind}\0${e.name}`, i]));
  const repoLevels = new Map<string, number>();
  const repoBeta = (r: string) =>
    getOrInit(repoLevels, r, () => {
      let level = 0;
      for (const [j, w] of levelOf(r)) level += w * fit.beta[j]!;
      return level;
    });
  let baselineRepo = 0;
  let baselineSize = 0;
  for (const d of baseline) {
    baselineRepo += repoBeta(d.repo);
    baselineSize += logSize(d.size, sizeFallback);
  }
  baselineRepo /= baseline.size;
  baselineSize /= baseline.size;
  const increments = new Map<Delivery, Map<number, number>>();
  const sizeIdx = effectIndex.get('size\0change size');
  const anySignificant = new Set(effects.filter((e) => e.significant).map((e) => e.kind));
  for (const d of all) {
    const inc = new Map<number, number>();
    if (sizeIdx !== undefined && effects[sizeIdx]!.significant) {
      inc.set(sizeIdx, fit.beta[1]! * (logSize(d.size, sizeFallback) - baselineSize));
    }
    const ri = effectIndex.get(`repository\0${d.repo}`);
    if (ri !== undefined && effects[ri]!.significant) inc.set(ri, repoBeta(d.repo) - baselineRepo);
    for (const m of anySignificant.has('module') ? new Set(d.modules) : []) {
      const mi = effectIndex.get(`module\0${d.repo}:${m}`);
      if (mi !== undefined && effects[mi]!.significant)
        inc.set(mi, fit.beta[col.get(`module\0${d.repo}:${m}`)!]!);
    }
    const vi =
      d.reviewer && anySignificant.has('reviewer') ? effectIndex.get(`reviewer\0${d.reviewer}`) : undefined;
    if (vi !== undefined && effects[vi]!.significant) inc.set(vi, Math.log(effects[vi]!.multiplier));
    if (inc.size) increments.set(d, inc);
  }
  return { effects, baseline, increments, residualSd };
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
