// The weekly DX report: one ISO week against the week before, from the same
// weekly series as the dashboard, plus the top causes with their hour costs.
// Markdown and HTML renderers only format what this returns.
import type { Cost, DashboardData, DiagnosisEntry, EmptyState, WeeklyValues } from '../../dashboard/types.js';
import { SECTION_IDS } from '../../dashboard/types.js';

export type Judgement = 'better' | 'worse' | 'same' | 'new' | 'gone' | 'n/a';

/** One metric this week against last week. */
export interface Comparison {
  label: string;
  unit: 'count' | 'lines' | 'seconds' | 'percent';
  /** Which way is better; `neutral` for activity that is context, not a goal. */
  better: 'lower' | 'higher' | 'neutral';
  thisWeek: number | null;
  lastWeek: number | null;
  /** Relative change (0.25 = +25 %); null when either side is missing or last week is 0. */
  change: number | null;
  judgement: Judgement;
  /** Dashboard section that charts it. */
  section: string;
}

export interface WeeklyReport {
  week: string;
  previousWeek: string;
  /** Monday 00:00 UTC of the week, and of the next week (exclusive). */
  start: string;
  end: string;
  generatedAt: string;
  anonymized: boolean;
  repositories: string[];
  /** True when the week has any collected activity. */
  hasData: boolean;
  headline: string;
  findings: string[];
  causes: Cost[];
  causesEmpty: EmptyState | null;
  diagnosis: DiagnosisEntry[];
  comparisons: Comparison[];
  /** Sections without data, with the command that collects them. */
  missing: EmptyState[];
}

/** Changes smaller than this share are reported as "about the same". */
export const SAME_THRESHOLD = 0.1;

function judge(better: Comparison['better'], thisWeek: number | null, lastWeek: number | null): Judgement {
  if (thisWeek === null && lastWeek === null) return 'n/a';
  if (lastWeek === null) return 'new';
  if (thisWeek === null) return 'gone';
  if (better === 'neutral') return 'n/a';
  if (lastWeek === 0 && thisWeek === 0) return 'same';
  const change = lastWeek === 0 ? Number.POSITIVE_INFINITY : (thisWeek - lastWeek) / lastWeek;
  if (Math.abs(change) < SAME_THRESHOLD) return 'same';
  const up = change > 0;
  return up === (better === 'higher') ? 'better' : 'worse';
}

function compare(
  label: string,
  unit: Comparison['unit'],
  better: Comparison['better'],
  values: WeeklyValues | undefined,
  section: string,
): Comparison {
  const n = values?.length ?? 0;
  const thisWeek = n >= 1 ? (values![n - 1] ?? null) : null;
  const lastWeek = n >= 2 ? (values![n - 2] ?? null) : null;
  const change =
    thisWeek === null || lastWeek === null || lastWeek === 0 ? null : (thisWeek - lastWeek) / lastWeek;
  return {
    label,
    unit,
    better,
    thisWeek,
    lastWeek,
    change,
    judgement: judge(better, thisWeek, lastWeek),
    section,
  };
}

/**
 * Builds the weekly report from dashboard data whose last two weeks are the
 * previous week and the reported week, and from the costs of the reported week.
 */
