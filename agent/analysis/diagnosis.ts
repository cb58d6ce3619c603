// "Slow engineer, or slow system?" For each person (and team) with enough
// merged changes, compare their cycle time with everyone's, and split the
// difference into measurable system causes, each with its evidence and its
// cost in engineer-hours per week. The method (README, "The diagnosis"):
//
//   1. Baseline = median cycle time of all deliveries in the window.
//   2. A subject is slower only if their cycles are larger than everyone
//      else's by a one-sided Mann–Whitney test (Bonferroni-corrected over all
//      subjects) AND their median exceeds the baseline by ≥ 25 %. Otherwise:
//      "none" — the gap is within normal variation.
//   3. Each delivery's gap to the baseline is split into parts:
//        builds_ci            = its CI wait − the median CI wait
//        review_bottleneck    = its pickup time − the median pickup time
//        oversized_changes    = expected work time for its size band − median work time
//        fragile_architecture = (if it touches fragile files) how much slower
//                               such deliveries are for everyone else
//        residual             = whatever is left (the person-specific part)
//      Work time = cycle − pickup − CI wait. Expected values come from OTHER
//      people's deliveries, so a person working in a slow module is compared
//      with others working in that module.
//   4. The verdict is the cause explaining the largest share, if it explains
//      at least a third of the gap; otherwise "none" (no systemic cause found).
import { pushTo } from '../util/maps.js';
import { mannWhitneyGreater, mannWhitneyGreaterRanked, median, rankAll } from './stats.js';

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
}

export interface CauseShare {
  cause: Cause;
  /** Fraction of the subject's gap this cause explains (0..1). */
  share: number;
  hoursPerWeek: number;
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
  /** p-value of the one-sided test, when run. */
  pValue: number | null;
  enoughData: boolean;
  causes: CauseShare[];
}

export interface DiagnosisSettings {
  /** Fewest deliveries a subject needs for a verdict. */
  minDeliveries: number;
  /** Family-wise significance level (Bonferroni over subjects). */
  alpha: number;
  /** Smallest relative gap (median over baseline) worth explaining. */
  minRelativeExcess: number;
  /** Smallest share of the gap the leading cause must explain. */
  minShare: number;
  /** Window length in weeks, for hours per week. */
  weeks: number;
}

export const DEFAULT_DIAGNOSIS: Omit<DiagnosisSettings, 'weeks'> = {
  minDeliveries: 5,
  alpha: 0.05,
  minRelativeExcess: 0.25,
  minShare: 1 / 3,
};

/** Per-delivery split of the gap to the baseline (seconds). */
interface Parts {
  builds_ci: number;
  review_bottleneck: number;
  oversized_changes: number;
  fragile_architecture: number;
  gap: number;
}

const HOUR = 3600;

function workTime(d: Delivery): number {
  return Math.max(0, d.cycle - (d.pickup ?? 0) - (d.ciWait ?? 0));
}

/** Size bands by the quartiles of everyone's sizes, so "large" is relative to this organisation. */
function sizeBands(deliveries: readonly Delivery[]): number[] {
  const sizes = deliveries.map((d) => d.size).filter((s): s is number => s !== null);
  if (sizes.length < 8) return [];
  sizes.sort((a, b) => a - b);
  const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!;
  return [at(0.25), at(0.5), at(0.75), at(0.9)];
}

function band(size: number | null, bands: readonly number[]): number {
  if (size === null || bands.length === 0) return -1;
  let b = 0;
  while (b < bands.length && size > bands[b]!) b += 1;
  return b;
}

/** The norms everyone else sets for a subject (computed without the subject's own deliveries). */
interface Norms {
  cycle: number;
  ciWait: number | null;
  pickup: number | null;
  work: number;
  workByBand: Map<number, number>;
  fragileEffect: number;
}

function norms(others: readonly Delivery[], bands: readonly number[]): Norms {
  const ci = others.map((d) => d.ciWait).filter((v): v is number => v !== null);
  const pickups = others.map((d) => d.pickup).filter((v): v is number => v !== null);
  const work = others.map(workTime);
  const byBand = new Map<number, number[]>();
  for (const d of others) {
    const b = band(d.size, bands);
    if (b < 0) continue;
    pushTo(byBand, b, workTime(d));
  }
  const workByBand = new Map<number, number>();
  for (const [b, list] of byBand) if (list.length >= 3) workByBand.set(b, median(list)!);
  // fragile effect: within each size band, fragile vs not, weighted by fragile deliveries
  let effectTotal = 0;
  let effectWeight = 0;
  const bandsSeen = new Set(others.map((d) => band(d.size, bands)));
  for (const b of bandsSeen) {
    const inBand = others.filter((d) => band(d.size, bands) === b);
    const fragile = inBand.filter((d) => d.fragile).map(workTime);
    const sound = inBand.filter((d) => !d.fragile).map(workTime);
    if (fragile.length < 3 || sound.length < 3) continue;
    effectTotal += (median(fragile)! - median(sound)!) * fragile.length;
    effectWeight += fragile.length;
  }
  return {
    cycle: median(others.map((d) => d.cycle)) ?? 0,
    ciWait: median(ci),
    pickup: median(pickups),
    work: median(work) ?? 0,
    workByBand,
    fragileEffect: effectWeight > 0 ? Math.max(0, effectTotal / effectWeight) : 0,
  };
}

