// DORA charts: a sparkline in the deployment-frequency and lead-time tiles,
// deployments per week, and lead time for changes split into its stages.
import type { ChartConfiguration } from 'chart.js';
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { axes, ChartJs, card, type Refreshable } from './card.js';
import { PALETTE, round, STAGE_COLORS, toHours } from './dom.js';
import type { PageState } from './state.js';

export function doraCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const container = section(SECTION_IDS.dora);
  if (!container) return [];
  const dora = state.report.dora;
  const weeks = dora.weekly.map((w) => w.week);
  const series = {
    deployments: dora.weekly.map((w) => w.deployments),
    leadTime: dora.weekly.map((w) => toHours(w.leadTimeMedian)),
  };
  for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-spark]'))) {
    const key = canvas.getAttribute('data-spark') as keyof typeof series;
    new ChartJs(canvas, {
      type: 'line',
      data: {
        labels: weeks,
        datasets: [{ data: series[key] ?? [], borderColor: PALETTE[0], pointRadius: 0, borderWidth: 2 }],
      },
      options: {
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
        spanGaps: true,
      },
    } as ChartConfiguration);
  }
  return [
    card(container, state, {
      id: 'dora-deployments',
      title: 'Deployments per week',
      how: 'successful production deployments in each ISO week, all repositories; the line is the median lead time for changes of that week, in hours.',
      filters: [],
      build() {
        if (dora.deployments === 0) return null;
        return {
          config: {
            type: 'bar',
            data: {
              labels: weeks,
              datasets: [
                {
                  type: 'bar',
                  label: 'deployments',
                  data: series.deployments,
                  backgroundColor: PALETTE[2],
                  yAxisID: 'y',
                },
                {
                  type: 'line',
                  label: 'lead time median (hours)',
                  data: series.leadTime,
                  borderColor: PALETTE[3],
                  backgroundColor: PALETTE[3],
                  yAxisID: 'y1',
                },
              ],
            },
            options: {
              scales: {
                ...axes('ISO week of deployment', 'deployments per week'),
                y1: {
                  position: 'right',
                  beginAtZero: true,
                  title: { display: true, text: 'lead time (hours)' },
                  grid: { drawOnChartArea: false },
                },
              },
            },
          } as ChartConfiguration,
          table: {
            caption: 'Deployments and median lead time for changes per week',
            head: ['week', 'deployments', 'lead time median h'],
            rows: dora.weekly.map((w) => [w.week, w.deployments, toHours(w.leadTimeMedian)]),
          },
        };
      },
    }),
    card(container, state, {
      id: 'dora-lead-stages',
      title: 'Lead time for changes, by stage (median hours)',
      how: 'where a shipped change spends its time: coding, waiting for a first review, review until merge, and the wait from merge to the deployment that ships it. A long last bar means merged work waits for a release.',
      filters: [],
      build() {
        const s = dora.leadTimeStages;
        const values = [s.coding.median, s.pickup.median, s.review.median, s.deployWait.median].map(toHours);
        if (values.every((v) => v === null)) return null;
        const labels = ['coding', 'pickup (wait for first review)', 'review (to merge)', 'merge → deploy'];
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                {
                  label: 'median hours',
                  data: values,
                  backgroundColor: [
                    STAGE_COLORS.coding,
                    STAGE_COLORS.pickup,
                    STAGE_COLORS.review,
                    PALETTE[2],
                  ],
                },
              ],
            },
            options: {
              indexAxis: 'y',
              scales: axes('hours (median)', 'stage', { y: { beginAtZero: false } }),
            },
          } as ChartConfiguration,
          table: {
            caption:
              'Lead time for changes by stage: median and p90 in hours, and how many changes each is measured on',
            head: ['stage', 'median h', 'p90 h', 'changes'],
            rows: [s.coding, s.pickup, s.review, s.deployWait].map((x, i) => [
              labels[i]!,
              toHours(x.median),
              toHours(x.p90),
              round(x.n, 0),
            ]),
          },
        };
      },
    }),
  ];
}
