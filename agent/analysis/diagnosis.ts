// "Slow engineer, or slow system?" For each person (and team) with enough
// merged changes, compare their cycle time with the baseline, and split the
// gap into the parts that system effects measured on everyone's changes
// explain, plus an unexplained residual. The method (docs/diagnosis.md):
//
//   1. Measure the system effects on every change (effects.ts): a
//      reviewer on the wait for their first review and a repository's CI on
//      its CI delay (stages.ts), each priced on every change's own stage
//      time; then one multiplicative model of the cycle time they leave:
//      repository, modules touched, first reviewer, size as a log–log curve.
//      Each effect has a multiplier, a 95 % CI and a test; significant =
//      slows changes by a one-sided test passing Holm's correction.
//   2. Baseline = the median cycle time of the changes no significant
//      repository, CI, module or reviewer effect applies to.
//   3. Each significant effect explains (its mean increment over the
//      subject's changes − over the baseline's): the subject's mix of work
//      under the model. The gap weighed = the random-intercept estimate
//      (the mix's prediction + the subject's own remainder × τ²/(τ² + σ²/n)),
//      or their own figure (Huber location of log time − the baseline's)
//      when only that one passes step 4. Residual = gap − explained.
//   4. Verdict = the cause explaining most, when the gap is ≥ 25 % AND
//      significant effects explain at least half of it.
//      Otherwise "none": not explained by the measured causes. The subject's
//      own rank test is shown, never a condition.
import { pushTo } from '../util/maps.js';
import { type EffectModel, logCycle } from './effects.js';
import { mannWhitneyGreaterRanked, median, rankAll } from './stats.js';

export type Cause = 'builds_ci' | 'fragile_architecture' | 'review_bottleneck' | 'oversized_changes';
export type Verdict = Cause | 'none';
export const CAUSES: readonly Cause[] = [
  'builds_ci',
  'fragile_architecture',
  'review_bottleneck',
  'oversized_changes',
];

/** One delivered change (a merged PR, or a merged branch for repositories without PR data). */
export interface Delivery {
  repo: string;
  /** The person: GitHub login when known, else git author email. */
  person: string;
  team: string | null;
  /** Seconds from first commit to merge. */
  cycle: number;
  /** Seconds from ready-for-review to first human review; null without review data. */
  pickup: number | null;
  /** Seconds of CI wall time on its head commits; null without CI data. */
  ciWait: number | null;
  /** Lines changed, lock and generated files excluded; null when unknown. */
  size: number | null;
  reviewRounds: number | null;
  /** Touches a hotspot or a strongly coupled file. */
  fragile: boolean;
  mergedAt: number;
  /** Modules (directories, see effects.moduleOf) the change touches; [] when unknown. */
  modules: string[];
  /** The first human reviewer; null when nobody reviewed or unknown. */
  reviewer: string | null;
  /** Seconds the change waited for its author after CI runs on it finished; null without CI data. */
  returnLag: number | null;
}

export interface CauseShare {
  cause: Cause;
  /** Fraction of the subject's gap this cause explains (0..1). */
  share: number;
  /** Same as delayHoursPerWeek (kept for the report contract): calendar hours, not engineer time. */
  hoursPerWeek: number;
  /** Calendar hours per week the subject's changes waited because of this cause. */
  delayHoursPerWeek: number;
  /** The significant effects behind it, strongest first. */
  effects: { name: string; multiplier: number; ciLow: number; ciHigh: number; pValue: number; n: number }[];
  evidence: string;
}

