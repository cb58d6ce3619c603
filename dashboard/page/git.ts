// Git activity charts: commits and merges, and lines changed, per week.
import type { ChartConfiguration } from 'chart.js';
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { axes, card, type Refreshable } from './card.js';
import { hasValues, PALETTE } from './dom.js';
import type { PageState } from './state.js';

export function gitCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const container = section(SECTION_IDS.gitActivity);
  if (!container) return [];
  const slice = () => (state.report.empty.git ? undefined : state.report.series.git[state.sliceKey(true)]);
  return [
    card(container, state, {
      id: 'git-commits',
      title: 'Commits per week',
      how: 'non-merge commits and merges per ISO week; the table adds the number of people who committed. Activity is context, not a measure of anyone.',
      filters: ['repo', 'team'],
      build() {
        const s = slice();
        if (!s) return null;
        const commits = state.windowed(s.commits);
        const merges = state.windowed(s.merges);
        if (!hasValues(commits) && !hasValues(merges)) return null;
        const labels = state.weekLabels();
        const authors = state.windowed(s.authors);
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'commits', data: commits, backgroundColor: PALETTE[0] },
                { label: 'merges', data: merges, backgroundColor: PALETTE[2] },
              ],
            },
            options: { scales: axes('ISO week', 'commits per week') },
          } as ChartConfiguration,
          table: {
            caption: 'Commits, merges and active authors per week',
            head: ['week', 'commits', 'merges', 'authors'],
            rows: labels.map((w, i) => [w, commits[i] ?? null, merges[i] ?? null, authors[i] ?? null]),
          },
        };
      },
    }),
    card(container, state, {
      id: 'git-churn',
      title: 'Lines changed per week',
      how: 'lines added and deleted by non-merge commits each week (binary files count 0). Spikes are large rewrites, imports or generated code.',
      filters: ['repo', 'team'],
      build() {
        const s = slice();
        if (!s) return null;
        const added = state.windowed(s.added);
        const deleted = state.windowed(s.deleted);
        if (!hasValues(added) && !hasValues(deleted)) return null;
        const labels = state.weekLabels();
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'added', data: added, backgroundColor: PALETTE[2] },
                { label: 'deleted', data: deleted, backgroundColor: PALETTE[1] },
              ],
            },
            options: {
              scales: axes('ISO week', 'lines per week', { x: { stacked: true }, y: { stacked: true } }),
            },
          } as ChartConfiguration,
          table: {
            caption: 'Lines added and deleted per week',
            head: ['week', 'added', 'deleted', 'churn'],
            rows: labels.map((w, i) => [
              w,
              added[i] ?? null,
              deleted[i] ?? null,
              (added[i] ?? 0) + (deleted[i] ?? 0),
            ]),
          },
        };
      },
    }),
  ];
}
