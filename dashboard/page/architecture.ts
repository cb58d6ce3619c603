// Fragile-architecture charts: hotspots (revisions × size, the top ones
// labelled on the chart) and module and file change coupling, every pair
// labelled.
import type { ChartConfiguration, Plugin } from 'chart.js';
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { leftOutText } from '../../agent/util/format.js';
import { axes, card, type Refreshable } from './card.js';
import { PALETTE, round, shorten } from './dom.js';
import type { PageState } from './state.js';

interface Bubble {
  x: number;
  y: number;
  r: number;
  label: string;
  churn: number;
  rank: number;
}

/** How many of the top hotspots carry their name on the bubble chart. */
const LABELLED = 6;

/** Writes the file name beside the top-ranked bubbles, so the chart reads without hovering. */
const bubbleLabels: Plugin = {
  id: 'dxBubbleLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0]?.data as unknown as Bubble[] | undefined;
    if (!data) return;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#1b1f24';
    meta.data.forEach((point, i) => {
      const bubble = data[i];
      if (!bubble || bubble.rank >= LABELLED) return;
      const name = bubble.label.split('/').pop() ?? bubble.label;
      ctx.fillText(shorten(name, 28), point.x + bubble.r + 2, point.y + 4);
    });
    ctx.restore();
  },
};

export function architectureCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const { report } = state;
  const out: Refreshable[] = [];
  const hotspots = section(SECTION_IDS.hotspots);
  if (hotspots) {
    out.push(
      card(hotspots, state, {
        id: 'hotspots',
        title: 'Hotspots: revisions × size',
        how: `each bubble is a file: further right = changed in more commits, higher = more lines, bigger = more lines churned. The top-ranked files are named on the chart; files at the top right are the expensive ones to change.${
          report.git.excludedFiles > 0
            ? ` Left out of hotspots and coupling: ${leftOutText(report.git.excludedFiles, report.git.excludedByReason)}.`
            : ''
        }`,
        filters: ['repo'],
        build() {
          const files = report.git.files.filter((f) => state.repoMatches(f.repo));
          const drawable = files.filter((f) => f.lines !== null).slice(0, 60);
          if (drawable.length === 0) return null;
          const maxChurn = Math.max(1, ...drawable.map((f) => f.churn));
          const points: Bubble[] = drawable.map((f, rank) => ({
            x: f.revisions,
            y: f.lines ?? 0,
            r: 3 + 17 * Math.sqrt(f.churn / maxChurn),
            label: state.qualified(f.repo, f.path),
            churn: f.churn,
            rank,
          }));
          return {
            config: {
              type: 'bubble',
              data: {
                datasets: [
                  {
                    label: 'files (bubble size = churn)',
                    data: points,
                    backgroundColor: 'rgba(207,34,46,0.35)',
                    borderColor: '#cf222e',
                  },
                ],
              },
              options: {
                scales: axes('revisions (commits touching the file)', 'size (lines at the tip)'),
                plugins: {
                  tooltip: {
                    callbacks: {
                      label: (ctx: { raw: unknown }) => {
                        const b = ctx.raw as Bubble;
                        return `${b.label}: ${b.x} revisions, ${b.y} lines, ${b.churn} lines churned`;
                      },
                    },
                  },
                },
              },
              plugins: [bubbleLabels],
            } as ChartConfiguration,
            table: {
              caption: 'Files ranked by hotspot score',
              head: ['file', 'repository', 'revisions', 'lines', 'churn', 'authors', 'hotspot score (0–1)'],
              rows: files.map((f) => [
                f.path,
                f.repo,
                f.revisions,
                f.lines,
                f.churn,
                f.authors,
                round(f.hotspotScore, 3),
              ]),
            },
          };
        },
      }),
    );
  }
  const coupling = section(SECTION_IDS.coupling);
  if (!coupling) return out;
  const couplingCard = (
    id: string,
    title: string,
    how: string,
    list: readonly { repo: string; a: string; b: string; shared: number; degree: number }[],
    what: string,
  ) =>
    card(coupling, state, {
      id,
      title,
      how,
      filters: ['repo'],
      build() {
        const pairs = list.filter((p) => state.repoMatches(p.repo));
        if (pairs.length === 0) return null;
        const shown = pairs.slice(0, 15);
        return {
          config: {
            type: 'bar',
            data: {
              // every bar carries its label: no auto-skipping, and long paths keep their file names
              labels: shown.map((p) => `${shorten(p.a, 40)} ↔ ${shorten(p.b, 40)}`),
              datasets: [
                {
                  label: 'coupling degree',
                  data: shown.map((p) => round(p.degree, 1)),
                  backgroundColor: PALETTE[3],
                },
              ],
            },
            options: {
              indexAxis: 'y',
              scales: {
                x: {
                  title: { display: true, text: 'degree (% of changes made together)' },
                  beginAtZero: true,
                  max: 100,
                },
                y: { title: { display: false, text: what }, ticks: { autoSkip: false, font: { size: 11 } } },
              },
            },
          } as ChartConfiguration,
          table: {
            caption: `${title}: shared commits and degree (code-maat definitions)`,
            head: [what, 'repository', 'shared commits', 'degree %'],
            rows: pairs.map((p) => [`${p.a} ↔ ${p.b}`, p.repo, p.shared, round(p.degree, 1)]),
          },
        };
      },
    });
  if (report.git.moduleCoupling.length > 0) {
    out.push(
      couplingCard(
        'module-coupling',
        'Module coupling (degree %)',
        'each bar is a pair of modules (folders or configured components) changed in the same commits; 100% means every change to one also changed the other. Strong coupling between separate modules is hidden architecture.',
        report.git.moduleCoupling,
        'module pair',
      ),
    );
  }
  if (report.git.coupling.length > 0) {
    out.push(
      couplingCard(
        'coupling',
        'File change coupling (degree %)',
        'each bar is a pair of files changed in the same commits; a change to one usually needs a change to the other, so each change costs two.',
        report.git.coupling,
        'file pair',
      ),
    );
  }
  return out;
}
