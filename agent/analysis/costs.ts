// What each system cause costs the organisation, in engineer-hours per week,
// with the arithmetic spelled out so a manager can check it:
//   waiting on CI        = Σ CI wait of merged changes ÷ weeks
//   re-running flaky CI  = Σ failed attempts on commits that later passed ÷ weeks
//   waiting on builds    = Σ wrapped local build time ÷ weeks
//   waiting for review   = Σ pickup time of merged changes ÷ weeks
//   fragile code         = changes touching fragile files × how much longer such
//                          changes take (same size band) ÷ weeks
//   oversized changes    = Σ extra work time of changes in the largest size band ÷ weeks
import type { Cause } from './diagnosis.js';

export type CostCause =
  | 'ci_wait'
  | 'flaky_ci'
  | 'local_builds'
  | 'review_wait'
  | 'fragile_code'
  | 'oversized_changes';

export interface CostEntry {
  cause: CostCause;
  /** The diagnosis cause this cost belongs to. */
  category: Cause;
  /** null when the data to compute it is missing (evidence says what to collect). */
  hoursPerWeek: number | null;
  evidence: string;
  /** True when the diagnosis or a significance test singles this cause out. */
  flagged: boolean;
}

export interface CostInput {
  weeks: number;
  /** CI wait seconds of each merged change that has CI data. */
  ciWaits: readonly number[];
  /** Seconds of failed attempts on head commits that later succeeded, summed over workflows. */
  flakySeconds: number | null;
  flakyAttempts: number | null;
  /** Wrapped local builds: total seconds and count; null when none were recorded. */
  wrapped: { seconds: number; runs: number } | null;
  /** Median warm build seconds from `dx-audit build`, for the evidence when nothing is wrapped. */
  benchmarkMedian: number | null;
  pickups: readonly number[];
  fragile: { changes: number; extraSeconds: number; significant: boolean } | null;
  oversized: { changes: number; extraSeconds: number; significant: boolean } | null;
  /** Causes named by at least one subject's verdict. */
  verdicts: ReadonlySet<Cause>;
}

const H = 3600;

function fmtHours(seconds: number): string {
  const h = seconds / H;
  return h >= 100 ? `${Math.round(h).toLocaleString('en-US')} h` : `${h.toFixed(1)} h`;
}

function perWeek(seconds: number, weeks: number): number {
  return seconds / H / weeks;
}

/** Ranks the causes by engineer-hours per week (unknown costs last). */
export function computeCosts(input: CostInput): CostEntry[] {
  const weeks = Math.max(input.weeks, 1 / 7);
  const w = `${weeks.toFixed(1)} weeks`;
  const entries: CostEntry[] = [];
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

  if (input.ciWaits.length > 0) {
    const total = sum(input.ciWaits);
    entries.push({
      cause: 'ci_wait',
      category: 'builds_ci',
      hoursPerWeek: perWeek(total, weeks),
      evidence: `${input.ciWaits.length} merged changes waited ${fmtHours(total)} on CI in ${w}: ${fmtHours(total)} ÷ ${weeks.toFixed(1)} = ${perWeek(total, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('builds_ci'),
    });
  } else {
    entries.push({
      cause: 'ci_wait',
      category: 'builds_ci',
      hoursPerWeek: null,
      evidence:
        'no CI runs linked to merged pull requests: collect them with `dx-audit collect github OWNER/REPO`',
      flagged: false,
    });
  }

  if (input.flakySeconds !== null) {
    entries.push({
      cause: 'flaky_ci',
      category: 'builds_ci',
      hoursPerWeek: perWeek(input.flakySeconds, weeks),
      evidence: `${input.flakyAttempts ?? 0} failed attempts on commits that later passed the same workflow took ${fmtHours(input.flakySeconds)} in ${w}: ÷ ${weeks.toFixed(1)} = ${perWeek(input.flakySeconds, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('builds_ci') && input.flakySeconds > 0,
    });
  }

  if (input.wrapped) {
    entries.push({
      cause: 'local_builds',
      category: 'builds_ci',
      hoursPerWeek: perWeek(input.wrapped.seconds, weeks),
      evidence: `${input.wrapped.runs} local builds run through \`dx-audit wrap\` took ${fmtHours(input.wrapped.seconds)} in ${w}: ÷ ${weeks.toFixed(1)} = ${perWeek(input.wrapped.seconds, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('builds_ci'),
    });
  } else {
    entries.push({
      cause: 'local_builds',
      category: 'builds_ci',
      hoursPerWeek: null,
      evidence:
        input.benchmarkMedian !== null
          ? `a warm build takes ${(input.benchmarkMedian / 60).toFixed(1)} min (median of \`dx-audit build\`), but how often people build is unknown: route real builds through \`dx-audit wrap -- CMD\``
          : 'no local builds measured: run `dx-audit build` and route real builds through `dx-audit wrap -- CMD`',
      flagged: false,
    });
  }

  if (input.pickups.length > 0) {
    const total = sum(input.pickups);
    entries.push({
      cause: 'review_wait',
      category: 'review_bottleneck',
      hoursPerWeek: perWeek(total, weeks),
      evidence: `${input.pickups.length} merged changes waited ${fmtHours(total)} for a first review in ${w}: ÷ ${weeks.toFixed(1)} = ${perWeek(total, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('review_bottleneck'),
    });
  }

  if (input.fragile) {
    entries.push({
      cause: 'fragile_code',
      category: 'fragile_architecture',
      hoursPerWeek: perWeek(input.fragile.extraSeconds, weeks),
      evidence: `${input.fragile.changes} changes touched hotspots or strongly coupled files and took ${fmtHours(input.fragile.extraSeconds)} longer in all than comparable changes elsewhere, in ${w}: ÷ ${weeks.toFixed(1)} = ${perWeek(input.fragile.extraSeconds, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('fragile_architecture') || input.fragile.significant,
    });
  }

  if (input.oversized) {
    entries.push({
      cause: 'oversized_changes',
      category: 'oversized_changes',
      hoursPerWeek: perWeek(input.oversized.extraSeconds, weeks),
      evidence: `${input.oversized.changes} changes in the largest tenth by size took ${fmtHours(input.oversized.extraSeconds)} more work time in all than a typical change, in ${w}: ÷ ${weeks.toFixed(1)} = ${perWeek(input.oversized.extraSeconds, weeks).toFixed(1)} h/week`,
      flagged: input.verdicts.has('oversized_changes'),
    });
  }

  return entries.sort((a, b) => (b.hoursPerWeek ?? -1) - (a.hoursPerWeek ?? -1));
}
