// Pull-request charts: the cycle-time breakdown, review wait, PR size, and
// the slowest merged PRs with links to GitHub.
import { SECTION_IDS } from '../../agent/analysis/model.js';
import { type Refreshable, weeklyCard } from './card.js';
import { cell, el, round, STAGE_COLORS, toHours } from './dom.js';
import type { PageState } from './state.js';

export function pullRequestCards(state: PageState, section: (id: string) => Element | null): Refreshable[] {
  const { report } = state;
  const out: Refreshable[] = [];
  const slice = () =>
    report.empty.pullRequests ? undefined : report.series.pullRequests[state.sliceKey(true)];

  const cycle = section(SECTION_IDS.cycleTime);
  if (cycle) {
    out.push(
      weeklyCard(cycle, state, {
        id: 'cycle-breakdown',
        title: 'PR cycle time breakdown per week (median hours)',
        how: 'each bar is one week of merged PRs; its height is the typical time from first commit to merge, split into coding, waiting for a first review (pickup) and review until merge. A tall orange part means PRs wait for reviewers.',
        filters: ['repo', 'team'],
        kind: 'bars',
        slice,
        chart: (s) => ({
          xTitle: 'ISO week of merge',
          yTitle: 'hours (median)',
          caption: 'Median stage durations in hours, per week of merge',
          stacked: true,
          lines: [
            { label: 'coding', values: s.codingMedian.map(toHours), color: STAGE_COLORS.coding },
            {
              label: 'pickup (wait for first review)',
              values: s.pickupMedian.map(toHours),
              color: STAGE_COLORS.pickup,
            },
            { label: 'review (to merge)', values: s.reviewMedian.map(toHours), color: STAGE_COLORS.review },
          ],
          heads: ['coding h', 'pickup h', 'review h'],
          extraColumns: [
            { head: 'cycle median h', values: s.cycleMedian.map(toHours) },
            { head: 'cycle p90 h', values: s.cycleP90.map(toHours) },
            { head: 'merged PRs', values: s.merged },
          ],
        }),
      }),
    );
    const slow = report.series.slowest;
    if (slow.length > 0) {
      const box = el('div', { class: 'card', id: 'slowest-prs' });
      box.appendChild(el('h3', null, 'Slowest merged pull requests in the window'));
      box.appendChild(
        el(
          'p',
          { class: 'how' },
          'How to read this: the PRs with the longest first-commit-to-merge time; open them to see what they waited on.',
        ),
      );
      const table = el('table');
      const head = el('tr');
      for (const h of ['repository', 'PR', 'title', 'cycle (hours)', 'lines changed'])
        head.appendChild(el('th', { scope: 'col' }, h));
      table.appendChild(el('thead')).appendChild(head);
      const body = table.appendChild(el('tbody'));
      for (const p of slow) {
        const row = el('tr', { 'data-repo': String(p.repo) });
        const number = el('td', { class: 'num' });
        if (p.url) number.appendChild(el('a', { href: p.url, rel: 'noopener noreferrer' }, `#${p.number}`));
        else number.textContent = `#${p.number}`;
        row.append(
          el('td', null, state.repoName(p.repo)),
          number,
          el('td', null, p.title),
          el('td', { class: 'num' }, cell(toHours(p.cycle))),
          el('td', { class: 'num' }, cell(p.size)),
        );
        body.appendChild(row);
      }
      box.appendChild(table);
      cycle.appendChild(box);
      out.push({
        refresh() {
          for (const row of Array.from(body.children) as HTMLElement[])
            row.hidden = !state.repoMatches(Number(row.getAttribute('data-repo')));
        },
      });
    }
  }

  const review = section(SECTION_IDS.reviewWait);
  if (review) {
    out.push(
      weeklyCard(review, state, {
        id: 'review-wait',
        title: 'Wait for the first review per week (hours)',
        how: 'the median line is the typical wait from "ready for review" to the first human review; the p90 line is the slow tail (1 PR in 10 waits longer). Bots never count as reviewers.',
        filters: ['repo', 'team'],
        kind: 'lines',
        slice,
        chart: (s) => ({
          xTitle: 'ISO week of merge',
          yTitle: 'hours to first review',
          caption: 'Pickup time in hours and mean review rounds, per week of merge',
          lines: [
            { label: 'median', values: s.pickupMedian.map(toHours) },
            { label: 'p90', values: s.pickupP90.map(toHours), dashed: true },
          ],
          extraColumns: [
            { head: 'review rounds (mean)', values: s.reviewRoundsMean.map((v) => round(v, 2)) },
          ],
        }),
      }),
    );
  }

  const size = section(SECTION_IDS.prSize);
  if (size) {
    out.push(
      weeklyCard(size, state, {
        id: 'pr-size',
        title: 'Pull request size per week (lines changed)',
        how: 'lines added plus deleted per merged PR, lock and generated files left out; the p90 line shows the largest changes. Large PRs wait longer for review and hide defects.',
        filters: ['repo', 'team'],
        kind: 'lines',
        slice,
        chart: (s) => ({
          xTitle: 'ISO week of merge',
          yTitle: 'lines changed per PR',
          caption: 'Lines changed per merged PR, per week of merge',
          lines: [
            { label: 'median', values: s.sizeMedian },
            { label: 'p90', values: s.sizeP90, dashed: true },
          ],
          extraColumns: [{ head: 'merged PRs', values: s.merged }],
        }),
      }),
    );
  }
  return out;
}