export function buildWeeklyReport(
  week: string,
  previousWeek: string,
  bounds: { start: Date; end: Date },
  twoWeeks: DashboardData,
  thisWeek: DashboardData,
): WeeklyReport {
  const comparisons: Comparison[] = [];
  const git = twoWeeks.git.data['all'];
  const pr = twoWeeks.pullRequests.data.weekly['all'];
  if (pr) {
    comparisons.push(
      compare('PR cycle time (median)', 'seconds', 'lower', pr.cycleMedian, SECTION_IDS.cycleTime),
      compare('Coding time (median)', 'seconds', 'lower', pr.codingMedian, SECTION_IDS.cycleTime),
      compare('Wait for first review (median)', 'seconds', 'lower', pr.pickupMedian, SECTION_IDS.reviewWait),
      compare('Wait for first review (p90)', 'seconds', 'lower', pr.pickupP90, SECTION_IDS.reviewWait),
      compare('Review to merge (median)', 'seconds', 'lower', pr.reviewMedian, SECTION_IDS.cycleTime),
      compare('PR size (median lines)', 'lines', 'lower', pr.sizeMedian, SECTION_IDS.prSize),
      compare('PRs merged', 'count', 'neutral', pr.merged, SECTION_IDS.cycleTime),
    );
  }
  const busiest = [...twoWeeks.ci.data.workflows]
    .sort((a, b) => (b.runs.at(-1) ?? 0) - (a.runs.at(-1) ?? 0))
    .slice(0, 5)
    .filter((w) => (w.runs.at(-1) ?? 0) + (w.runs.at(-2) ?? 0) > 0);
  for (const w of busiest) {
    const name = twoWeeks.repositories.length > 1 ? `${twoWeeks.repositories[w.repo]} · ${w.name}` : w.name;
    comparisons.push(
      compare(`CI ${name}: duration (median)`, 'seconds', 'lower', w.durationMedian, SECTION_IDS.ci),
      compare(`CI ${name}: queue (median)`, 'seconds', 'lower', w.queueMedian, SECTION_IDS.ci),
      compare(
        `CI ${name}: flaky commits`,
        'percent',
        'lower',
        w.flakyRate.map((v) => (v === null ? null : v * 100)),
        SECTION_IDS.ci,
      ),
    );
  }
  if (git) {
    comparisons.push(
      compare('Commits', 'count', 'neutral', git.commits, SECTION_IDS.gitActivity),
      compare('Merges', 'count', 'neutral', git.merges, SECTION_IDS.gitActivity),
      compare(
        'Lines changed',
        'lines',
        'neutral',
        git.added.map((a, i) => (a ?? 0) + (git.deleted[i] ?? 0)),
        SECTION_IDS.gitActivity,
      ),
      compare('People committing', 'count', 'neutral', git.authors, SECTION_IDS.gitActivity),
    );
  }
  const lastIndex = twoWeeks.weeks.length - 1;
  const hasData =
    twoWeeks.weeks[lastIndex] === week &&
    ((git?.commits[lastIndex] ?? 0) > 0 ||
      (git?.merges[lastIndex] ?? 0) > 0 ||
      (pr?.merged[lastIndex] ?? 0) > 0 ||
      twoWeeks.ci.data.workflows.some((w) => (w.runs[lastIndex] ?? 0) > 0));
  const missing: EmptyState[] = [];
  for (const section of [twoWeeks.git, twoWeeks.pullRequests, twoWeeks.ci, twoWeeks.builds]) {
    if (section.empty && !missing.some((m) => m.command === section.empty!.command))
      missing.push(section.empty);
  }
  let headline: string;
  if (twoWeeks.repositories.length === 0)
    headline = 'No data collected yet: run "dx-audit audit" in a git clone.';
  else if (!hasData) headline = `No activity was collected for ${week}.`;
  else if (thisWeek.costs.data[0]) {
    const top = thisWeek.costs.data[0];
    headline = `The biggest measurable cost this week: ${top.label.toLowerCase()}, about ${top.hoursPerWeek >= 10 ? top.hoursPerWeek.toFixed(0) : top.hoursPerWeek.toFixed(1)} engineer-hours.`;
  } else headline = thisWeek.verdict.headline;
  return {
    week,
    previousWeek,
    start: bounds.start.toISOString(),
    end: bounds.end.toISOString(),
    generatedAt: twoWeeks.generatedAt,
    anonymized: twoWeeks.anonymized,
    repositories: twoWeeks.repositories,
    hasData,
    headline,
    findings: hasData ? thisWeek.verdict.findings : [],
    causes: thisWeek.costs.data.slice(0, 5),
    causesEmpty: thisWeek.costs.empty,
    diagnosis: thisWeek.diagnosis.data,
    comparisons,
    missing,
  };
}

/** Formats a value of a comparison for people. */
export function formatValue(value: number | null, unit: Comparison['unit']): string {
  if (value === null) return '–';
  switch (unit) {
    case 'seconds':
      if (value < 90) return `${Math.round(value)} s`;
      if (value < 90 * 60) return `${(value / 60).toFixed(1)} min`;
      if (value < 48 * 3600) return `${(value / 3600).toFixed(1)} h`;
      return `${(value / 86400).toFixed(1)} d`;
    case 'percent':
      return `${value.toFixed(1)} %`;
    default:
      return Math.round(value).toLocaleString('en-US');
  }
}

/** "+25 %", "−10 %", or "–". */
export function formatChange(change: number | null): string {
  if (change === null) return '–';
  const percent = Math.round(change * 100);
  return percent > 0 ? `+${percent} %` : percent < 0 ? `−${Math.abs(percent)} %` : '±0 %';
}

/** The comparisons that got better and worse, as sentences. */
export function movements(report: WeeklyReport): { better: string[]; worse: string[] } {
  const line = (c: Comparison) =>
    `${c.label}: ${formatValue(c.lastWeek, c.unit)} → ${formatValue(c.thisWeek, c.unit)} (${formatChange(c.change)})`;
  return {
    better: report.comparisons.filter((c) => c.judgement === 'better').map(line),
    worse: report.comparisons.filter((c) => c.judgement === 'worse').map(line),
  };
}
