// The weekly report as Markdown for chat and GitHub issues. Every string from
// the data is escaped so that a `|` cannot break a table and `*`, `_`, `<`,
// `[`... stay literal text.
import type { Report } from '../analysis/model.js';
import { causeLabel, materialCosts } from '../analysis/verdict.js';
import { formatChange, formatHours, formatValue } from '../util/format.js';
import {
  doraRows,
  lastDay,
  missingSections,
  movements,
  partialCollections,
  weeksOfData,
} from './weekly-view.js';

/** Escapes Markdown (and inline HTML) in one line of data; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}

const hours = (h: number | null | undefined) => (h === null || h === undefined ? '–' : formatHours(h));

export function renderMarkdown(report: Report): string {
  const md: string[] = [];
  const e = escapeMarkdown;
  const w = report.week;
  md.push(`# DX weekly report — ${w.week}`);
  md.push('');
  md.push(
    `Week ${w.week} (${w.start.slice(0, 10)} to ${lastDay(report)}, UTC) against ${w.previousWeek}` +
      (report.repositories.length > 0 ? ` · ${report.repositories.map((r) => e(r.name)).join(', ')}` : '') +
      (report.anonymized ? ' · people anonymized' : ''),
  );
  md.push('');
  md.push(`Window: ${e(report.window.statement)}`);
  for (const partial of partialCollections(report)) {
    md.push('');
    md.push(`> **Partial data:** ${e(partial)}`);
  }
  md.push('');
  md.push(`**${e(report.verdict.headline)}**`);
  if (w.headline !== report.verdict.headline) {
    md.push('');
    md.push(e(w.headline));
  }
  if (report.verdict.findings.length > 0) {
    md.push('');
    for (const f of report.verdict.findings) md.push(`- ${e(f)}`);
  }

  for (const line of report.verdict.beside) {
    md.push('');
    md.push(e(line));
  }
  md.push('');
  md.push('## Top causes and what they cost');
  md.push('');
  const costs = materialCosts(report).slice(0, 5);
  if (costs.length === 0) {
    const empty = report.empty.diagnosis;
    md.push(
      empty
        ? `No cost can be computed yet: ${e(empty.missing)}. Collect it with \`${empty.command}\`.`
        : 'No cause with a measurable cost in the window.',
    );
  } else {
    md.push(`Per week of data in the window (${weeksOfData(report)} weeks of data).`);
    md.push('');
    md.push('Delay is calendar time changes wait; engineer-hours are time people spend.');
    md.push('');
    md.push('| Cause | Delay h / week | Engineer-hours / week | How it is computed |');
    md.push('|---|---:|---:|---|');
    for (const c of costs)
      md.push(
        `| ${e(causeLabel(c.cause))} | ${hours(c.delayHoursPerWeek)} | ${hours(c.engineerHoursPerWeek)} | ${e(c.evidence)} |`,
      );
  }

  const { better, worse } = movements(report);
  md.push('');
  md.push('## What got better');
  md.push('');
  md.push(
    better.length > 0
      ? better.map((b) => `- ${e(b)}`).join('\n')
      : '- Nothing measurably better (changes under 10 % count as the same).',
  );
  md.push('');
  md.push('## What got worse');
  md.push('');
  md.push(
    worse.length > 0
      ? worse.map((x) => `- ${e(x)}`).join('\n')
      : '- Nothing measurably worse (changes under 10 % count as the same).',
  );

  md.push('');
  md.push(`## ${w.week} against ${w.previousWeek}`);
  md.push('');
  if (w.comparisons.length === 0) md.push('No weekly figures yet.');
  else {
    md.push(`| Metric | ${w.previousWeek} | ${w.week} | Change |`);
    md.push('|---|---:|---:|---:|');
    for (const c of w.comparisons) {
      md.push(
        `| ${e(c.label)} | ${formatValue(c.lastWeek, c.unit)} | ${formatValue(c.thisWeek, c.unit)} | ${e(formatChange(c.change))}${c.judgement === 'better' ? ' ✅' : c.judgement === 'worse' ? ' ⚠️' : ''} |`,
      );
    }
  }

  md.push('');
  md.push("## DORA's four keys over the window");
  md.push('');
  if (report.dora.deployments === 0) md.push(e(report.dora.missing ?? 'No deployments found.'));
  else {
    md.push(
      `Overall band: **${report.dora.band ?? '–'}** (the weakest key; bands of the ${e(report.dora.edition)}).`,
    );
    md.push('');
    md.push('| Key | Value | Detail | Band |');
    md.push('|---|---:|---|---|');
    for (const row of doraRows(report)) md.push(`| ${row.map(e).join(' | ')} |`);
  }

  const teams = report.diagnosis.filter((d) => d.kind === 'team');
  if (teams.length > 0) {
    md.push('');
    md.push('## Teams');
    md.push('');
    md.push('| Team | PRs | Verdict | Causes |');
    md.push('|---|---:|---|---|');
    for (const d of teams) {
      md.push(
        `| ${e(d.subject)} | ${d.prs} | ${e(causeLabel(d.verdict))} | ${e(d.causes.map((c) => `${causeLabel(c.cause)}: ${c.evidence}`).join('; '))} |`,
      );
    }
  }

  const missing = missingSections(report);
  if (missing.length > 0) {
    md.push('');
    md.push('## Not measured yet');
    md.push('');
    for (const m of missing) md.push(`- ${e(m.missing)}: \`${m.command}\``);
  }
  md.push('');
  md.push(`Generated by dx-audit at ${report.generatedAt}. Durations are medians unless marked p90.`);
  return `${md.join('\n')}\n`;
}
