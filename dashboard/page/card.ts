// One chart card: title, "how to read this", the chart, Save as PNG, and a
// data table beside it; plus the shared builder for weekly line charts.
import type { ChartConfiguration } from 'chart.js';
import { cell, el, hasValues, PALETTE } from './dom.js';
import type { PageState } from './state.js';

/** What a card draws for the current selection; null: no data for it. */
export interface Built {
  config: ChartConfiguration;
  table: TableSpec;
}

export interface TableSpec {
  caption: string;
  head: string[];
  rows: (string | number | null)[][];
  /** Optional link per row (opens the item on GitHub). */
  links?: (string | null)[];
}

export interface CardSpec {
  id: string;
  title: string;
  how: string;
  /** Which filters apply; the team filter does not apply to per-repository facts. */
  filters: ('repo' | 'team')[];
  build(): Built | null;
}

/** Anything redrawn when a filter changes. */
export interface Refreshable {
  refresh(): void;
  resize?(): void;
}

type ChartCtor = new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartInstance;
interface ChartInstance {
  destroy(): void;
  resize(): void;
  toBase64Image(type?: string, quality?: number): string;
}

/** The Chart.js defaults the page sets. */
interface ChartDefaults {
  animation: boolean;
  responsive: boolean;
  maintainAspectRatio: boolean;
  font: { family: string };
  color: string;
}

/** Chart.js as the inlined UMD build defines it. */
export const ChartJs = (
  window as unknown as { Chart: ChartCtor & { defaults: ChartDefaults; register(plugin: object): void } }
).Chart;

export function axes(xTitle: string, yTitle: string, extra?: { x?: object; y?: object }) {
  return {
    x: { title: { display: true, text: xTitle }, ...(extra?.x ?? {}) },
    y: { title: { display: true, text: yTitle }, beginAtZero: true, ...(extra?.y ?? {}) },
  };
}

function drawTable(table: TableSpec | null, holder: HTMLElement): void {
  holder.textContent = '';
  if (!table) return;
  const t = el('table');
  t.appendChild(el('caption', null, table.caption));
  const head = el('thead');
  const tr = el('tr');
  for (const h of table.head) tr.appendChild(el('th', { scope: 'col' }, h));
  head.appendChild(tr);
  t.appendChild(head);
  const body = el('tbody');
  table.rows.forEach((row, r) => {
    const line = el('tr');
    row.forEach((v, i) => {
      const td = el('td', typeof v === 'number' || v === null ? { class: 'num' } : null);
      const href = i === 0 ? table.links?.[r] : null;
      if (href) td.appendChild(el('a', { href, rel: 'noopener noreferrer' }, cell(v)));
      else td.textContent = cell(v);
      line.appendChild(td);
    });
    body.appendChild(line);
  });
  t.appendChild(body);
  holder.appendChild(t);
}

