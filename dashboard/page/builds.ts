// Local build charts: median warm/cold/wrapped build per repository and
// command, failing builds named, and minutes per day waited on real builds.
import type { ChartConfiguration } from 'chart.js';
import type { BuildSummaryRow } from '../../agent/analysis/build-summary.js';
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { axes, card, type Refreshable } from './card.js';
import { PALETTE, round, shorten } from './dom.js';
import type { PageState } from './state.js';

export function buildCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const container = section(SECTION_IDS.builds);
  if (!container) return [];
  const { summary, wrappedPerDay } = state.report.builds;
  const machines = new Set(summary.map((b) => b.machine));
  const groupOf = (b: BuildSummaryRow) =>
    `${b.repo} · ${b.command}${machines.size > 1 && b.machine ? ` (${b.machine})` : ''}`;
  const out: Refreshable[] = [
    card(container, state, {
      id: 'builds',
      title: 'Local build time (median)',
      how: 'one group per repository and command: warm = rebuild as is, cold = after a clean, wrapped = real builds run through `dx-audit wrap`. Longer bars are minutes engineers wait at their desks. Failed runs are counted in the table, never averaged in.',
      filters: ['repo'],
      build() {
        const rows = summary.filter((b) => state.repoMatches(b.repo));
        if (rows.length === 0) return null;
        const groups: string[] = [];
        for (const b of rows) if (!groups.includes(groupOf(b))) groups.push(groupOf(b));
        const max = Math.max(...rows.map((b) => b.median ?? 0));
        const useMinutes = max >= 120;
        const convert = (s: number | null) =>
          s === null ? null : useMinutes ? round(s / 60, 2) : round(s, 2);
        const unit = useMinutes ? 'minutes (median)' : 'seconds (median)';
        const datasets = (['warm', 'cold', 'wrapped'] as const)
          .map((kind, i) => ({
            label: kind,
            data: groups.map((g) => {
              const b = rows.find((r) => groupOf(r) === g && r.kind === kind);
              return b ? convert(b.median) : null;
            }),
            backgroundColor: PALETTE[i],
          }))
          .filter((d) => d.data.some((v) => v !== null));
        return {
          config: {
            type: 'bar',
            data: { labels: groups.map((g) => shorten(g, 60)), datasets },
            options: { scales: axes('repository · command', unit, { x: { ticks: { autoSkip: false } } }) },
          } as ChartConfiguration,
          table: {
            caption: 'Build timing per repository, command, machine and kind (seconds)',
            head: ['repository · command', 'kind', 'task', 'runs', 'failures', 'median s', 'p90 s'],
            rows: rows.map((b) => [
              groupOf(b),
              b.kind,
              b.task,
              b.runs,
              b.failures,
              round(b.median, 2),
              round(b.p90, 2),
            ]),
          },
        };
      },
    }),
  ];
  if (wrappedPerDay.length > 0) {
    out.push(
      card(container, state, {
        id: 'wrapped-per-day',
        title: 'Waiting on real builds (minutes per day)',
        how: 'builds run through `dx-audit wrap`: their total wall time divided by the days they ran on, per repository and machine.',
        filters: ['repo'],
        build() {
          const rows = wrappedPerDay.filter((w) => state.repoMatches(w.repo));
          if (rows.length === 0) return null;
          const label = (w: (typeof rows)[number]) => `${w.repo}${w.machine ? ` · ${w.machine}` : ''}`;
          return {
            config: {
              type: 'bar',
              data: {
                labels: rows.map((w) => shorten(label(w), 60)),
                datasets: [
                  {
                    label: 'minutes per day',
                    data: rows.map((w) => round(w.minutesPerDay, 1)),
                    backgroundColor: PALETTE[2],
                  },
                ],
              },
              options: {
                scales: axes('repository · machine', 'minutes waiting per day', {
                  x: { ticks: { autoSkip: false } },
                }),
              },
            } as ChartConfiguration,
            table: {
              caption: 'Wrapped builds: runs, days with runs, minutes per day',
              head: ['repository · machine', 'runs', 'days', 'minutes per day'],
              rows: rows.map((w) => [label(w), w.runs, w.days, round(w.minutesPerDay, 1)]),
            },
          };
        },
      }),
    );
  }
  return out;
}
