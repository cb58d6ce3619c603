// Renders the report as one self-contained HTML page: Chart.js, the page
// script and the report itself are inlined, so the page opens from disk or any
// static host and makes no network request. The report is embedded as the same
// JSON object `report --format json` prints; the page derives every chart from
// it. Repository-controlled strings are escaped where they enter HTML, the
// embedded JSON cannot close its script tag, and a Content-Security-Policy
// allows only the page's own inline scripts.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSS, TEMPLATE } from '../../dashboard/template.js';
import { type EmptyState, type Report, SECTION_IDS } from '../analysis/model.js';
import { causeLabel, materialCosts } from '../analysis/verdict.js';
import { formatDuration, formatHours, formatHoursOrDash, formatPercent, plural } from '../util/format.js';
import { embedJson, escapeHtml, fill, inlineScript } from './escape.js';
import { partialCollections, weeksOfData } from './weekly-view.js';

/** The scripts inlined into the page. */
export interface DashboardAssets {
  chartJs: string;
  pageJs: string;
}

let cachedAssets: DashboardAssets | null = null;

/** Reads Chart.js (from node_modules) and the bundled page script once per process. */
export function loadAssets(): DashboardAssets {
  if (cachedAssets) return cachedAssets;
  const require = createRequire(import.meta.url);
  const chartDist = dirname(require.resolve('chart.js'));
  const chartFile = ['chart.umd.min.js', 'chart.umd.js']
    .map((name) => join(chartDist, name))
    .find((file) => existsSync(file));
  if (!chartFile) throw new Error(`Chart.js's UMD build is missing from ${chartDist}; run npm install`);
  // The page script is bundled by the build into dist/dashboard/page.js: found from the bundled CLI
  // (dist/cli/), the compiled tree (dist/agent/render/) and the sources (agent/render/).
  const here = dirname(fileURLToPath(import.meta.url));
  const pageFile = [
    join(here, '..', '..', 'dashboard', 'page.js'),
    join(here, '..', '..', 'dist', 'dashboard', 'page.js'),
  ].find((file) => existsSync(file));
  if (!pageFile) throw new Error(`the dashboard page script is missing near ${here}; run npm run build`);
  cachedAssets = {
    chartJs: readFileSync(chartFile, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
    pageJs: readFileSync(pageFile, 'utf8'),
  };
  return cachedAssets;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

function emptyBlock(empty: EmptyState): string {
  return `<div class="empty"><p><strong>No data:</strong> ${escapeHtml(empty.missing)}</p><p>Collect it with <code>${escapeHtml(empty.command)}</code></p></div>`;
}

function verdictHtml(report: Report): string {
  const v = report.verdict;
  const e = escapeHtml;
  const parts = partialCollections(report).map(
    (p) => `<p class="partial"><strong>Partial data:</strong> ${e(p)}</p>`,
  );
  parts.push(`<p id="verdict-headline" class="headline status-${e(v.status)}">${e(v.headline)}</p>`);
  if (v.findings.length > 0) {
    parts.push(`<ul class="findings">${v.findings.map((f) => `<li>${e(f)}</li>`).join('')}</ul>`);
  }
  for (const line of v.beside) parts.push(`<p class="beside" id="verdict-beside">${e(line)}</p>`);
  const costs = materialCosts(report);
  if (costs.length > 0) {
    const rows = costs
      .map(
        (c) =>
          `<tr><td>${e(causeLabel(c.cause))}</td><td class="num">${e(formatHoursOrDash(c.delayHoursPerWeek))}</td><td class="num">${e(formatHoursOrDash(c.engineerHoursPerWeek))}</td><td>${e(c.evidence)}</td></tr>`,
      )
      .join('');
    parts.push(
      `<h3>Top costs</h3><table class="costs"><caption>What each cause costs per week of data in the window: delay is calendar time changes wait, engineer-hours are time people spend (${e(weeksOfData(report))} weeks of data), with the arithmetic</caption><thead><tr><th scope="col">Cause</th><th scope="col">Delay h / week</th><th scope="col">Engineer-hours / week</th><th scope="col">How it is computed</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  } else if (report.empty.diagnosis) {
    parts.push(`<h3>Top costs</h3>${emptyBlock(report.empty.diagnosis)}`);
  }
  if (report.diagnosis.length > 0) {
    const ordered = [...report.diagnosis].sort((a, b) =>
      a.kind === b.kind ? 0 : a.kind === 'team' ? -1 : 1,
    );
    const rows = ordered
      .map((d) => {
        const causes = d.causes
          .map(
            (c) =>
              `${causeLabel(c.cause)}${c.hoursPerWeek === null ? '' : ` (${formatHours(c.hoursPerWeek)} h/week of delay)`}: ${c.evidence}`,
          )
          .join('; ');
        return `<tr><td>${e(d.subject)}</td><td>${e(d.kind)}</td><td class="num">${d.prs}</td><td class="num">${e(formatDuration(d.cycleMedian))}</td><td class="num">${e(formatDuration(d.excess))}</td><td>${e(causeLabel(d.verdict))}</td><td>${e(d.confidence)}</td><td>${e(causes)}</td></tr>`;
      })
      .join('');
    parts.push(
      `<details class="diagnosis"><summary>Diagnosis per team and person (system causes, never a ranking)</summary><table><thead><tr><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">PRs</th><th scope="col">Cycle median</th><th scope="col">Excess over the baseline</th><th scope="col">Verdict</th><th scope="col">How sure</th><th scope="col">Causes and evidence</th></tr></thead><tbody>${rows}</tbody></table></details>`,
    );
  }
  if (report.systemEffects.length > 0) {
    const rows = report.systemEffects
      .map(
        (x) =>
          `<tr><td>${e(x.name)}</td><td>${e(x.kind)}</td><td class="num">×${x.multiplier.toFixed(2)}</td><td class="num">${x.ciLow.toFixed(2)}–${x.ciHigh.toFixed(2)}</td><td class="num">${e(x.pValue < 0.001 ? x.pValue.toExponential(1) : x.pValue.toFixed(3))}</td><td class="num">${x.n}</td><td>${x.significant ? 'yes' : 'no'}</td><td>${e(x.description)}</td></tr>`,
      )
      .join('');
    parts.push(
      `<details class="effects" id="system-effects"><summary>System effects measured on everyone's changes (the evidence behind the verdicts)</summary><table><thead><tr><th scope="col">Effect</th><th scope="col">Kind</th><th scope="col">× cycle time</th><th scope="col">95 % CI</th><th scope="col">p</th><th scope="col">Changes</th><th scope="col">Significant</th><th scope="col">In words</th></tr></thead><tbody>${rows}</tbody></table></details>`,
    );
  }
  if (v.next.length > 0) {
    parts.push(
      `<h3>To complete the picture</h3><ul class="next">${v.next
        .map((n) => `<li>${e(n.missing)}: <code>${e(n.command)}</code></li>`)
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
  /** Static HTML after the charts (tables of window totals). */
  extra?: string;
  /** Static HTML before the charts (the DORA tiles). */
  before?: string;
}

/** The window's figures per workflow, as the JSON and the text report give them. */
function workflowTable(report: Report): string {
  const e = escapeHtml;
  const workflows = report.ci?.workflows ?? [];
  if (workflows.length === 0) return '';
  const rows = workflows
    .map(
      (w) =>
        `<tr><td>${e(w.repo)}</td><td>${e(w.name)}</td><td class="num">${w.runs}</td><td class="num">${e(formatPercent(w.successRate))}</td><td class="num">${e(formatPercent(w.rerunRate))}</td><td class="num">${e(formatPercent(w.flakyRate))}</td><td class="num">${e(formatDuration(w.queue.median))}</td><td class="num">${e(formatDuration(w.duration.median))}</td><td class="num">${e(formatDuration(w.duration.p90))}</td></tr>`,
    )
    .join('');
  return `<div class="card" id="ci-workflows"><h3>Workflows over the whole window</h3><p class="how">How to read this: success = runs whose last attempt passed; re-run = runs with more than one attempt; flaky = commits on which the workflow both failed and passed. Queue and duration are per attempt.</p><table><thead><tr><th scope="col">repository</th><th scope="col">workflow</th><th scope="col">runs</th><th scope="col">success</th><th scope="col">re-run</th><th scope="col">flaky</th><th scope="col">queue median</th><th scope="col">duration median</th><th scope="col">duration p90</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The slowest run attempts of the window, each linked to its run on GitHub. */
function slowRunsTable(report: Report): string {
  const e = escapeHtml;
  const runs = report.series.slowestRuns;
  if (runs.length === 0) return '';
  const rows = runs
    .map((r) => {
      const id = r.url ? `<a href="${e(r.url)}" rel="noopener noreferrer">${r.id}</a>` : String(r.id);
      return `<tr><td>${e(report.series.repositories[r.repo] ?? '')}</td><td>${e(r.workflow)}</td><td class="num">${id}</td><td class="num">${r.attempt}</td><td>${e(r.conclusion ?? '–')}</td><td class="num">${e(formatDuration(r.queue))}</td><td class="num">${e(formatDuration(r.duration))}</td></tr>`;
    })
    .join('');
  return `<div class="card" id="slowest-runs"><h3>Slowest CI runs in the window</h3><p class="how">How to read this: the run attempts that took longest from start to their last job; open a run on GitHub to see which job held it up.</p><table><thead><tr><th scope="col">repository</th><th scope="col">workflow</th><th scope="col">run</th><th scope="col">attempt</th><th scope="col">conclusion</th><th scope="col">queue</th><th scope="col">duration</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function sectionHtml(spec: SectionSpec): string {
  const body = spec.empty
    ? emptyBlock(spec.empty)
    : `${spec.before ?? ''}<div class="charts" data-section="${escapeHtml(spec.id)}"></div>${spec.extra ?? ''}`;
  return `<section id="${escapeHtml(spec.id)}" class="${spec.empty ? 'is-empty' : 'has-data'}"><h2>${escapeHtml(spec.title)}</h2><p class="intro">${escapeHtml(spec.intro)}</p>${body}</section>`;
}

/** What each DORA key means, shown on hover. */
const DORA_DEFINITIONS = {
  deploymentFrequency:
    'Successful production deployments per week (a repeat of the same commit is not counted).',
  leadTime:
    'From the first commit of each shipped change to the deployment that shipped it (median; p90 in the table).',
  changeFailureRate:
    'Share of deployments followed by a failure signal (failed deployment, revert, hotfix, incident) before the next one.',
  timeToRestore:
    'From the first failure signal to the next successful deployment that carries the fix (median).',
} as const;

/** The four DORA tiles: value, band, the band's cut-offs and a definition on hover. */
function doraTiles(report: Report): string {
  const e = escapeHtml;
  const d = report.dora;
  const tile = (
    key: keyof typeof DORA_DEFINITIONS,
    title: string,
    value: string,
    detail: string,
    spark: string | null,
  ) => {
    const band = d.bands[key];
    const cutoffs = d.thresholds[key].map((t) => `${t.band}: ${t.label}`).join(' · ');
    return `<div class="tile band-${e(band ?? 'none')}" id="dora-${e(key)}" title="${e(DORA_DEFINITIONS[key])}"><h3>${e(title)}</h3><p class="value">${e(value)}</p><p class="band">${e(band ?? 'no band')}</p><p class="detail">${e(detail)}</p>${spark ? `<div class="spark"><canvas data-spark="${e(spark)}" role="img" aria-label="${e(`${title} per week`)}"></canvas></div>` : ''}<p class="cutoffs">${e(cutoffs)}</p></div>`;
  };
  const perWeek = d.deploymentsPerWeek === null ? '–' : `${d.deploymentsPerWeek.toFixed(1)} / week`;
  const tiles = [
    tile(
      'deploymentFrequency',
      'Deployment frequency',
      perWeek,
      `${d.deployments} ${plural(d.deployments, 'deployment')} from ${d.source ?? 'no source'}`,
      'deployments',
    ),
    tile(
      'leadTime',
      'Lead time for changes',
      formatDuration(d.leadTime.median),
      `p90 ${formatDuration(d.leadTime.p90)} over ${d.leadTime.n} ${plural(d.leadTime.n, 'change')}`,
      'leadTime',
    ),
    tile(
      'changeFailureRate',
      'Change failure rate',
      formatPercent(d.changeFailureRate),
      `${d.failedDeployments} of ${d.deployments} ${plural(d.deployments, 'deployment')} followed by a failure`,
      null,
    ),
    tile(
      'timeToRestore',
      'Time to restore',
      formatDuration(d.timeToRestore.median),
      `p90 ${formatDuration(d.timeToRestore.p90)} over ${d.timeToRestore.n} restored ${plural(d.timeToRestore.n, 'failure')}`,
      null,
    ),
  ];
  return `<p class="meta">Band overall: <strong>${e(d.band ?? 'none')}</strong> (the weakest key). Bands: ${e(d.edition)}. DORA keys are per repository and organisation, never per person.</p><div class="tiles">${tiles.join('')}</div>`;
}

function sections(report: Report): SectionSpec[] {
  const { empty } = report;
  return [
    {
      id: SECTION_IDS.dora,
      title: "DORA's four keys",
      intro:
        'How often changes reach production, how long they take to get there, how often a deployment fails and how fast it is restored.',
      empty: empty.dora,
      before: empty.dora ? undefined : doraTiles(report),
    },
    {
      id: SECTION_IDS.cycleTime,
      title: 'Where PR time goes, week by week',
      intro: 'Median coding, pickup and review time of the pull requests merged each week (bots left out).',
      empty: empty.pullRequests,
    },
    {
      id: SECTION_IDS.reviewWait,
      title: 'Review wait',
      intro: 'How long a ready pull request waits for its first human review.',
      empty: empty.pullRequests,
    },
    {
      id: SECTION_IDS.ci,
      title: 'CI queue, duration and flakiness per workflow',
      intro:
        'Per GitHub Actions workflow and week: time queued, time running, success rate and the share of commits that both failed and passed.',
      empty: empty.ci,
      extra: workflowTable(report) + slowRunsTable(report),
    },
    {
      id: SECTION_IDS.builds,
      title: 'Local build times',
      intro:
        'Median warm and cold builds measured by `dx-audit build`, and real builds recorded by `dx-audit wrap`.',
      empty: empty.builds,
    },
    {
      id: SECTION_IDS.hotspots,
      title: 'Hotspots',
      intro: 'Files changed often and large at the same time: where changes are expensive and risky.',
      empty: empty.hotspots,
    },
    {
      id: SECTION_IDS.coupling,
      title: 'Module and file coupling',
      intro:
        'Pairs that change together in the same commits: a change to one usually ripples into the other.',
      empty: empty.coupling,
    },
    {
      id: SECTION_IDS.prSize,
      title: 'Pull request size',
      intro: 'Lines changed per merged pull request (lock and generated files left out).',
      empty: empty.pullRequests,
    },
    {
      id: SECTION_IDS.gitActivity,
      title: 'Git activity',
      intro: 'Commits and lines changed per week on the analysed branches.',
      empty: empty.git,
    },
  ];
}

/** Renders the page; pure apart from reading the assets when none are given. */
export function renderDashboard(report: Report, assets: DashboardAssets = loadAssets()): string {
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
  const names = report.repositories.map((r) => r.name);
  const repos = names.length;
  const title =
    repos === 0
      ? 'dx-audit dashboard'
      : `dx-audit dashboard — ${names.slice(0, 3).join(', ')}${repos > 3 ? ` and ${repos - 3} more` : ''}`;
  const meta = [
    `<span class="window">Window ${escapeHtml(report.window.statement)}</span>`,
    escapeHtml(`${repos} ${plural(repos, 'repository', 'repositories')}`),
    report.anonymized ? 'people anonymized' : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return fill(TEMPLATE, {
    CSP: escapeHtml(csp),
    TITLE: escapeHtml(title),
    CSS,
    META: meta,
    VERDICT: verdictHtml(report),
    SECTIONS: sections(report).map(sectionHtml).join('\n'),
    GENERATED: escapeHtml(report.generatedAt),
    WINDOW: escapeHtml(report.window.statement),
    DATA: embedJson(report),
    CHARTJS: chartJs,
    PAGEJS: pageJs,
  });
}