/** Adds a card to `container` and returns its refresher. */
export function card(container: Element, state: PageState, spec: CardSpec): Refreshable {
  const root = el('div', { class: 'card', id: `chart-${spec.id}` });
  root.appendChild(el('h3', null, spec.title));
  root.appendChild(el('p', { class: 'how' }, `How to read this: ${spec.how}`));
  const note = el('p', { class: 'nodata', hidden: '' });
  const plot = el('div', { class: 'plot' });
  const canvas = el('canvas', { role: 'img', 'aria-label': spec.title });
  plot.appendChild(canvas);
  const tools = el('div', { class: 'tools' });
  const save = el('button', { type: 'button', class: 'save-png' }, 'Save as PNG');
  tools.appendChild(save);
  const details = el('details', { class: 'table' });
  details.appendChild(el('summary', null, 'Data table'));
  const holder = el('div');
  details.appendChild(holder);
  root.append(note, plot, tools, details);
  container.appendChild(root);

  let chart: ChartInstance | null = null;
  let table: TableSpec | null = null;
  save.addEventListener('click', () => {
    if (!chart) return;
    const link = el('a', { download: `dx-audit-${spec.id}.png` });
    link.href = chart.toBase64Image('image/png', 1);
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  details.addEventListener('toggle', () => {
    if (details.open) drawTable(table, holder);
  });
  return {
    refresh() {
      chart?.destroy();
      chart = null;
      const built = spec.build();
      const unfiltered =
        spec.filters.includes('team') || state.filters.team === ''
          ? ''
          : ' (the team filter does not apply here)';
      if (!built) {
        note.textContent = `No data for this selection${unfiltered}.`;
        note.hidden = false;
        plot.hidden = true;
        save.disabled = true;
        table = null;
      } else {
        note.textContent = unfiltered ? `Showing all teams${unfiltered}.` : '';
        note.hidden = !unfiltered;
        plot.hidden = false;
        save.disabled = false;
        chart = new ChartJs(canvas, built.config);
        table = built.table;
      }
      if (details.open) drawTable(table, holder);
    },
    resize() {
      chart?.resize();
    },
  };
}

/** One line (or bar series) of a weekly chart. */
export interface Line {
  label: string;
  values: (number | null)[];
  dashed?: boolean;
  /** Fixed colour (else the palette's, in order). */
  color?: string;
}

/** A weekly chart's axes, table caption, series and extra table columns. */
export interface WeeklyChart {
  xTitle: string;
  yTitle: string;
  caption: string;
  lines: Line[];
  extraColumns?: { head: string; values: (number | null)[] }[];
  /** Table headings of the series (default: their labels). */
  heads?: string[];
}

/** A card of one weekly chart drawn from the selected slice's series (no data: no slice). */
export function weeklyCard<S>(
  container: Element,
  state: PageState,
  spec: Omit<CardSpec, 'build'> & {
    kind: 'bars' | 'lines';
    slice(): S | undefined;
    chart(series: S): WeeklyChart & { stacked?: boolean };
  },
): Refreshable {
  const { kind, slice, chart, ...rest } = spec;
  return card(container, state, {
    ...rest,
    build() {
      const series = slice();
      if (!series) return null;
      return kind === 'bars' ? weeklyBars(state, chart(series)) : weeklyLines(state, chart(series));
    },
  });
}

/** The shared weekly bar chart (stacked when asked), with its table: one row per week. */
export function weeklyBars(state: PageState, options: WeeklyChart & { stacked?: boolean }): Built | null {
  const built = weeklyLines(state, options);
  if (!built) return null;
  const data = built.config.data as { datasets: { borderDash?: number[] }[] };
  for (const d of data.datasets) delete d.borderDash;
  const stack = options.stacked ? { x: { stacked: true }, y: { stacked: true } } : undefined;
  return {
    config: {
      ...built.config,
      type: 'bar',
      options: { scales: axes(options.xTitle, options.yTitle, stack) },
    } as ChartConfiguration,
    table: built.table,
  };
}

/** The shared weekly line chart: one line per series over the selected weeks, with its table (one row per week). */
export function weeklyLines(state: PageState, options: WeeklyChart): Built | null {
  const labels = state.weekLabels();
  const lines = options.lines.map((l) => ({ ...l, values: state.windowed(l.values) }));
  if (!lines.some((l) => hasValues(l.values))) return null;
  const extra = (options.extraColumns ?? []).map((c) => ({ head: c.head, values: state.windowed(c.values) }));
  return {
    config: {
      type: 'line',
      data: {
        labels,
        datasets: lines.map((l, i) => ({
          label: l.label,
          data: l.values,
          borderColor: l.color ?? PALETTE[i % PALETTE.length],
          backgroundColor: l.color ?? PALETTE[i % PALETTE.length],
          ...(l.dashed ? { borderDash: [6, 4] } : {}),
        })),
      },
      options: { scales: axes(options.xTitle, options.yTitle), spanGaps: false },
    } as ChartConfiguration,
    table: {
      caption: options.caption,
      head: ['week', ...(options.heads ?? lines.map((l) => l.label)), ...extra.map((c) => c.head)],
      rows: labels.map((w, i) => [
        w,
        ...lines.map((l) => l.values[i] ?? null),
        ...extra.map((c) => c.values[i] ?? null),
      ]),
    },
  };
}
