// Turns DashboardData into one self-contained HTML file: Chart.js, the page
// script and the data are inlined, so the page opens from disk or any static
// host and makes no network request. Every repository-controlled string is
// escaped where it enters HTML, and the embedded JSON cannot close its script
// tag; a Content-Security-Policy allows only the page's own inline scripts.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DashboardData, type EmptyState, SECTION_IDS } from './types.js';

/** The scripts inlined into the page. */
export interface DashboardAssets {
  chartJs: string;
  pageJs: string;
}

let cachedAssets: DashboardAssets | null = null;

/** Reads Chart.js (from node_modules) and the page script once per process. */
export function loadAssets(): DashboardAssets {
  if (cachedAssets) return cachedAssets;
  const require = createRequire(import.meta.url);
  const chartDist = dirname(require.resolve('chart.js'));
  const chartFile = ['chart.umd.min.js', 'chart.umd.js']
    .map((name) => join(chartDist, name))
    .find((file) => existsSync(file));
  if (!chartFile) throw new Error(`Chart.js's UMD build is missing from ${chartDist}; run npm install`);
  // page.js sits beside this module in the source tree, and two levels up from dist/dashboard/.
  const here = dirname(fileURLToPath(import.meta.url));
  const pageFile = [join(here, 'page.js'), join(here, '..', '..', 'dashboard', 'page.js')].find((file) =>
    existsSync(file),
  );
  if (!pageFile) throw new Error(`the dashboard page script is missing next to ${here}`);
  cachedAssets = {
    chartJs: readFileSync(chartFile, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    pageJs: readFileSync(pageFile, 'utf8'),
  };
  return cachedAssets;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serialises data for a `<script type="application/json">` element: `<` becomes
 * \u003c (so neither `</script>` nor `<!--` can appear), and U+2028/U+2029 are
 * escaped for old parsers that treat them as line ends.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Makes library source safe to inline in a <script> element. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * Fills `{{NAME}}` placeholders in one pass over the template's own text:
 * split/join, so `$` patterns in values stay inert, and a value that itself
 * contains `{{NAME}}` is never filled again.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template
    .split(/\{\{([A-Z]+)\}\}/)
    .map((part, i) => {
      if (i % 2 === 0) return part;
      const value = values[part];
      if (value === undefined) throw new Error(`no value for the placeholder {{${part}}}`);
      return value;
    })
    .join('');
}

const hours = (seconds: number) => seconds / 3600;

function formatHours(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}

function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 48 * 3600) return `${hours(seconds).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

function emptyBlock(empty: EmptyState): string {
  return `<div class="empty"><p><strong>No data:</strong> ${escapeHtml(empty.missing)}</p><p>Collect it with <code>${escapeHtml(empty.command)}</code></p></div>`;
}

function verdictHtml(data: DashboardData): string {
  const v = data.verdict;
  const parts = [
    `<p id="verdict-headline" class="headline status-${escapeHtml(v.status)}">${escapeHtml(v.headline)}</p>`,
  ];
  if (v.findings.length > 0) {
    parts.push(`<ul class="findings">${v.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`);
  }
  if (!data.costs.empty && data.costs.data.length > 0) {
    const rows = data.costs.data
      .map(
        (c) =>
          `<tr><td>${escapeHtml(c.label)}</td><td class="num">${escapeHtml(formatHours(c.hoursPerWeek))}</td><td>${escapeHtml(c.evidence)}</td></tr>`,
      )
      .join('');
    parts.push(
      `<h3>Top costs</h3><table class="costs"><caption>What each cause costs, in engineer-hours per week, with the arithmetic</caption><thead><tr><th scope="col">Cause</th><th scope="col">Engineer-hours / week</th><th scope="col">How it is computed</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  } else if (data.costs.empty) {
    parts.push(`<h3>Top costs</h3>${emptyBlock(data.costs.empty)}`);
  }
  if (!data.diagnosis.empty && data.diagnosis.data.length > 0) {
    const ordered = [...data.diagnosis.data].sort((a, b) =>
      a.kind === b.kind ? 0 : a.kind === 'team' ? -1 : 1,
    );
    const rows = ordered
      .map((d) => {
        const causes = d.causes
          .map(
            (c) =>
              `${c.cause}${c.hoursPerWeek === null ? '' : ` (${formatHours(c.hoursPerWeek)} h/week)`}: ${c.evidence}`,
          )
          .join('; ');
        return `<tr><td>${escapeHtml(d.subject)}</td><td>${escapeHtml(d.kind)}</td><td class="num">${d.prs}</td><td class="num">${escapeHtml(formatDuration(d.cycleMedian))}</td><td class="num">${escapeHtml(formatDuration(d.excess))}</td><td>${escapeHtml(d.verdict.replace(/_/g, ' '))}</td><td>${escapeHtml(causes)}</td></tr>`;
      })
      .join('');
    parts.push(
      `<details class="diagnosis"><summary>Diagnosis per team and person (system causes, never a ranking)</summary><table><thead><tr><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">PRs</th><th scope="col">Cycle median</th><th scope="col">Excess over repository median</th><th scope="col">Verdict</th><th scope="col">Causes and evidence</th></tr></thead><tbody>${rows}</tbody></table></details>`,
    );
  }
  if (v.next.length > 0) {
    parts.push(
      `<h3>To complete the picture</h3><ul class="next">${v.next
        .map((n) => `<li>${escapeHtml(n.missing)}: <code>${escapeHtml(n.command)}</code></li>`)
        .join('')}</ul>`,
    );
  }
  return parts.join('\n');
}