export interface SubjectDiagnosis {
  subject: string;
  kind: 'person' | 'team';
  prs: number;
  cycleMedian: number | null;
  /** Seconds above the baseline median (negative: faster); null when not enough data. */
  excess: number | null;
  verdict: Verdict;
  /** Plain-language reason for the verdict. */
  summary: string;
  /** p-value of the subject's own one-sided rank test (shown, never a condition). */
  pValue: number | null;
  enoughData: boolean;
  causes: CauseShare[];
  /** Baseline median cycle time the subject is compared with, seconds. */
  baseline: number | null;
  /** Cycle time the model expects for the subject's mix of work, seconds. */
  expectedCycle: number | null;
  /** Share of the gap (in log time) no significant effect explains; null when there is no gap. */
  residualShare: number | null;
  /**
   * The subject's time over the baseline as a multiplier, as the verdict weighs
   * it: the larger of their own figure and its estimate from their mix of work
   * plus the part of their own difference that is their pace rather than
   * chance (see docs/diagnosis.md); null when not enough data.
   */
  estimatedRatio: number | null;
  /** "based on 25 changes; core/ changes take 2.4× longer for everyone (95 % CI 1.9–3.0)". */
  confidence: string;
}

export interface DiagnosisSettings {
  /** Fewest deliveries a subject needs for a verdict. */
  minDeliveries: number;
  /** Family-wise significance level (Holm over the effects tested). */
  alpha: number;
  /** Smallest relative gap (median over baseline) worth explaining. */
  minRelativeExcess: number;
  /** Smallest share of the gap significant effects must explain together. */
  minShare: number;
  /** Window length in weeks, for hours per week. */
  weeks: number;
}

export const DEFAULT_DIAGNOSIS: Omit<DiagnosisSettings, 'weeks'> = {
  minDeliveries: 5,
  alpha: 0.05,
  minRelativeExcess: 0.25,
  minShare: 0.5,
};

const HOUR = 3600;

