// CI charts per workflow: queue, duration, success rate and flaky rate per
// week, with the same definitions as the report's workflow figures.
import type { ChartConfiguration } from 'chart.js';
import { SECTION_IDS, type WeeklyValues, type WorkflowWeekly } from '../../agent/analysis/model.js';
import { axes, card, type Refreshable } from './card.js';
import { hasValues, PALETTE, shorten, toMinutes, toPercent } from './dom.js';
import type { PageState } from './state.js';

type Field = 'queueMedian' | 'durationMedian' | 'flakyRate' | 'successRate';

export function ciCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const container = section(SECTION_IDS.ci);
  if (!container) return [];
  const total = (values: WeeklyValues) => state.windowed(values).reduce<number>((a, b) => a + (b ?? 0), 0);
  const workflows = () =>
    state.report.series.workflows
      .filter((w) => state.repoMatches(w.repo))
      .map((w) => ({ w, runs: total(w.runs) }))
      .filter((x) => x.runs > 0)
      .sort((a, b) => b.runs - a.runs)
      .map((x) => x.w);
  const label = (w: WorkflowWeekly) => state.qualified(state.repoName(w.repo), w.name);
  const ciCard = (
    id: string,
    title: string,
    how: string,
    field: Field,
    convert: (v: number | null) => number | null,
    unit: string,
    percent: boolean,
  ) =>
    card(container, state, {
      id,
      title,
      how,
      filters: ['repo'],
      build() {
        const list = workflows();
        if (list.length === 0) return null;
        const labels = state.weekLabels();
        const shown = list.slice(0, 8);
        const datasets = shown.map((w, i) => ({
          label: shorten(label(w), 48),
          data: state.windowed(w[field]).map(convert),
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
        }));
        if (!datasets.some((d) => hasValues(d.data))) return null;
        const rows: (string | number | null)[][] = [];
        for (const w of list) {
          const runs = state.windowed(w.runs);
          const values = state.windowed(w[field]).map(convert);
          labels.forEach((week, i) => {
            if (runs[i]) rows.push([label(w), week, runs[i] ?? null, values[i] ?? null]);
          });
        }
        return {
          config: {
            type: 'line',
            data: { labels, datasets },
            options: {
              scales: axes('ISO week of run', unit, percent ? { y: { max: 100 } } : undefined),
              spanGaps: false,
            },
          } as ChartConfiguration,
          table: {
            caption: `${title}${list.length > 8 ? ` (chart shows the 8 busiest of ${list.length} workflows; the table lists all)` : ''}`,
            head: ['workflow', 'week', 'runs', unit],
            rows,
          },
        };
      },
    });
  return [
    ciCard(
      'ci-queue',
      'CI queue time per workflow (median minutes)',
      'time an attempt waits for a runner before its first job starts; rising lines mean too few runners.',
      'queueMedian',
      toMinutes,
      'minutes queued (median)',
      false,
    ),
    ciCard(
      'ci-duration',
      'CI run duration per workflow (median minutes)',
      'wall time of one attempt, from start to the last job completing; this is what a developer waits for.',
      'durationMedian',
      toMinutes,
      'minutes running (median)',
      false,
    ),
    ciCard(
      'ci-success',
      'CI success rate per workflow (% of runs)',
      'share of concluded runs whose last attempt succeeded, per week the run started.',
      'successRate',
      toPercent,
      '% of runs succeeding',
      true,
    ),
    ciCard(
      'ci-flaky',
      'Flaky rate per workflow (% of commits)',
      'share of head commits on which the same workflow both failed and passed: failures with no code change behind them.',
      'flakyRate',
      toPercent,
      '% of commits flaky',
      true,
    ),
  ];
}