interface SectionSpec {
  id: string;
  title: string;
  intro: string;
  empty: EmptyState | null;
}

function sectionHtml(spec: SectionSpec): string {
  const body = spec.empty
    ? emptyBlock(spec.empty)
    : `<div class="charts" data-section="${escapeHtml(spec.id)}"></div>`;
  return `<section id="${escapeHtml(spec.id)}" class="${spec.empty ? 'is-empty' : 'has-data'}"><h2>${escapeHtml(spec.title)}</h2><p class="intro">${escapeHtml(spec.intro)}</p>${body}</section>`;
}

function sections(data: DashboardData): SectionSpec[] {
  return [
    {
      id: SECTION_IDS.cycleTime,
      title: 'Where PR time goes, week by week',
      intro: 'Median coding, pickup and review time of the pull requests merged each week.',
      empty: data.pullRequests.empty,
    },
    {
      id: SECTION_IDS.reviewWait,
      title: 'Review wait',
      intro: 'How long a ready pull request waits for its first human review.',
      empty: data.pullRequests.empty,
    },
    {
      id: SECTION_IDS.ci,
      title: 'CI queue, duration and flakiness per workflow',
      intro:
        'Per GitHub Actions workflow and week: time queued, time running, and the share of commits that both failed and passed.',
      empty: data.ci.empty,
    },
    {
      id: SECTION_IDS.builds,
      title: 'Local build times',
      intro:
        'Median warm and cold builds measured by `dx-audit build`, and real builds recorded by `dx-audit wrap`.',
      empty: data.builds.empty,
    },
    {
      id: SECTION_IDS.hotspots,
      title: 'Hotspots',
      intro: 'Files changed often and large at the same time: where changes are expensive and risky.',
      empty: data.hotspots.empty,
    },
    {
      id: SECTION_IDS.coupling,
      title: 'Module and file coupling',
      intro:
        'Pairs that change together in the same commits: a change to one usually ripples into the other.',
      empty: data.coupling.empty,
    },
    {
      id: SECTION_IDS.prSize,
      title: 'Pull request size',
      intro: 'Lines changed per merged pull request (lock and generated files left out).',
      empty: data.pullRequests.empty,
    },
    {
      id: SECTION_IDS.gitActivity,
      title: 'Git activity',
      intro: 'Commits and lines changed per week on the analysed branches.',
      empty: data.git.empty,
    },
  ];
}

const TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{CSP}}">
<title>{{TITLE}}</title>
<style>{{CSS}}</style>
</head>
<body>
<header>
<h1>Developer experience audit</h1>
<p class="meta">{{META}}</p>
<form id="filters" class="filters" aria-label="Filters">
<label>Repository <select id="filter-repo"></select></label>
<label>Team <select id="filter-team"></select></label>
<label>Time window <select id="filter-window"></select></label>
<button type="button" id="print">Print</button>
</form>
</header>
<main>
<section id="${SECTION_IDS.verdict}" class="verdict"><h2>Verdict</h2>
{{VERDICT}}
</section>
{{SECTIONS}}
</main>
<footer><p>Generated by dx-audit {{GENERATED}}. Weeks are ISO weeks in UTC. Durations are medians unless marked p90 (90% of items are faster).</p></footer>
<script type="application/json" id="dx-data">{{DATA}}</script>
<script>{{CHARTJS}}</script>
<script>{{PAGEJS}}</script>
</body>
</html>
`;

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--accent:#0969da;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:18px;border-bottom:1px solid var(--line)}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:20px;margin:28px 0 4px;border-top:1px solid var(--line);padding-top:16px}
h3{font-size:16px;margin:14px 0 4px}
.meta,.intro,.how,footer{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:10px 0 14px}
.filters select,.filters button,.card button{font:inherit;padding:3px 8px}
.verdict .headline{font-size:19px;font-weight:600;margin:6px 0}
.verdict h2{border-top:0}
.status-diagnosed{color:var(--fg)}.status-insufficient,.status-empty{color:var(--warn)}
.findings li{margin:3px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px}
.card{border:1px solid var(--line);border-radius:6px;padding:12px;break-inside:avoid;page-break-inside:avoid;min-width:0}
.card h3{margin-top:0}
.card .how{font-size:13px;margin:0 0 8px}
.card .plot{position:relative;height:300px}
.card .tools{display:flex;gap:10px;align-items:center;margin-top:6px}
.card .nodata{color:var(--warn)}
.empty{border:1px dashed var(--line);border-radius:6px;padding:10px 14px;background:#f6f8fa}
.empty p{margin:4px 0}
code{background:#eff1f3;padding:1px 4px;border-radius:3px;font-size:13px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
caption{text-align:left;color:var(--muted);font-size:13px}
details{margin-top:6px}
summary{cursor:pointer;color:var(--accent)}
@media (max-width:640px){.charts{grid-template-columns:1fr}}
@media print{
  .filters,.tools,button{display:none!important}
  body{font-size:11pt}
  header,main,footer{max-width:none;padding:0}
  .charts{display:block}
  .card{margin-bottom:12px}
  .card .plot{height:auto}
  .card canvas{max-width:100%!important;height:auto!important}
  details.table{display:none}
  a{color:inherit;text-decoration:none}
}
`;

/** Renders the page; pure apart from reading the assets when none are given. */
export function renderDashboard(data: DashboardData, assets: DashboardAssets = loadAssets()): string {
  const chartJs = inlineScript(assets.chartJs);
  const pageJs = inlineScript(assets.pageJs);
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(chartJs)}' 'sha256-${sha256(pageJs)}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const repos = data.repositories.length;
  const title =
    repos === 0
      ? 'dx-audit dashboard'
      : `dx-audit dashboard — ${data.repositories.slice(0, 3).join(', ')}${repos > 3 ? ` and ${repos - 3} more` : ''}`;
  const window = `${data.window.since ? data.window.since.slice(0, 10) : 'start'} → ${data.window.until.slice(0, 10)}`;
  const meta = [
    `Window ${window}`,
    `${repos} ${repos === 1 ? 'repository' : 'repositories'}`,
    data.anonymized ? 'people anonymized' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return fill(TEMPLATE, {
    CSP: escapeHtml(csp),
    TITLE: escapeHtml(title),
    CSS,
    META: escapeHtml(meta),
    VERDICT: verdictHtml(data),
    SECTIONS: sections(data).map(sectionHtml).join('\n'),
    GENERATED: escapeHtml(data.generatedAt),
    DATA: embedJson(data),
    CHARTJS: chartJs,
    PAGEJS: pageJs,
  });
}
