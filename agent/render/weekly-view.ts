// What the Markdown and HTML weekly reports share: the sentences of what got
// better and worse, the week's last day, and the sections left unmeasured.

import type { Comparison, EmptyState, Report } from '../analysis/model.js';
import { formatChange, formatDuration, formatPercent, formatValue } from '../util/format.js';
import { count } from '../util/plural.js';

/** The comparisons that got better and worse, as sentences. */
export function movements(report: Report): { better: string[]; worse: string[] } {
  const line = (c: Comparison) =>
    `${c.label}: ${formatValue(c.lastWeek, c.unit)} → ${formatValue(c.thisWeek, c.unit)} (${formatChange(c.change)})`;
  return {
    better: report.week.comparisons.filter((c) => c.judgement === 'better').map(line),
    worse: report.week.comparisons.filter((c) => c.judgement === 'worse').map(line),
  };
}

/** DORA's four keys over the window, one row each: key, value, detail, band. */
export function doraRows(report: Report): [string, string, string, string][] {
  const d = report.dora;
  const band = (b: string | null) => b ?? '–';
  return [
    [
      'Deployment frequency',
      d.deploymentsPerWeek === null ? '–' : `${d.deploymentsPerWeek.toFixed(1)} / week`,
      `${count(d.deployments, 'deployment')} (${d.source ?? 'no source'})`,
      band(d.bands.deploymentFrequency),
    ],
    [
      'Lead time for changes',
      formatDuration(d.leadTime.median),
      `p90 ${formatDuration(d.leadTime.p90)}, ${count(d.leadTime.n, 'change')}`,
      band(d.bands.leadTime),
    ],
    [
      'Change failure rate',
      formatPercent(d.changeFailureRate),
      `${d.failedDeployments} failed`,
      band(d.bands.changeFailureRate),
    ],
    [
      'Time to restore',
      formatDuration(d.timeToRestore.median),
      `p90 ${formatDuration(d.timeToRestore.p90)}, ${d.timeToRestore.n} restored`,
      band(d.bands.timeToRestore),
    ],
  ];
}

/** The Sunday that ends the reported week, as YYYY-MM-DD. */
export const lastDay = (report: Report) =>
  new Date(Date.parse(report.week.end) - 86_400_000).toISOString().slice(0, 10);

/** Sections without data, each named once with the command that collects it. */
export function missingSections(report: Report): EmptyState[] {
  const out: EmptyState[] = [];
  for (const section of [report.empty.git, report.empty.pullRequests, report.empty.ci, report.empty.builds]) {
    if (section && !out.some((m) => m.command === section.command && m.missing === section.missing))
      out.push(section);
  }
  return out;
}

/** The weeks of data the costs are divided by (as their evidence states them), not the window's length. */
export function weeksOfData(report: Report): string {
  return Math.max(report.method.weeks, 1 / 7).toFixed(1);
}

/** Collections that did not finish: their data is partial, and every output says so. */
export function partialCollections(report: Report): string[] {
  return report.collection
    .filter((c) => c.state !== 'complete')
    .map((c) => c.note ?? `${c.source} collection of ${c.repo} is ${c.state}`);
}
