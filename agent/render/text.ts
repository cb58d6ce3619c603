// The terminal view of the report: the window, the verdict, headline counts,
// hotspots and change coupling, pull requests, CI, diagnosis and costs.

import type { Report } from '../analysis/model.js';
import { causeLabel, materialCosts, outsideWhere } from '../analysis/verdict.js';
import { formatDuration, formatHoursOrDash, formatPercent, plural } from '../util/format.js';
import { count } from '../util/plural.js';
import { architectureLines } from './text-architecture.js';
import { doraRows, partialCollections, weeksOfData } from './weekly-view.js';

export function renderText(report: Report): string {
  const lines: string[] = [];
  lines.push('dx-audit report');
  lines.push(`Window: ${report.window.statement}`);
  for (const partial of partialCollections(report)) lines.push(`Partial data: ${partial}`);
  lines.push('');
  lines.push(report.verdict.headline);
  lines.push(...report.verdict.beside);
  lines.push('');
  if (report.repositories.length === 0) {
    lines.push('No data yet: run `dx-audit collect git [PATH]` (or `dx-audit audit`) first.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Repositories: ${report.repositories.map((r) => r.name).join(', ')}`);
  lines.push(
    `Git: ${count(report.git.commits, 'commit')}, ${count(report.git.merges, 'merge')}, ${count(report.git.authors, 'author')}, ${count(report.git.filesChanged, 'file')} changed`,
  );
  lines.push(...architectureLines(report));
  lines.push(...renderDelivery(report));
  lines.push(...renderBuilds(report));
  lines.push('', "DORA's four keys");
  if (report.dora.deployments === 0) lines.push(`  ${report.dora.missing ?? 'no deployments found'}`);
  else {
    lines.push(`  overall band: ${report.dora.band ?? '–'} (${report.dora.edition})`);
    for (const [key, value, detail, band] of doraRows(report))
      lines.push(`  ${key.padEnd(24)} ${value.padStart(12)}  ${band.padEnd(7)} ${detail}`);
  }
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
      `  ${printable(row.repo)} on ${printable(row.machine)}, ${row.kind} ${row.task}: median ${s(row.median)}, p90 ${s(row.p90)} (${count(row.runs, 'run')}, ${row.failures} failed) — ${printable(row.command)}`,
    );
  }
  for (const row of wrappedPerDay) {
    lines.push(
      `  waiting on wrapped builds: ${row.minutesPerDay.toFixed(1)} min/day in ${printable(row.repo)} on ${printable(row.machine)} (${count(row.runs, 'run')} over ${count(row.days, 'day')})`,
    );
  }
  return lines;
}

/** Paths may hold newlines or control characters: show them escaped so one file stays one row. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}

const duration = formatDuration;

/** Pull requests, CI, the diagnosis and the costs, in that order. */
function renderDelivery(report: Report): string[] {
  const lines: string[] = [''];
  const prs = report.pullRequests;
  if (prs) {
    const st = prs.stages;
    lines.push(
      `Pull requests: ${prs.count} opened, ${prs.mergedByPeople} merged by people (${prs.merged - prs.mergedByPeople} by bots, left out); median / p90`,
    );
    for (const [name, s] of [
      ['coding (first commit → ready)', st.coding],
      ['pickup (ready → first review)', st.pickup],
      ['review (first review → merge)', st.review],
      ['cycle (first commit → merge)', st.cycle],
    ] as const) {
      lines.push(
        `  ${name.padEnd(32)} ${duration(s.median).padStart(9)} / ${duration(s.p90).padStart(9)}  (${s.n} PRs)`,
      );
    }
  } else if (report.deliveries.merges > 0) {
    lines.push(
      `Deliveries from merges (no pull-request data): ${report.deliveries.merges}, median cycle ${duration(report.deliveries.cycle.median)}, p90 ${duration(report.deliveries.cycle.p90)}`,
    );
  } else {
    const where = report.outsideWindow.pullRequests > 0 ? outsideWhere(report.outsideWindow) : null;
    const empty = report.empty.pullRequests;
    lines.push(
      where
        ? `Pull requests: none inside the window; ${where.text}: ${where.hint}.`
        : empty
          ? `Pull requests: ${empty.missing} — next: \`${empty.command}\``
          : 'Pull requests: none collected — run `dx-audit audit` with a GitHub token (GITHUB_TOKEN or `gh auth login`).',
    );
  }
  if (report.ci) {
    lines.push(
      '',
      `CI: ${report.ci.runs} workflow ${plural(report.ci.runs, 'run')} (${report.ci.attempts} ${plural(report.ci.attempts, 'attempt')}); median / p90 per attempt`,
    );
    for (const w of report.ci.workflows.slice(0, 10)) {
      const pct = (v: number | null) => formatPercent(v);
      lines.push(
        `  ${printable(`${w.repo} · ${w.name}`)}: duration ${duration(w.duration.median)} / ${duration(w.duration.p90)}, queue ${duration(w.queue.median)}, success ${pct(w.successRate)}, re-run ${pct(w.rerunRate)}, flaky ${pct(w.flakyRate)}`,
      );
    }
  }
  const judged = report.diagnosis.filter((d) => d.enoughData);
  if (judged.length > 0) {
    lines.push(
      '',
      `Diagnosis (baseline cycle ${duration(report.method.baselineCycle)} over ${count(report.method.deliveries, 'change')})`,
    );
    for (const d of report.diagnosis.filter((x) => x.verdict !== 'none')) {
      lines.push(`  ${d.kind} ${printable(d.subject)}: ${d.summary} (${d.confidence})`);
      for (const c of d.causes)
        lines.push(`    ${causeLabel(c.cause)}: ${Math.round(c.share * 100)} % of the gap — ${c.evidence}`);
    }
    const none = report.diagnosis.filter((x) => x.verdict === 'none');
    if (none.length > 0)
      lines.push(
        `  ${none.length} ${plural(none.length, 'subject')}: no systemic cause to report (or not enough data)`,
      );
  }
  const significant = report.systemEffects.filter((x) => x.significant);
  if (significant.length > 0) {
    lines.push('', "System effects measured on everyone's changes (significant)");
    for (const x of significant) lines.push(`  ${printable(x.description)} — ${count(x.n, 'change')}`);
  }
  const lags = report.ciReturnLag.filter((r) => r.delayMedian !== null);
  if (lags.length > 0) {
    lines.push('', 'CI delay per repository: wait on CI + return lag after it finishes (medians per change)');
    for (const r of lags)
      lines.push(
        `  ${printable(r.repo)}: ${duration(r.ciWaitMedian)} + ${duration(r.returnLagMedian)} = ${duration(r.delayMedian)} (${count(r.changes, 'change')})`,
      );
  }
  const costs = materialCosts(report);
  if (costs.length > 0) {
    lines.push(
      '',
      `Cost per cause, per week of data (${weeksOfData(report)} weeks of data in the window): delay h (waiting) / engineer-hours (time spent)`,
    );
    for (const c of costs)
      lines.push(
        `  ${causeLabel(c.cause).padEnd(40)} ${formatHoursOrDash(c.delayHoursPerWeek).padStart(5)} / ${formatHoursOrDash(c.engineerHoursPerWeek).padStart(5)}  ${c.evidence}`,
      );
  }
  return lines;
}
