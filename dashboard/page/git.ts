// Git activity charts: commits and merges, and lines changed, per week.
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { type Refreshable, weeklyCard } from './card.js';
import { PALETTE } from './dom.js';
import type { PageState } from './state.js';

export function gitCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const container = section(SECTION_IDS.gitActivity);
  if (!container) return [];
  const slice = () => (state.report.empty.git ? undefined : state.report.series.git[state.sliceKey(true)]);
  return [
    weeklyCard(container, state, {
      id: 'git-commits',
      title: 'Commits per week',
      how: 'non-merge commits and merges per ISO week; the table adds the number of people who committed. Activity is context, not a measure of anyone.',
      filters: ['repo', 'team'],
      kind: 'bars',
      slice,
      chart: (s) => ({
        xTitle: 'ISO week',
        yTitle: 'commits per week',
        caption: 'Commits, merges and active authors per week',
        lines: [
          { label: 'commits', values: s.commits, color: PALETTE[0] },
          { label: 'merges', values: s.merges, color: PALETTE[2] },
        ],
        extraColumns: [{ head: 'authors', values: s.authors }],
      }),
    }),
    weeklyCard(container, state, {
      id: 'git-churn',
      title: 'Lines changed per week',
      how: 'lines added and deleted by non-merge commits each week (binary files count 0). Spikes are large rewrites, imports or generated code.',
      filters: ['repo', 'team'],
      kind: 'bars',
      slice,
      chart: (s) => ({
        xTitle: 'ISO week',
        yTitle: 'lines per week',
        caption: 'Lines added and deleted per week',
        stacked: true,
        lines: [
          { label: 'added', values: s.added, color: PALETTE[2] },
          { label: 'deleted', values: s.deleted, color: PALETTE[1] },
        ],
        extraColumns: [{ head: 'churn', values: s.added.map((a, i) => (a ?? 0) + (s.deleted[i] ?? 0)) }],
      }),
    }),
  ];
}
