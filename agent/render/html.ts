// The weekly report as a small standalone HTML page (no script, no network),
// every data string escaped, with links into the dashboard's sections.
import { type Report, SECTION_IDS } from '../analysis/model.js';
import { causeLabel, materialCosts } from '../analysis/verdict.js';
import { formatChange, formatHoursOrDash, formatValue } from '../util/format.js';
import { escapeHtml } from './escape.js';
import {
  doraRows,
  lastDay,
  missingSections,
  movements,
  partialCollections,
  weeksOfData,
} from './weekly-view.js';

/**
 * @param dashboardHref where the dashboard is, relative to the report
 * (`dashboard.html` when both are written into .dx-audit/).
 */
export function renderHtml(report: Report, dashboardHref = 'dashboard.html'): string {
  const e = escapeHtml;
  const w = report.week;
  const link = (section: string, text: string) =>
    `<a href="${e(`${dashboardHref}#${section}`)}">${e(text)}</a>`;
  const body: string[] = [];
  body.push(`<h1>DX weekly report — ${e(w.week)}</h1>`);
  body.push(
    `<p class="meta">Week ${e(w.week)} (${e(w.start.slice(0, 10))} to ${e(lastDay(report))}, UTC) against ${e(w.previousWeek)}${
      report.repositories.length > 0 ? ` · ${report.repositories.map((r) => e(r.name)).join(', ')}` : ''
    }${report.anonymized ? ' · people anonymized' : ''} · ${link(SECTION_IDS.verdict, 'open the dashboard')}</p>`,
  );
  body.push(`<p class="meta" id="window">Window: ${e(report.window.statement)}</p>`);
  for (const partial of partialCollections(report))
    body.push(`<p class="partial"><strong>Partial data:</strong> ${e(partial)}</p>`);
  body.push(`<p class="headline">${e(report.verdict.headline)}</p>`);
  if (w.headline !== report.verdict.headline) body.push(`<p>${e(w.headline)}</p>`);
  if (report.verdict.findings.length > 0)
    body.push(`<ul>${report.verdict.findings.map((f) => `<li>${e(f)}</li>`).join('')}</ul>`);

  for (const line of report.verdict.beside) body.push(`<p>${e(line)}</p>`);
  body.push(`<h2>Top causes and what they cost</h2>`);
  const costs = materialCosts(report).slice(0, 5);
  if (costs.length === 0) {
    const empty = report.empty.diagnosis;
    body.push(
      empty
        ? `<p class="empty">No cost can be computed yet: ${e(empty.missing)}. Collect it with <code>${e(empty.command)}</code>.</p>`
        : '<p>No cause with a measurable cost in the window.</p>',
    );
  } else {
    body.push(`<p>Per week of data in the window (${e(weeksOfData(report))} weeks of data).</p>`);
    body.push(
      `<table><thead><tr><th>Cause</th><th class="num">Delay h / week</th><th class="num">Engineer-hours / week</th><th>How it is computed</th></tr></thead><tbody>${costs
        .map(
          (c) =>
            `<tr><td>${link(SECTION_IDS.verdict, causeLabel(c.cause))}</td><td class="num">${e(formatHoursOrDash(c.delayHoursPerWeek))}</td><td class="num">${e(formatHoursOrDash(c.engineerHoursPerWeek))}</td><td>${e(c.evidence)}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }

  const { better, worse } = movements(report);
  body.push('<div class="moves">');
  body.push(
    `<div><h2>What got better</h2>${better.length > 0 ? `<ul>${better.map((b) => `<li>${e(b)}</li>`).join('')}</ul>` : '<p>Nothing measurably better (changes under 10 % count as the same).</p>'}</div>`,
  );
  body.push(
    `<div><h2>What got worse</h2>${worse.length > 0 ? `<ul>${worse.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '<p>Nothing measurably worse (changes under 10 % count as the same).</p>'}</div>`,
  );
  body.push('</div>');

  body.push(`<h2>${e(w.week)} against ${e(w.previousWeek)}</h2>`);
  if (w.comparisons.length === 0) body.push('<p>No weekly figures yet.</p>');
  else {
    body.push(
      `<table><thead><tr><th>Metric</th><th class="num">${e(w.previousWeek)}</th><th class="num">${e(w.week)}</th><th class="num">Change</th></tr></thead><tbody>${w.comparisons
        .map(
          (c) =>
            `<tr class="${e(c.judgement)}"><td>${link(c.section, c.label)}</td><td class="num">${e(formatValue(c.lastWeek, c.unit))}</td><td class="num">${e(formatValue(c.thisWeek, c.unit))}</td><td class="num">${e(formatChange(c.change))}${c.judgement === 'better' ? ' ▼ better' : c.judgement === 'worse' ? ' ▲ worse' : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }

  body.push(`<h2>${link(SECTION_IDS.dora, "DORA's four keys over the window")}</h2>`);
  if (report.dora.deployments === 0)
    body.push(`<p class="empty">${e(report.dora.missing ?? 'No deployments found.')}</p>`);
  else {
    body.push(
      `<p>Overall band: <strong>${e(report.dora.band ?? '–')}</strong> (the weakest key; bands of the ${e(report.dora.edition)}).</p><table><thead><tr><th>Key</th><th class="num">Value</th><th>Detail</th><th>Band</th></tr></thead><tbody>${doraRows(
        report,
      )
        .map(
          ([key, value, detail, band]) =>
            `<tr><td>${e(key)}</td><td class="num">${e(value)}</td><td>${e(detail)}</td><td>${e(band)}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }

  const teams = report.diagnosis.filter((d) => d.kind === 'team');
  if (teams.length > 0) {
    body.push(
      `<h2>Teams</h2><table><thead><tr><th>Team</th><th class="num">PRs</th><th>Verdict</th><th>Causes</th></tr></thead><tbody>${teams
        .map(
          (d) =>
            `<tr><td>${e(d.subject)}</td><td class="num">${d.prs}</td><td>${e(causeLabel(d.verdict))}</td><td>${e(d.causes.map((c) => `${causeLabel(c.cause)}: ${c.evidence}`).join('; '))}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  const missing = missingSections(report);
  if (missing.length > 0) {
    body.push(
      `<h2>Not measured yet</h2><ul>${missing.map((m) => `<li>${e(m.missing)}: <code>${e(m.command)}</code></li>`).join('')}</ul>`,
    );
  }
  body.push(
    `<footer>Generated by dx-audit at ${e(report.generatedAt)}. Durations are medians unless marked p90. Charts: ${link(SECTION_IDS.cycleTime, 'cycle time')}, ${link(SECTION_IDS.ci, 'CI')}, ${link(SECTION_IDS.builds, 'builds')}, ${link(SECTION_IDS.hotspots, 'hotspots')}, ${link(SECTION_IDS.gitActivity, 'git activity')}.</footer>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>DX weekly report — ${e(w.week)}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1f24;max-width:960px;margin:0 auto;padding:16px 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:22px 0 6px}
.meta,footer{color:#57606a}.partial{color:#9a6700}.headline{font-size:18px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.better td:last-child{color:#1a7f37}tr.worse td:last-child{color:#cf222e}
.moves{display:grid;grid-template-columns:1fr 1fr;gap:20px}
code{background:#eff1f3;padding:1px 4px;border-radius:3px}
a{color:#0969da}footer{margin-top:24px;font-size:13px}
@media (max-width:640px){.moves{grid-template-columns:1fr}}
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
