// Weekly series per slice, hand-computed from hand-built analysis items (PRs
// and CI attempts) and from a real git repository collected into a real
// SQLite file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiAttempt } from '../../agent/analysis/ci.js';
import type { PullRequestItem } from '../../agent/analysis/pull-requests.js';
import { gitDays, weeklySeries } from '../../agent/analysis/series.js';
import { Db } from '../../agent/store/db.js';
import { activityRepo, MONDAY_2024_W01 } from '../dashboard/fixtures.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';

const DAY = 86_400;
const t = (day: number, hour = 12) => MONDAY_2024_W01 + day * DAY + hour * 3600;
const TEAMS = { platform: ['alice', 'bob', 'alice@example.com', 'bob@example.com'] };

function pr(
  repo: 'shop' | 'billing',
  number: number,
  author: string,
  mergedDay: number,
  stages: [number, number, number],
  size: [number, number],
  rounds: number,
  bot = false,
): PullRequestItem {
  return {
    repoId: repo === 'shop' ? 1 : 2,
    repo,
    number,
    title: `Change number ${number}`,
    author,
    authorIsBot: bot,
    state: 'MERGED',
    createdAt: t(mergedDay - 1),
    readyAt: t(mergedDay - 1),
    firstCommitAt: t(mergedDay - 2),
    firstReviewAt: t(mergedDay),
    mergedAt: t(mergedDay, 18),
    additions: size[0],
    deletions: size[1],
    size: size[0] + size[1],
    reviewRounds: rounds,
    rework: 0,
    coding: stages[0],
    pickup: stages[1],
    review: stages[2],
    cycle: stages[0] + stages[1] + stages[2],
    ciWait: 600,
    fragile: false,
    working: null,
  };
}

function attempt(
  repo: 'shop' | 'billing',
  id: number,
  workflow: string,
  headSha: string,
  n: number,
  conclusion: string,
  day: number,
  queue: number,
  duration: number,
): CiAttempt {
  return {
    repoId: repo === 'shop' ? 1 : 2,
    repo,
    id,
    attempt: n,
    workflow,
    headSha,
    event: 'pull_request',
    branch: 'topic',
    conclusion,
    createdAt: t(day),
    startedAt: t(day),
    firstJobStartedAt: t(day) + queue,
    completedAt: t(day) + queue + duration,
    queue,
    duration,
  };
}

const PRS = [
  // W01 shop: alice and bob; billing: carol; a bot's PR that no figure counts
  pr('shop', 1, 'alice', 2, [3600, 7200, 1800], [10, 5], 1),
  pr('shop', 2, 'bob', 3, [7200, 3600, 3600], [100, 20], 2),
  pr('billing', 3, 'carol', 4, [1800, 1800, 900], [30, 0], 1),
  pr('shop', 6, 'dependabot[bot]', 4, [60, 999_999, 60], [5000, 5000], 1, true),
  // W02 shop: alice, bob
  pr('shop', 4, 'alice', 9, [10_800, 18_000, 7200], [400, 100], 3),
  pr('shop', 5, 'bob', 10, [3600, 14_400, 3600], [50, 50], 1),
];

const ATTEMPTS = [
  // W01: run 1 fails on sha1, is re-run (attempt 2) and passes; run 3 passes on sha2
  attempt('shop', 1, 'CI', 'sha1', 1, 'failure', 1, 60, 300),
  attempt('shop', 1, 'CI', 'sha1', 2, 'success', 1, 120, 360),
  attempt('shop', 3, 'CI', 'sha2', 1, 'failure', 2, 30, 240),
  // W02: sha3 passes twice (two runs)
  attempt('shop', 4, 'CI', 'sha3', 1, 'success', 8, 600, 600),
  attempt('shop', 5, 'CI', 'sha3', 1, 'success', 9, 300, 420),
  attempt('billing', 6, 'Tests', 'sha9', 1, 'success', 9, 10, 100),
];

