// The terminal view of the report: headline counts, hotspots and change coupling.
import type { Report } from './model.js';
import { architectureLines } from './text-architecture.js';

export function renderText(report: Report): string {
  const lines: string[] = [];
  const window = `${report.window.since?.slice(0, 10) ?? 'start'} → ${report.window.until.slice(0, 10)}`;
  lines.push(`dx-audit report  (${window})`);
  lines.push('');
  if (report.repositories.length === 0) {
    lines.push('No data yet: run `dx-audit collect git [PATH]` (or `dx-audit audit`) first.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Repositories: ${report.repositories.map((r) => r.name).join(', ')}`);
  lines.push(
    `Git: ${report.git.commits} commits, ${report.git.merges} merges, ${report.git.authors} authors, ${report.git.filesChanged} files changed`,
  );
  lines.push(...architectureLines(report));
  lines.push(...renderBuilds(report));
  return `${lines.join('\n')}\n`;
}

/** Local build timings: median and p90 per repository, machine and kind; waiting on wrapped builds. */
function renderBuilds(report: Report): string[] {
  const { summary, wrappedPerDay } = report.builds;
  if (summary.length === 0) {
    return [
      '',
      'Local builds: none timed yet — run `dx-audit build` in a repository, or wrap builds with `dx-audit wrap -- CMD`.',
    ];
  }
  const lines = ['', 'Local builds (seconds, successful runs; failures counted apart)'];
  const s = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  for (const row of summary) {
    lines.push(
      `  ${printable(row.repo)} on ${printable(row.machine)}, ${row.kind} ${row.task}: median ${s(row.median)}, p90 ${s(row.p90)} (${row.runs} runs, ${row.failures} failed) — ${printable(row.command)}`,
    );
  }
  for (const row of wrappedPerDay) {
    lines.push(
      `  waiting on wrapped builds: ${row.minutesPerDay.toFixed(1)} min/day in ${printable(row.repo)} on ${printable(row.machine)} (${row.runs} runs over ${row.days} days)`,
    );
  }
  return lines;
}

/** Paths may hold newlines or control characters: show them escaped so one file stays one row. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}
