// Inputs for the dashboard and report tests: a real git repository with a few
// authors over several weeks, and a full report (every SPEC §11 section) with
// hand-chosen numbers, optionally carrying hostile strings everywhere a
// repository controls text.
import type { FullReport } from '../../agent/report/contract.js';
import { TestRepo } from '../support/git-repo.js';

/** Monday 2024-01-01 00:00 UTC (ISO week 2024-W01). */
export const MONDAY_2024_W01 = Date.UTC(2024, 0, 1) / 1000;
const DAY = 86_400;

export const AUTHORS = [
  { name: 'Alice Example', email: 'alice@example.com' },
  { name: 'Bob Builder', email: 'bob@example.com' },
  { name: 'Carol Coder', email: 'carol@example.com' },
];

/**
 * Three weeks of commits (2024-W01..W03):
 * W01: alice 2 commits (a.ts +3, b.ts +2), bob 1 commit (a.ts +1 −1)
 * W02: carol 1 commit (c.ts +4)
 * W03: alice 1 commit (a.ts +1 −2), then a merge of branch "topic" with bob's commit (d.ts +5) made in W03
 */
export function activityRepo(): TestRepo {
  const repo = new TestRepo();
  const [alice, bob, carol] = AUTHORS as [(typeof AUTHORS)[0], (typeof AUTHORS)[0], (typeof AUTHORS)[0]];
  const at = (day: number, hour = 10) => MONDAY_2024_W01 + day * DAY + hour * 3600;
  repo.commit({ files: { 'src/a.ts': 'a1\na2\na3\n' }, author: alice, at: at(0), message: 'add a' });
  repo.commit({ files: { 'src/b.ts': 'b1\nb2\n' }, author: alice, at: at(1), message: 'add b' });
  repo.commit({ files: { 'src/a.ts': 'a1\nA2\na3\n' }, author: bob, at: at(2), message: 'fix a' });
  repo.commit({ files: { 'src/c.ts': 'c1\nc2\nc3\nc4\n' }, author: carol, at: at(8), message: 'add c' });
  repo.git('checkout', '-q', '-b', 'topic');
  repo.commit({ files: { 'src/d.ts': 'd1\nd2\nd3\nd4\nd5\n' }, author: bob, at: at(15), message: 'add d' });
  repo.git('checkout', '-q', 'main');
  repo.commit({ files: { 'src/a.ts': 'a1\nX\n' }, author: alice, at: at(16), message: 'shrink a' });
  repo.merge('topic', { at: at(17) });
  return repo;
}

/** Git activity rows for fullReport(): 2024-W01 and W02 (day numbers since 1970). */
export function gitDays(evil = false) {
  const day = MONDAY_2024_W01 / DAY;
  const shop = evil ? hostile('repo') : 'shop';
  return [
    { repo: shop, day, email: 'alice@example.com', commits: 2, merges: 0, added: 5, deleted: 0 },
    { repo: shop, day: day + 2, email: 'bob@example.com', commits: 1, merges: 0, added: 1, deleted: 1 },
    {
      repo: 'billing',
      day: day + 8,
      email: 'carol@example.com',
      commits: 1,
      merges: 0,
      added: 4,
      deleted: 0,
    },
    { repo: shop, day: day + 9, email: 'bob@example.com', commits: 0, merges: 1, added: 0, deleted: 0 },
  ];
}

export const HOSTILE = {
  script: '</script><script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2;alert(1)">',
  comment: '<!-- x',
  separators: 'line\u2028sep\u2029para',
  dollar: "$& $1 $` $' {{DATA}}",
  markdown: 'pipe | *star* _under_ [link](http://x) `tick`',
};

/** Every hostile string joined, with a prefix so each use is distinct. */
export const hostile = (prefix: string) => `${prefix} ${Object.values(HOSTILE).join(' ')}`;

/**
 * A report with every section filled. Weeks: 2024-W01 and W02 (window
 * 2024-01-01 .. 2024-01-14). With `evil`, repository names, paths, author
 * names, workflow names, build commands and PR titles carry hostile strings.
 */