function hours(seconds: number): string {
  if (Math.abs(seconds) < HOUR) return `${Math.round(seconds / 60)} min`;
  if (Math.abs(seconds) < 48 * HOUR) return `${(seconds / HOUR).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** Huber M-estimate of location (k = 1.345 robust standard deviations): a mean a few stale changes cannot drag. */
export function huberLocation(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let m = median(values)!;
  const mad = median(values.map((v) => Math.abs(v - m)))! * 1.4826;
  if (!(mad > 0)) return m;
  const k = 1.345 * mad;
  for (let it = 0; it < 20; it += 1) {
    let num = 0;
    let den = 0;
    for (const v of values) {
      const w = Math.abs(v - m) <= k ? 1 : k / Math.abs(v - m);
      num += w * v;
      den += w;
    }
    const next = num / den;
    if (Math.abs(next - m) < 1e-9) break;
    m = next;
  }
  return m;
}

/** Mean increment of each significant effect over `rows` (slots of model.incrementEffects). */
function meanIncrements(rows: ArrayLike<number>, model: EffectModel): Float64Array {
  const { start, slots, values } = model.increments;
  const sums = new Float64Array(model.incrementEffects.length);
  for (let a = 0; a < rows.length; a += 1) {
    const row = rows[a]!;
    for (let b = start[row]!; b < start[row + 1]!; b += 1) sums[slots[b]!]! += values[b]!;
  }
  for (let s = 0; s < sums.length; s += 1) sums[s] = sums[s]! / Math.max(1, rows.length);
  return sums;
}

/** Diagnoses every subject in `groups` (person or team → deliveries) against all deliveries and the effect model. */
export function diagnose(
  all: readonly Delivery[],
  groups: ReadonlyMap<string, readonly Delivery[]>,
  kind: 'person' | 'team',
  settings: DiagnosisSettings,
  model: EffectModel,
): SubjectDiagnosis[] {
  const baselineRows: number[] = [];
  const baselineCycles: number[] = [];
  const baselineLogs: number[] = [];
  for (let i = 0; i < all.length; i += 1) {
    if (model.inBaseline[i] === 0) continue;
    baselineRows.push(i);
    baselineCycles.push(all[i]!.cycle);
    baselineLogs.push(logCycle(all[i]!.cycle));
  }
  const baseline = median(baselineCycles);
  const baseMeans = meanIncrements(baselineRows, model);
  const baselineLog = huberLocation(baselineLogs);
  const { ranks, tieTerm } = rankAll(all.map((d) => d.cycle));
  const weeks = Math.max(settings.weeks, 1e-9);
  const results: SubjectDiagnosis[] = [];
  for (const [subject, mine] of groups) {
    const cycleMedian = median(mine.map((d) => d.cycle));
    const base: SubjectDiagnosis = {
      subject,
      kind,
      prs: mine.length,
      cycleMedian,
      excess: null,
      verdict: 'none',
      summary: '',
      pValue: null,
      enoughData: false,
      causes: [],
      baseline,
      expectedCycle: null,
      residualShare: null,
      estimatedRatio: null,
      confidence: `based on ${mine.length} changes`,
    };
    if (mine.length < settings.minDeliveries || baseline === null || cycleMedian === null) {
      base.summary = `not enough data: ${mine.length} merged changes, a verdict needs at least ${settings.minDeliveries}`;
      results.push(base);
      continue;
    }
    if (all.length - mine.length < settings.minDeliveries) {
      base.summary = `not enough data: only ${all.length - mine.length} changes by others to compare with`;
      results.push(base);
      continue;
    }
    base.enoughData = true;
    base.excess = cycleMedian - baseline;
    const rows = mine.map((d) => model.rowOf.get(d) ?? -1).filter((i) => i >= 0);
    let rankSum = 0;
    for (const i of rows) rankSum += ranks[i]!;
    base.pValue = mannWhitneyGreaterRanked(rankSum, mine.length, all.length, tieTerm);
    // the gap on the model's scale: the subject's typical log time (Huber) − the baseline's
    const observedGap = huberLocation(mine.map((d) => logCycle(d.cycle))) - baselineLog;
    // the subject's mix of work under the model: each significant effect's mean increment over theirs − over the baseline's
    const own = meanIncrements(rows, model);
    const byCause = new Map<Cause, { log: number; effects: number[] }>();
    let expectedLog = 0;
    for (const [s, k] of model.incrementEffects.entries()) {
      const part = own[s]! - baseMeans[s]!;
      expectedLog += part;
      const effect = model.effects[k]!;
      if (!effect.cause) continue;
      const entry = byCause.get(effect.cause) ?? { log: 0, effects: [] };
      entry.log += part;
      if (part > 0) entry.effects.push(k);
      byCause.set(effect.cause, entry);
    }
    // A subject's own figure over n changes is noisy (25 changes pin a median
    // to about ±20 %), while their mix of work is priced on everyone's
    // changes. Their estimated gap: what the mix predicts, plus the rest of
    // their own figure weighted by τ² / (τ² + σ²/n), the share of it that is
    // their own pace rather than chance (the random-intercept predictor). The
    // verdict weighs that estimate, or their own figure when only it is
    // material and mostly explained: one whose work runs through slow systems
    // is not let off by a lucky sample, nor named by an unlucky one alone.
    // When neither is, the larger is shown.
    const tau2 = model.personVariance;
    const own2 = model.changeVariance / Math.max(1, rows.length);
    const weight = tau2 + own2 > 0 ? tau2 / (tau2 + own2) : 1;
    const estimate = expectedLog + weight * (observedGap - expectedLog);
    const explained = [...byCause.values()].reduce((t, c) => t + Math.max(0, c.log), 0);
    const accounts = (g: number) =>
      Math.exp(g) - 1 >= settings.minRelativeExcess && explained >= settings.minShare * g;
    const gap = accounts(estimate)
      ? estimate
      : accounts(observedGap)
        ? observedGap
        : Math.max(estimate, observedGap);
    base.estimatedRatio = Math.exp(gap);
    base.expectedCycle = baseline * Math.exp(expectedLog);
    const relative = Math.exp(gap) - 1;
    const totalCycle = mine.reduce((t, d) => t + d.cycle, 0);
    const causes: CauseShare[] = [];
    // each cause's strongest effect, by index: a repository and its CI share a name
    const leadOf = new Map<Cause, number>();
    for (const [cause, entry] of byCause) {
      if (entry.log <= 0) continue;
      const delay = (totalCycle * (1 - Math.exp(-entry.log))) / HOUR / weeks;
      const effects = entry.effects
        .map((k) => model.effects[k]!)
        .sort((a, b) => b.multiplier - a.multiplier)
        .map((e) => ({
          name: e.name,
          multiplier: e.multiplier,
          ciLow: e.ciLow,
          ciHigh: e.ciHigh,
          pValue: e.pValue,
          n: e.n,
        }));
      const leadIndex = [...entry.effects].sort(
        (a, b) => model.effects[b]!.multiplier - model.effects[a]!.multiplier,
      )[0];
      const lead = leadIndex === undefined ? undefined : model.effects[leadIndex];
      if (leadIndex !== undefined) leadOf.set(cause, leadIndex);
      causes.push({
        cause,
        share: gap > 0 ? Math.min(1, entry.log / gap) : 0,
        hoursPerWeek: delay,
        delayHoursPerWeek: delay,
        effects,
        evidence: `${label(cause)} adds ×${Math.exp(entry.log).toFixed(2)} to this mix of work${lead ? `: ${lead.description}` : ''}`,
      });
    }
    causes.sort((a, b) => b.share - a.share || b.delayHoursPerWeek - a.delayHoursPerWeek);
    base.causes = causes;
    base.residualShare = gap > 0 ? Math.max(0, (gap - explained) / gap) : null;
    const lead = causes[0];
    const leadIndex = lead ? leadOf.get(lead.cause) : undefined;
    if (leadIndex !== undefined)
      base.confidence = `based on ${mine.length} changes; ${model.effects[leadIndex]!.description}`;
    const versus = `cycle time ${hours(cycleMedian)} vs ${hours(baseline)} baseline (×${Math.exp(gap).toFixed(2)} weighed over ${rows.length} changes)`;
    if (relative < settings.minRelativeExcess) {
      base.summary =
        gap <= 0
          ? `${versus}: at or below the baseline, nothing to explain`
          : `${versus}: within ${Math.round(settings.minRelativeExcess * 100)} % of the baseline, nothing to explain`;
    } else if (lead && gap > 0 && explained >= settings.minShare * gap) {
      base.verdict = lead.cause;
      base.summary = `${versus}; ${Math.round(Math.min(1, explained / gap) * 100)} % of the gap is explained by system effects measured on everyone's changes, most by ${label(lead.cause)}`;
    } else {
      base.summary = `${versus}: not explained by the measured causes (system effects explain ${Math.round(Math.max(0, gap > 0 ? Math.min(1, explained / gap) : 0) * 100)} % of the gap; own rank test p = ${base.pValue.toPrecision(2)})`;
    }
    results.push(base);
  }
  return results.sort(
    (a, b) => (b.excess ?? -Infinity) - (a.excess ?? -Infinity) || a.subject.localeCompare(b.subject),
  );
}

export function label(cause: Verdict): string {
  switch (cause) {
    case 'builds_ci':
      return 'slow builds / CI';
    case 'fragile_architecture':
      return 'fragile architecture';
    case 'review_bottleneck':
      return 'a review bottleneck';
    case 'oversized_changes':
      return 'oversized changes';
    case 'none':
      return 'no systemic cause';
  }
}

/** Groups deliveries by person, and by team where a team mapping exists. */
export function groupDeliveries(deliveries: readonly Delivery[]) {
  const people = new Map<string, Delivery[]>();
  const teams = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    pushTo(people, d.person, d);
    if (d.team) {
      pushTo(teams, d.team, d);
    }
  }
  return { people, teams };
}
