// The weekly report's numbers: the reported ISO week against the week before,
// read from the same weekly series the dashboard charts.

import { costPhrase } from '../util/format.js';
import { previousWeek, weekBounds } from './iso-week.js';
import {
  type Comparison,
  type Report,
  SECTION_IDS,
  type Series,
  type WeekComparison,
  type WeeklyValues,
} from './model.js';
import { causeLabel, materialCosts } from './verdict.js';

/** Changes smaller than this share are reported as "about the same". */
export const SAME_THRESHOLD = 0.1;

function judge(better: Comparison['better'], thisWeek: number | null, lastWeek: number | null) {
  if (thisWeek === null && lastWeek === null) return 'n/a' as const;
  if (lastWeek === null) return 'new' as const;
  if (thisWeek === null) return 'gone' as const;
  if (better === 'neutral') return 'n/a' as const;
  if (lastWeek === 0 && thisWeek === 0) return 'same' as const;
  const change = lastWeek === 0 ? Number.POSITIVE_INFINITY : (thisWeek - lastWeek) / lastWeek;
  if (Math.abs(change) < SAME_THRESHOLD) return 'same' as const;
  return change > 0 === (better === 'higher') ? ('better' as const) : ('worse' as const);
}

/**
 * The week the weekly report covers: the week of the window's end, unless
 * that week is still running at `now` (then the week before it).
 */
export function reportedWeek(until: Date, now: Date, isoWeekOf: (d: Date) => string): string {
  const week = isoWeekOf(until);
  return week === isoWeekOf(now) ? previousWeek(week) : week;
}

export function weekComparison(
  report: Omit<Report, 'week' | 'verdict'>,
  series: Series,
  week: string,
  fallbackHeadline: string,
): WeekComparison {
  const index = series.weeks.indexOf(week);
  const at = (values: WeeklyValues | undefined, i: number) => (values && i >= 0 ? (values[i] ?? null) : null);
  const comparisons: Comparison[] = [];
  const compare = (
    label: string,
    unit: Comparison['unit'],
    better: Comparison['better'],
    values: WeeklyValues | undefined,
    section: string,
  ) => {
    const thisWeek = at(values, index);
    const lastWeek = at(values, index - 1);
    const change =
      thisWeek === null || lastWeek === null || lastWeek === 0 ? null : (thisWeek - lastWeek) / lastWeek;
    comparisons.push({
      label,
      unit,
      better,
      thisWeek,
      lastWeek,
      change,
      judgement: judge(better, thisWeek, lastWeek),
      section,
    });
  };
  const git = series.git['all'];
  const pr = series.pullRequests['all'];
  if (pr) {
    compare('PR cycle time (median)', 'seconds', 'lower', pr.cycleMedian, SECTION_IDS.cycleTime);
    compare('Coding time (median)', 'seconds', 'lower', pr.codingMedian, SECTION_IDS.cycleTime);
    compare('Wait for first review (median)', 'seconds', 'lower', pr.pickupMedian, SECTION_IDS.reviewWait);
    compare('Wait for first review (p90)', 'seconds', 'lower', pr.pickupP90, SECTION_IDS.reviewWait);
    compare('Review to merge (median)', 'seconds', 'lower', pr.reviewMedian, SECTION_IDS.cycleTime);
    compare('PR size (median lines)', 'lines', 'lower', pr.sizeMedian, SECTION_IDS.prSize);
    compare('PRs merged', 'count', 'neutral', pr.merged, SECTION_IDS.cycleTime);
  }
  const busiest = [...series.workflows]
    .sort((a, b) => (at(b.runs, index) ?? 0) - (at(a.runs, index) ?? 0))
    .slice(0, 5)
    .filter((w) => (at(w.runs, index) ?? 0) + (at(w.runs, index - 1) ?? 0) > 0);
  for (const w of busiest) {
    const name = series.repositories.length > 1 ? `${series.repositories[w.repo]} · ${w.name}` : w.name;
    compare(`CI ${name}: duration (median)`, 'seconds', 'lower', w.durationMedian, SECTION_IDS.ci);
    compare(`CI ${name}: queue (median)`, 'seconds', 'lower', w.queueMedian, SECTION_IDS.ci);
    compare(`CI ${name}: success rate`, 'percent', 'higher', pct(w.successRate), SECTION_IDS.ci);
    compare(`CI ${name}: flaky commits`, 'percent', 'lower', pct(w.flakyRate), SECTION_IDS.ci);
  }
  const deployWeek = (label: string) => report.dora.weekly.find((w) => w.week === label);
  if (report.dora.deployments > 0) {
    const previous = series.weeks[index - 1] ?? '';
    const pair = (pick: (w: { deployments: number; leadTimeMedian: number | null }) => number | null) => {
      const values: WeeklyValues = series.weeks.map(() => null);
      for (const [i, label] of [
        [index - 1, previous],
        [index, week],
      ] as const) {
        const w = deployWeek(label);
        if (i >= 0 && w) values[i] = pick(w);
      }
      return values;
    };
    compare(
      'Deployments',
      'count',
      'higher',
      pair((w) => w.deployments),
      SECTION_IDS.dora,
    );
    compare(
      'Lead time for changes (median)',
      'seconds',
      'lower',
      pair((w) => w.leadTimeMedian),
      SECTION_IDS.dora,
    );
  }
  if (git) {
    compare('Commits', 'count', 'neutral', git.commits, SECTION_IDS.gitActivity);
    compare('Merges', 'count', 'neutral', git.merges, SECTION_IDS.gitActivity);
    compare(
      'Lines changed',
      'lines',
      'neutral',
      git.added.map((a, i) => (a ?? 0) + (git.deleted[i] ?? 0)),
      SECTION_IDS.gitActivity,
    );
    compare('People committing', 'count', 'neutral', git.authors, SECTION_IDS.gitActivity);
  }
  const hasData =
    index >= 0 &&
    ((at(git?.commits, index) ?? 0) > 0 ||
      (at(git?.merges, index) ?? 0) > 0 ||
      (at(pr?.merged, index) ?? 0) > 0 ||
      series.workflows.some((w) => (at(w.runs, index) ?? 0) > 0));
  const bounds = weekBounds(week);
  let headline: string;
  const top = materialCosts(report)[0];
  if (series.repositories.length === 0)
    headline = 'No data collected yet: run "dx-audit audit" in a git clone.';
  else if (!hasData) headline = `No activity was collected in ${week}.`;
  else if (top)
    headline = `The biggest measurable cost: ${causeLabel(top.cause).toLowerCase()}, ${costPhrase(top.delayHoursPerWeek, top.engineerHoursPerWeek)} over the window`;
  else headline = fallbackHeadline;
  return {
    week,
    previousWeek: previousWeek(week),
    start: bounds.start.toISOString(),
    end: bounds.end.toISOString(),
    hasData,
    headline,
    comparisons,
  };
}

const pct = (values: WeeklyValues) => values.map((v) => (v === null ? null : Number((v * 100).toFixed(2))));
