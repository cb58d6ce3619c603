// What each system cause costs, as two quantities kept apart:
//   delay          = calendar hours changes spend waiting (latency: customers feel it);
//   engineer time  = hours people actually spend (sitting through local builds,
//                    re-running flaky CI, context switches when CI is long,
//                    rework rounds after review).
// Waiting is never engineer time. Per week = divided by the weeks the data
// covers inside the window. The engineer time of all lines together can never
// exceed the active people × 40 h a week: above that, every line is scaled
// down to the ceiling and says so.
//
// A context switch costs CONTEXT_SWITCH_MINUTES by default (config
// `costs.contextSwitchMinutes`): Parnin and
// Rugaber, "Resumption strategies for interrupted programming tasks",
// Software Quality Journal 19(1), 2011: a programmer typically needs 10–15
// minutes to resume editing code after an interruption.
import { formatCount } from '../util/format.js';
import type { Cause } from './diagnosis.js';
import type { SystemEffect } from './effects.js';

export type CostCause =
  | 'ci_wait'
  | 'ci_return_lag'
  | 'flaky_ci'
  | 'local_builds'
  | 'review_wait'
  | 'slow_reviewers'
  | 'fragile_code'
  | 'oversized_changes';

export interface CostEntry {
  cause: CostCause;
  /** The diagnosis cause this cost belongs to. */
  category: Cause;
  /** Engineer time per week (same as engineerHoursPerWeek); null when not measurable. */
  hoursPerWeek: number | null;
  /** Calendar hours per week changes waited because of this cause; null when not measurable. */
  delayHoursPerWeek: number | null;
  /** Hours per week people spent on it; null when not measurable. */
  engineerHoursPerWeek: number | null;
  evidence: string;
  /** True when the diagnosis names this cause for someone, or a significant system effect stands behind it. */
  flagged: boolean;
}

export const CONTEXT_SWITCH_MINUTES = 15;
export const CONTEXT_SWITCH_SOURCE =
  'Parnin & Rugaber, "Resumption strategies for interrupted programming tasks", Software Quality Journal 19(1), 2011: 10–15 min to resume editing after an interruption';
/** A CI wait at least this long makes its author switch to other work (seconds). */
export const SWITCH_THRESHOLD = 10 * 60;
export const HOURS_PER_PERSON_WEEK = 40;

export interface CostInput {
  /** Weeks the data covers inside the window. */
  weeks: number;
  /** Average number of people active per week (authors of merged changes). */
  activePeople: number;
  /** CI wait seconds of each merged change that has CI data. */
  ciWaits: readonly number[];
  /** CI return lag seconds of each merged change that has CI data. */
  returnLags: readonly number[];
  /** Seconds of failed attempts on head commits that later succeeded, summed over workflows. */
  flakySeconds: number | null;
  flakyAttempts: number | null;
  /** Wrapped local builds: total seconds and count; null when none were recorded. */
  wrapped: { seconds: number; runs: number } | null;
  /** Median warm build seconds from `dx-audit build`, for the evidence when nothing is wrapped. */
  benchmarkMedian: number | null;
  pickups: readonly number[];
  /** Review rounds of each merged change that was reviewed. */
  reviewRounds: readonly number[];
  /** Delay seconds attributed to significant system effects, by kind, with the effects. */
  effectDelay: {
    module: { seconds: number; changes: number; effects: SystemEffect[] };
    reviewer: { seconds: number; changes: number; effects: SystemEffect[] };
    size: { seconds: number; changes: number; effects: SystemEffect[] };
  };
  /** Causes named by at least one subject's verdict. */
  verdicts: ReadonlySet<Cause>;
  /** Minutes one context switch costs (default CONTEXT_SWITCH_MINUTES). */
  contextSwitchMinutes?: number;
}

const H = 3600;

function fmtHours(seconds: number): string {
  const h = seconds / H;
  return h >= 100 ? `${formatCount(h)} h` : `${h.toFixed(1)} h`;
}