describe('weekly series', () => {
  let repo: TestRepo;
  let work: string;
  let db: Db;
  let name: string;

  beforeAll(async () => {
    repo = activityRepo();
    work = tempDir('dx-audit-series-');
    const result = await runCli(['--db', join(work, 'dx.db'), 'collect', 'git', repo.path], { cwd: work });
    expect(result.exitCode).toBe(0);
    db = await Db.open(join(work, 'dx.db'));
    name = (await db.get<{ name: string }>('SELECT name FROM repositories'))!.name;
  });
  afterAll(async () => {
    await db?.close();
    repo?.remove();
  });

  const series = async (since = t(0, 0), until = t(13, 23)) =>
    weeklySeries({
      days: await gitDays(db, { since, until }),
      window: { since, until },
      repositories: ['shop', 'billing'],
      github: new Map([['shop', 'acme/shop']]),
      teams: TEAMS,
      pullRequests: PRS,
      ciAttempts: ATTEMPTS,
    });

  it('aligns every series with the ISO weeks of the window', async () => {
    const s = await series();
    expect(s.weeks).toEqual(['2024-W01', '2024-W02']);
    expect(s.repositories).toEqual(['shop', 'billing', name]);
    expect(s.teams).toEqual(['platform']);
  });

  it('computes PR stage medians and p90 per week and slice, bots left out as everywhere', async () => {
    const s = await series();
    const all = s.pullRequests['all']!;
    // W01: PRs 1-3 (the bot's PR 6 is not counted); W02: PRs 4-5
    expect(all.merged).toEqual([3, 2]);
    expect(all.codingMedian).toEqual([3600, 7200]);
    expect(all.pickupMedian).toEqual([3600, 16_200]);
    expect(all.reviewMedian).toEqual([1800, 5400]);
    expect(all.cycleMedian).toEqual([12_600, 28_800]);
    // cycles 4500, 12600, 14400: rank 0.9 × 2 = 1.8 → 12600 + 0.8 × 1800
    expect(all.cycleP90[0]).toBe(14_040);
    expect(all.sizeMedian).toEqual([30, 300]);
    // sizes 15, 30, 120 → 30 + 0.8 × 90
    expect(all.sizeP90[0]).toBe(102);
    expect(all.reviewRoundsMean[0]).toBe(1.33);
    expect(all.reviewRoundsMean[1]).toBe(2);
    expect(s.pullRequests['r1']!.merged).toEqual([1, 0]);
    expect(s.pullRequests['r1']!.cycleMedian).toEqual([4500, null]);
    // platform team (alice, bob): PRs 1, 2 in W01 and 4, 5 in W02
    expect(s.pullRequests['t0']!.codingMedian).toEqual([5400, 7200]);
    expect(s.pullRequests['r0t0']!.merged).toEqual([2, 2]);
    expect(s.pullRequests['r1t0']).toBeUndefined();
    expect(s.slowest.map((p) => p.number)).toEqual([4, 5, 2, 1, 3]);
    expect(s.slowest[0]).toEqual({
      repo: 0,
      number: 4,
      title: 'Change number 4',
      cycle: 36_000,
      size: 500,
      url: 'https://github.com/acme/shop/pull/4',
    });
    expect(s.slowest.find((p) => p.number === 3)!.url).toBeNull();
  });

  it('lists the slowest run attempts, each linked to its run on GitHub by the run id', async () => {
    const s = await series();
    // durations: run 4 600 s, run 5 420 s, run 1's attempts 360 s and 300 s, run 3 240 s, billing's run 6 100 s
    expect(s.slowestRuns.map((r) => [r.id, r.attempt, r.duration])).toEqual([
      [4, 1, 600],
      [5, 1, 420],
      [1, 2, 360],
      [1, 1, 300],
      [3, 1, 240],
      [6, 1, 100],
    ]);
    expect(s.slowestRuns[0]).toEqual({
      repo: 0,
      id: 4,
      attempt: 1,
      workflow: 'CI',
      conclusion: 'success',
      duration: 600,
      queue: 600,
      url: 'https://github.com/acme/shop/actions/runs/4',
    });
    expect(s.slowestRuns.find((r) => r.attempt === 2)!.url).toBe(
      'https://github.com/acme/shop/actions/runs/1',
    );
    // billing has no known owner/repo: no link
    expect(s.slowestRuns.at(-1)!.url).toBeNull();
  });

  it('keeps links on github.com whatever the owner/repo of a remote holds', async () => {
    const since = t(0, 0);
    const until = t(13, 23);
    const s = weeklySeries({
      days: await gitDays(db, { since, until }),
      window: { since, until },
      repositories: ['shop', 'billing'],
      github: new Map([
        ['shop', 'ev"il/<img src=x onerror=alert(1)>#?'],
        ['billing', '../..'],
      ]),
      teams: TEAMS,
      pullRequests: PRS,
      ciAttempts: ATTEMPTS,
    });
    const shop = 'https://github.com/ev%22il/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%23%3F';
    expect(s.slowestRuns[0]!.url).toBe(`${shop}/actions/runs/4`);
    // dot segments are resolved by the browser: still a page on github.com
    expect(s.slowestRuns.at(-1)!.url).toBe('https://github.com/../../actions/runs/6');
    expect(s.slowest[0]!.url).toBe(`${shop}/pull/4`);
    for (const url of [...s.slowestRuns.map((r) => r.url), ...s.slowest.map((p) => p.url)].filter(
      (u): u is string => u !== null,
    )) {
      const parsed = new URL(url);
      // the browser's reading: still github.com, no query or fragment, the run or PR id last
      expect([parsed.origin, parsed.search, parsed.hash]).toEqual(['https://github.com', '', '']);
      expect(parsed.pathname).toMatch(/\/(actions\/runs|pull)\/\d+$/);
      expect(url).not.toMatch(/["<> ]/);
    }
  });

  it('computes CI per workflow and week with the window totals’ definitions: success per run, flaky per commit', async () => {
    const s = await series();
    expect(s.workflows.map((w) => [w.repo, w.name])).toEqual([
      [0, 'CI'],
      [1, 'Tests'],
    ]);
    const ci = s.workflows[0]!;
    // runs 1 and 3 in W01 (run 1 has two attempts), runs 4 and 5 in W02
    expect(ci.runs).toEqual([2, 2]);
    // attempts' queues W01: 30, 60, 120 → 60; W02: 300, 600 → 450
    expect(ci.queueMedian).toEqual([60, 450]);
    expect(ci.durationMedian).toEqual([300, 510]);
    // run 1's last attempt succeeded, run 3 failed → 1 of 2 (per attempt it would be 1 of 3)
    expect(ci.successRate).toEqual([0.5, 1]);
    // sha1 failed and passed (flaky), sha2 only failed → 1 of 2; sha3 → 0 of 1
    expect(ci.flakyRate).toEqual([0.5, 0]);
    expect(s.workflows[1]!.flakyRate).toEqual([null, 0]);
  });

  it('sums git activity per week with distinct authors per slice', async () => {
    const s = await series(t(0, 0), t(20, 23));
    expect(s.weeks).toEqual(['2024-W01', '2024-W02', '2024-W03']);
    const all = s.git['all']!;
    // W01: alice a.ts +3, b.ts +2; bob a.ts +1 −1. W02: carol c.ts +4. W03: bob d.ts +5, alice a.ts +1 −2, a merge.
    expect(all.commits).toEqual([3, 1, 2]);
    expect(all.merges).toEqual([0, 0, 1]);
    expect(all.added).toEqual([6, 4, 6]);
    expect(all.deleted).toEqual([1, 0, 2]);
    expect(all.authors).toEqual([2, 1, 2]);
    expect(s.git['t0']!.commits).toEqual([3, 0, 2]);
    expect(s.git['t0']!.authors).toEqual([2, 0, 2]);
  });
});
