// The dashboard's client script, bundled into one inline script at build time.
// It reads the embedded report (the same object `report --format json`
// prints), draws every chart with Chart.js, keeps an accessible table beside
// each chart, and applies the repository / team / window filters.
// window.__dxReady is set once every chart is drawn.
import { REPORT_SCHEMA_VERSION, type Report } from '../../agent/analysis/model.js';
import { architectureCards } from './architecture.js';
import { buildCards } from './builds.js';
import { ChartJs, type Refreshable } from './card.js';
import { ciCards } from './ci.js';
import { el } from './dom.js';
import { doraCards } from './dora.js';
import { gitCards } from './git.js';
import { pullRequestCards } from './pull-requests.js';
import { type Filters, PageState } from './state.js';

const report = JSON.parse(document.getElementById('dx-report')?.textContent ?? 'null') as Report;
if (report?.schemaVersion !== REPORT_SCHEMA_VERSION)
  throw new Error(`unsupported report version ${String(report?.schemaVersion)}`);

ChartJs.defaults.animation = false;
ChartJs.defaults.responsive = true;
ChartJs.defaults.maintainAspectRatio = false;
ChartJs.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
ChartJs.defaults.color = '#1b1f24';
// A white background, so saved PNGs and prints are readable.
ChartJs.register({
  id: 'dxBackground',
  beforeDraw(chart: { ctx: CanvasRenderingContext2D; width: number; height: number }) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
});

const state = new PageState(report);
const section = (id: string) => document.querySelector(`.charts[data-section="${id}"]`);
const cards: Refreshable[] = [
  ...doraCards(state, section),
  ...pullRequestCards(state, section),
  ...ciCards(state, section),
  ...buildCards(state, section),
  ...architectureCards(state, section),
  ...gitCards(state, section),
];

// ---------- filters ----------
const select = (id: string) => document.getElementById(id) as HTMLSelectElement;
const repoSelect = select('filter-repo');
const teamSelect = select('filter-team');
const windowSelect = select('filter-window');
const option = (target: HTMLSelectElement, value: string, text: string) => {
  const o = el('option', null, text);
  o.value = value;
  target.appendChild(o);
};
const { repositories, teams } = report.series;
option(repoSelect, '', `All repositories (${repositories.length})`);
repositories.forEach((name, i) => {
  option(repoSelect, String(i), name);
});
repoSelect.disabled = repositories.length < 2;
if (teams.length === 0) {
  option(teamSelect, '', 'No teams configured');
  teamSelect.disabled = true;
} else {
  option(teamSelect, '', 'All teams');
  teams.forEach((name, i) => {
    option(teamSelect, String(i), name);
  });
}
const n = state.weeks.length;
option(windowSelect, 'all', `All ${n} ${n === 1 ? 'week' : 'weeks'}`);
for (const w of [52, 26, 13, 4]) if (w < n) option(windowSelect, String(w), `Last ${w} weeks`);
windowSelect.disabled = n <= 4;

const refreshAll = () => {
  for (const c of cards) c.refresh();
};
for (const [target, key] of [
  [repoSelect, 'repo'],
  [teamSelect, 'team'],
  [windowSelect, 'window'],
] as const) {
  target.addEventListener('change', () => {
    state.filters[key as keyof Filters] = target.value;
    refreshAll();
  });
}
document.getElementById('print')?.addEventListener('click', () => window.print());
window.addEventListener('beforeprint', () => {
  for (const c of cards) c.resize?.();
});

refreshAll();
const ready = window as unknown as { __dxReady: boolean; __dxReadyAt: number };
ready.__dxReadyAt = performance.now();
ready.__dxReady = true;
document.documentElement.setAttribute('data-ready', 'true');