/** Ranks the causes by engineer time per week, then delay (unknown last). */
export function computeCosts(input: CostInput): CostEntry[] {
  const weeks = Math.max(input.weeks, 1 / 7);
  const wk = weeks.toFixed(1);
  const per = (seconds: number) => seconds / H / weeks;
  const switchMin = input.contextSwitchMinutes ?? CONTEXT_SWITCH_MINUTES;
  const switchSec = switchMin * 60;
  const entries: CostEntry[] = [];
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const entry = (
    cause: CostCause,
    category: Cause,
    delay: number | null,
    engineer: number | null,
    evidence: string,
    flagged: boolean,
  ) =>
    entries.push({
      cause,
      category,
      hoursPerWeek: engineer,
      delayHoursPerWeek: delay,
      engineerHoursPerWeek: engineer,
      evidence,
      flagged,
    });

  if (input.ciWaits.length > 0) {
    const total = sum(input.ciWaits);
    const switches = input.ciWaits.filter((s) => s >= SWITCH_THRESHOLD).length;
    entry(
      'ci_wait',
      'builds_ci',
      per(total),
      per(switches * switchSec),
      `delay: ${input.ciWaits.length} merged changes waited ${fmtHours(total)} on CI over ${wk} weeks of data = ${per(total).toFixed(1)} h/week; engineer time: ${switches} of them waited ≥ ${SWITCH_THRESHOLD / 60} min, one context switch each × ${switchMin} min (${CONTEXT_SWITCH_SOURCE}) ÷ ${wk} = ${per(switches * switchSec).toFixed(1)} h/week`,
      input.verdicts.has('builds_ci'),
    );
  } else {
    entry(
      'ci_wait',
      'builds_ci',
      null,
      null,
      'no CI runs linked to merged pull requests: they come with the GitHub data of the repositories (the next steps name the command)',
      false,
    );
  }

  if (input.returnLags.length > 0) {
    const total = sum(input.returnLags);
    entry(
      'ci_return_lag',
      'builds_ci',
      per(total),
      0,
      `delay: after CI runs finished, ${input.returnLags.length} merged changes waited ${fmtHours(total)} in all for their authors to come back, over ${wk} weeks = ${per(total).toFixed(1)} h/week; engineer time 0: the authors were busy with other work`,
      input.verdicts.has('builds_ci'),
    );
  }

  if (input.flakySeconds !== null) {
    const attempts = input.flakyAttempts ?? 0;
    entry(
      'flaky_ci',
      'builds_ci',
      per(input.flakySeconds),
      per(attempts * switchSec),
      `delay: ${attempts} failed attempts on commits that later passed the same workflow ran ${fmtHours(input.flakySeconds)} over ${wk} weeks = ${per(input.flakySeconds).toFixed(1)} h/week; engineer time: each one read and re-run, ${attempts} × ${switchMin} min ÷ ${wk} = ${per(attempts * switchSec).toFixed(1)} h/week`,
      input.verdicts.has('builds_ci') && input.flakySeconds > 0,
    );
  }

  if (input.wrapped) {
    const s = input.wrapped.seconds;
    entry(
      'local_builds',
      'builds_ci',
      per(s),
      per(s),
      `${input.wrapped.runs} local builds run through \`dx-audit wrap\` took ${fmtHours(s)} over ${wk} weeks, sat through by the person who ran them = ${per(s).toFixed(1)} h/week of delay and of engineer time`,
      input.verdicts.has('builds_ci'),
    );
  } else {
    entry(
      'local_builds',
      'builds_ci',
      null,
      null,
      input.benchmarkMedian !== null
        ? `a warm build takes ${(input.benchmarkMedian / 60).toFixed(1)} min (median of \`dx-audit build\`), but how often people build is unknown: route real builds through \`dx-audit wrap -- CMD\``
        : 'no local builds measured: run `dx-audit build` and route real builds through `dx-audit wrap -- CMD`',
      false,
    );
  }

  if (input.pickups.length > 0) {
    const total = sum(input.pickups);
    const rework = sum(input.reviewRounds.map((r) => Math.max(0, r - 1)));
    entry(
      'review_wait',
      'review_bottleneck',
      per(total),
      per(rework * switchSec),
      `delay: ${input.pickups.length} merged changes waited ${fmtHours(total)} for a first review over ${wk} weeks = ${per(total).toFixed(1)} h/week; engineer time: ${rework} rework rounds after "changes requested", one context switch each × ${switchMin} min ÷ ${wk} = ${per(rework * switchSec).toFixed(1)} h/week (the rework itself is not measured)`,
      input.verdicts.has('review_bottleneck'),
    );
  }

  const effectLine = (
    cause: CostCause,
    category: Cause,
    part: { seconds: number; changes: number; effects: SystemEffect[] },
    what: string,
  ) => {
    if (part.effects.length === 0) return;
    const names = part.effects.map((e) => `${e.name} ×${e.multiplier.toFixed(2)}`).join(', ');
    entry(
      cause,
      category,
      per(part.seconds),
      null,
      `delay: ${part.changes} changes ${what} (${names}, significant on everyone's changes) waited ${fmtHours(part.seconds)} longer than they would have without it, over ${wk} weeks = ${per(part.seconds).toFixed(1)} h/week; engineer time not measured (how much of the extra time is hands-on work is unknown)`,
      true,
    );
  };
  effectLine('fragile_code', 'fragile_architecture', input.effectDelay.module, 'touched slower modules');
  effectLine('slow_reviewers', 'review_bottleneck', input.effectDelay.reviewer, 'waited on slower reviewers');
  effectLine(
    'oversized_changes',
    'oversized_changes',
    input.effectDelay.size,
    'were larger than the typical change',
  );

  // engineer time can never exceed the people there are
  const ceiling = Math.max(0, input.activePeople) * HOURS_PER_PERSON_WEEK;
  const engineerTotal = entries.reduce((t, e) => t + (e.engineerHoursPerWeek ?? 0), 0);
  if (engineerTotal > ceiling) {
    const factor = ceiling / engineerTotal;
    for (const e of entries) {
      if (e.engineerHoursPerWeek === null || e.engineerHoursPerWeek === 0) continue;
      e.engineerHoursPerWeek *= factor;
      e.hoursPerWeek = e.engineerHoursPerWeek;
      e.evidence += `; engineer time scaled by ${factor.toFixed(2)} to the ceiling of ${input.activePeople.toFixed(1)} active people × ${HOURS_PER_PERSON_WEEK} h`;
    }
  }
  return entries.sort(
    (a, b) =>
      (b.engineerHoursPerWeek ?? -1) - (a.engineerHoursPerWeek ?? -1) ||
      (b.delayHoursPerWeek ?? -1) - (a.delayHoursPerWeek ?? -1),
  );
}