function split(d: Delivery, baseline: number, n: Norms, bands: readonly number[]): Parts {
  const expectedWork = n.workByBand.get(band(d.size, bands));
  return {
    gap: d.cycle - baseline,
    builds_ci: d.ciWait !== null && n.ciWait !== null ? d.ciWait - n.ciWait : 0,
    review_bottleneck: d.pickup !== null && n.pickup !== null ? d.pickup - n.pickup : 0,
    oversized_changes: expectedWork !== undefined ? expectedWork - n.work : 0,
    fragile_architecture: d.fragile ? n.fragileEffect : 0,
  };
}

function hours(seconds: number): string {
  if (Math.abs(seconds) < HOUR) return `${Math.round(seconds / 60)} min`;
  if (Math.abs(seconds) < 48 * HOUR) return `${(seconds / HOUR).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function evidenceFor(cause: Cause, mine: readonly Delivery[], n: Norms, bands: readonly number[]): string {
  const med = (values: (number | null)[]) => median(values.filter((v): v is number => v !== null));
  switch (cause) {
    case 'builds_ci': {
      const own = med(mine.map((d) => d.ciWait));
      return `median CI wait per change ${own === null ? 'unknown' : hours(own)} vs ${n.ciWait === null ? 'unknown' : hours(n.ciWait)} for everyone else`;
    }
    case 'review_bottleneck': {
      const own = med(mine.map((d) => d.pickup));
      const rounds = med(mine.map((d) => d.reviewRounds));
      return `median wait for a first review ${own === null ? 'unknown' : hours(own)} vs ${n.pickup === null ? 'unknown' : hours(n.pickup)} for everyone else${rounds === null ? '' : `; median review rounds ${rounds}`}`;
    }
    case 'oversized_changes': {
      const own = med(mine.map((d) => d.size));
      const large = mine.filter((d) => band(d.size, bands) >= 3).length;
      return `median change size ${own === null ? 'unknown' : `${Math.round(own)} lines`}; ${large} of ${mine.length} changes in the organisation's largest quarter (over ${bands[2] ?? '?'} lines)`;
    }
    case 'fragile_architecture': {
      const fragile = mine.filter((d) => d.fragile).length;
      return `${fragile} of ${mine.length} changes touch hotspots or strongly coupled files; such changes take ${hours(n.fragileEffect)} longer for everyone else (same size band)`;
    }
  }
}