export function fullReport(evil = false): FullReport {
  const repoA = evil ? hostile('repo') : 'shop';
  const repoB = 'billing';
  const t = (day: number, hour = 12) =>
    new Date((MONDAY_2024_W01 + day * DAY + hour * 3600) * 1000).toISOString();
  const pr = (
    repo: string,
    number: number,
    author: string,
    mergedDay: number,
    stages: [number, number, number],
    size: [number, number],
    rounds: number,
  ) => ({
    repo,
    number,
    title: evil ? hostile(`title ${number}`) : `Change number ${number}`,
    author,
    createdAt: t(mergedDay - 1),
    readyAt: t(mergedDay - 1),
    firstCommitAt: t(mergedDay - 2),
    firstReviewAt: t(mergedDay),
    mergedAt: t(mergedDay, 18),
    additions: size[0],
    deletions: size[1],
    reviewRounds: rounds,
    coding: stages[0],
    pickup: stages[1],
    review: stages[2],
    cycle: stages[0] + stages[1] + stages[2],
    ciWait: 600,
  });
  const alice = evil ? hostile('alice') : 'alice';
  const run = (
    repo: string,
    id: number,
    workflow: string,
    headSha: string,
    attempt: number,
    conclusion: string,
    day: number,
    queue: number,
    duration: number,
  ) => ({
    repo,
    id,
    workflow,
    headSha,
    attempt,
    conclusion,
    createdAt: t(day),
    startedAt: t(day),
    completedAt: t(day),
    queue,
    duration,
  });
  const wf = evil ? hostile('workflow') : 'CI';
  return {
    schemaVersion: 1,
    generatedAt: '2024-01-15T00:00:00.000Z',
    window: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-14T23:59:59.000Z' },
    repositories: [
      { name: repoA, path: '/src/shop', github: 'acme/shop' },
      { name: repoB, path: '/src/billing', github: null },
    ],
    git: {
      commits: 10,
      merges: 2,
      authors: 3,
      filesChanged: 3,
      files: [
        {
          repo: repoA,
          path: evil ? hostile('path') : 'src/cart.ts',
          revisions: 12,
          added: 300,
          deleted: 100,
          churn: 400,
          lines: 900,
          authors: 3,
          lastChanged: t(9),
          hotspotScore: 0.9,
        },
        {
          repo: repoA,
          path: 'src/util.ts',
          revisions: 4,
          added: 40,
          deleted: 10,
          churn: 50,
          lines: 120,
          authors: 1,
          lastChanged: t(3),
          hotspotScore: 0.2,
        },
        {
          repo: repoB,
          path: 'lib/invoice.rb',
          revisions: 7,
          added: 70,
          deleted: 30,
          churn: 100,
          lines: 300,
          authors: 2,
          lastChanged: t(5),
          hotspotScore: 0.5,
        },
      ],
      coupling: [
        { repo: repoA, a: evil ? hostile('a') : 'src/cart.ts', b: 'src/price.ts', shared: 6, degree: 75 },
        { repo: repoB, a: 'lib/invoice.rb', b: 'lib/tax.rb', shared: 5, degree: 40 },
      ],
      moduleCoupling: [
        { repo: repoA, a: 'src', b: evil ? hostile('module') : 'test', shared: 5, degree: 62.5 },
      ],
    },
    builds: {
      summary: [
        {
          repo: repoA,
          command: evil ? hostile('cmd') : 'npm run build',
          kind: 'warm',
          task: 'build',
          machine: 'laptop',
          runs: 5,
          failures: 0,
          median: 42,
          p90: 50,
        },
        {
          repo: repoA,
          command: evil ? hostile('cmd') : 'npm run build',
          kind: 'cold',
          task: 'build',
          machine: 'laptop',
          runs: 3,
          failures: 0,
          median: 180,
          p90: 200,
        },
        {
          repo: repoB,
          command: 'make',
          kind: 'wrapped',
          task: 'build',
          machine: 'ci-box',
          runs: 20,
          failures: 2,
          median: 95,
          p90: 300,
        },
      ],
      wrappedPerDay: [{ repo: repoB, machine: 'ci-box', runs: 20, days: 4, minutesPerDay: 7.9 }],
    },
    pullRequests: {
      count: 5,
      merged: 5,
      stages: {
        coding: { median: 7200, p90: 10_000, n: 5 },
        pickup: { median: 3600, p90: 20_000, n: 5 },
        review: { median: 1800, p90: 5000, n: 5 },
        cycle: { median: 12_600, p90: 30_000, n: 5 },
      },
      items: [
        // W01 shop: two PRs by alice and bob
        pr(repoA, 1, alice, 2, [3600, 7200, 1800], [10, 5], 1),
        pr(repoA, 2, 'bob', 3, [7200, 3600, 3600], [100, 20], 2),
        // W01 billing: carol
        pr(repoB, 3, 'carol', 4, [1800, 1800, 900], [30, 0], 1),
        // W02 shop: alice, bob
        pr(repoA, 4, alice, 9, [10_800, 18_000, 7200], [400, 100], 3),
        pr(repoA, 5, 'bob', 10, [3600, 14_400, 3600], [50, 50], 1),
      ],
    },
    ci: {
      runs: 6,
      workflows: [],
      items: [
        // W01: sha1 fails then passes (flaky), sha2 passes
        run(repoA, 1, wf, 'sha1', 1, 'failure', 1, 60, 300),
        run(repoA, 2, wf, 'sha1', 2, 'success', 1, 120, 360),
        run(repoA, 3, wf, 'sha2', 1, 'success', 2, 30, 240),
        // W02: sha3 passes twice
        run(repoA, 4, wf, 'sha3', 1, 'success', 8, 600, 600),
        run(repoA, 5, wf, 'sha3', 2, 'success', 9, 300, 420),
        run(repoB, 6, 'Tests', 'sha9', 1, 'success', 9, 10, 100),
      ],
    },
    diagnosis: [
      {
        subject: 'platform',
        kind: 'team',
        prs: 4,
        cycleMedian: 14_400,
        excess: 1800,
        verdict: 'review_bottleneck',
        causes: [
          {
            cause: 'review_bottleneck',
            share: 0.7,
            hoursPerWeek: 3,
            evidence: 'pickup 4.0 h vs 2.0 h median',
          },
        ],
      },
      {
        subject: alice,
        kind: 'person',
        prs: 2,
        cycleMedian: 20_000,
        excess: 7000,
        verdict: 'review_bottleneck',
        causes: [
          {
            cause: 'review_bottleneck',
            share: 0.8,
            hoursPerWeek: 2,
            evidence: `waits on bob@example.com; ${evil ? hostile('evidence') : 'pickup 5 h'}`,
          },
        ],
      },
    ],
    costs: [
      { cause: 'ci_wait', hoursPerWeek: 12.5, evidence: '25 runs × 30 min median = 12.5 h' },
      {
        cause: 'review_wait',
        hoursPerWeek: 20,
        evidence: evil ? hostile('cost') : '10 PRs × 2 h pickup = 20 h',
      },
    ],
  };
}

/** Team mapping used with fullReport(): alice and bob are "platform". */
export const TEAMS = { platform: ['alice', 'bob', 'alice@example.com', 'bob@example.com'] };