/** Diagnoses every subject in `groups` (person or team → deliveries) against all deliveries. */
export function diagnose(
  all: readonly Delivery[],
  groups: ReadonlyMap<string, readonly Delivery[]>,
  kind: 'person' | 'team',
  settings: DiagnosisSettings,
): SubjectDiagnosis[] {
  const bands = sizeBands(all);
  const baseline = median(all.map((d) => d.cycle));
  const eligible = [...groups.values()].filter((list) => list.length >= settings.minDeliveries).length;
  // one ranking of every cycle time serves every subject's rank test
  const { ranks, tieTerm } = rankAll(all.map((d) => d.cycle));
  const rankOf = new Map<Delivery, number>();
  for (const [i, d] of all.entries()) rankOf.set(d, ranks[i]!);
  const threshold = settings.alpha / Math.max(1, eligible);
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
    };
    if (mine.length < settings.minDeliveries || baseline === null || cycleMedian === null) {
      base.summary = `not enough data: ${mine.length} merged changes, a verdict needs at least ${settings.minDeliveries}`;
      results.push(base);
      continue;
    }
    const mineSet = new Set(mine);
    const others = all.filter((d) => !mineSet.has(d));
    if (others.length < settings.minDeliveries) {
      base.summary = `not enough data: only ${others.length} changes by others to compare with`;
      results.push(base);
      continue;
    }
    base.enoughData = true;
    base.excess = cycleMedian - baseline;
    const rankSum = mine.reduce((total, d) => total + (rankOf.get(d) ?? 0), 0);
    const p = mannWhitneyGreaterRanked(rankSum, mine.length, all.length, tieTerm);
    base.pValue = p;
    const relative = baseline > 0 ? base.excess / baseline : 0;
    if (p >= threshold || relative < settings.minRelativeExcess) {
      base.summary =
        base.excess <= 0
          ? `cycle time at or below the baseline (${hours(cycleMedian)} vs ${hours(baseline)}): nothing to explain`
          : `cycle time ${hours(cycleMedian)} vs ${hours(baseline)} baseline is within normal variation (p = ${p.toFixed(3)}): nothing to explain`;
      results.push(base);
      continue;
    }
    const n = norms(others, bands);
    const totals: Record<Cause, number> = {
      builds_ci: 0,
      review_bottleneck: 0,
      oversized_changes: 0,
      fragile_architecture: 0,
    };
    let gapTotal = 0;
    for (const d of mine) {
      const parts = split(d, baseline, n, bands);
      gapTotal += parts.gap;
      for (const cause of CAUSES) totals[cause] += parts[cause];
    }
    const causes: CauseShare[] = [];
    for (const cause of CAUSES) {
      if (totals[cause] <= 0 || gapTotal <= 0) continue;
      causes.push({
        cause,
        share: Math.min(1, totals[cause] / gapTotal),
        hoursPerWeek: totals[cause] / HOUR / Math.max(settings.weeks, 1e-9),
        evidence: evidenceFor(cause, mine, n, bands),
      });
    }
    causes.sort((a, b) => b.share - a.share);
    base.causes = causes;
    const lead = causes[0];
    if (lead && lead.share >= settings.minShare) {
      base.verdict = lead.cause;
      base.summary = `cycle time ${hours(cycleMedian)} vs ${hours(baseline)} baseline; ${Math.round(lead.share * 100)} % of the gap is explained by ${label(lead.cause)}`;
    } else {
      base.summary = `cycle time ${hours(cycleMedian)} vs ${hours(baseline)} baseline, but no systemic cause found: measured causes explain ${Math.round(causes.reduce((s, c) => s + c.share, 0) * 100)} % of the gap`;
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

export interface OrgEffect {
  changes: number;
  /** Extra seconds in all, against comparable changes. */
  extraSeconds: number;
  /** One-sided Mann–Whitney p < 0.01 and a median ratio ≥ 1 + minRelativeExcess. */
  significant: boolean;
}

/**
 * Organisation-wide: how much longer changes touching fragile files take than
 * changes of the same size band that do not, and how much extra work the
 * largest tenth of changes carries against a typical change.
 */
export function organisationEffects(
  all: readonly Delivery[],
  minRelativeExcess = DEFAULT_DIAGNOSIS.minRelativeExcess,
): { fragile: OrgEffect | null; oversized: OrgEffect | null } {
  const bands = sizeBands(all);
  const byBand = new Map<number, Delivery[]>();
  for (const d of all) pushTo(byBand, band(d.size, bands), d);
  let fragileChanges = 0;
  let fragileExtra = 0;
  const fragileWork: number[] = [];
  const soundWork: number[] = [];
  for (const list of byBand.values()) {
    const sound = list.filter((d) => !d.fragile).map(workTime);
    const norm = median(sound);
    for (const d of list) {
      if (!d.fragile) {
        soundWork.push(workTime(d));
        continue;
      }
      fragileWork.push(workTime(d));
      if (norm === null) continue;
      fragileChanges += 1;
      fragileExtra += workTime(d) - norm;
    }
  }
  const ratioOk = (a: number[], b: number[]) => {
    const ma = median(a);
    const mb = median(b);
    return ma !== null && mb !== null && mb > 0 && ma / mb >= 1 + minRelativeExcess;
  };
  const fragile =
    fragileWork.length > 0
      ? {
          changes: fragileChanges,
          extraSeconds: Math.max(0, fragileExtra),
          significant:
            fragileWork.length >= 5 &&
            soundWork.length >= 5 &&
            mannWhitneyGreater(fragileWork, soundWork) < 0.01 &&
            ratioOk(fragileWork, soundWork),
        }
      : null;
  let oversized: OrgEffect | null = null;
  if (bands.length > 0) {
    const typical = median(all.map(workTime)) ?? 0;
    const largest = all.filter((d) => band(d.size, bands) === bands.length);
    const rest = all.filter((d) => band(d.size, bands) !== bands.length).map(workTime);
    const extra = largest.reduce((total, d) => total + (workTime(d) - typical), 0);
    oversized = {
      changes: largest.length,
      extraSeconds: Math.max(0, extra),
      significant:
        largest.length >= 5 &&
        mannWhitneyGreater(largest.map(workTime), rest) < 0.01 &&
        ratioOk(largest.map(workTime), rest),
    };
  }
  return { fragile, oversized };
}
