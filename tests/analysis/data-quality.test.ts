// Hand-built GitHub rows: CI wait as the union of run intervals, clock skew
// clamped and counted, self-reviews, bot reviews and deleted (ghost) users.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeFacts } from '../../agent/analysis/change-facts.js';
import { pullRequestMetrics } from '../../agent/analysis/pull-requests.js';
import { workingSpan } from '../../agent/analysis/time.js';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';
import { tempDir } from '../support/git-repo.js';

/** pullRequestMetrics with no bots, nothing excluded, no fragile files, and `extra` options. */
function metricsFor(
  db: Db,
  until: number,
  extra: Partial<Parameters<typeof pullRequestMetrics>[2]> = {},
): ReturnType<typeof pullRequestMetrics> {
  return pullRequestMetrics(
    db,
    { since: null, until },
    { bots: [], isExcluded: () => false, fragileFiles: new Map(), ...extra },
  );
}

async function seed(db: Db) {
  await db.exec(`
    INSERT INTO repositories (id, name, github, created_at) VALUES (1, 'svc', 'acme/svc', 'now');
    INSERT INTO collection_runs (id, source, scope, started_at, status) VALUES (1, 'github', 'acme/svc', 'now', 'done');
    INSERT INTO github_raw (id, run_id, repo_id, kind, method, url, status, fetched_at) VALUES (1, 1, 1, 'test', 'GET', '/', 200, 'now');
  `);
  const pr = (
    n: number,
    author: string | null,
    created: number,
    ready: number,
    merged: number,
    first: number,
  ) =>
    db.run(
      `INSERT INTO github_pull_requests (repo_id, number, title, author, author_is_bot, state, draft, created_at, ready_at,
        merged_at, closed_at, base_ref, head_ref, head_sha, additions, deletions, changed_files, commits_count,
        comments_count, first_commit_at, updated_at, raw_id)
       VALUES (1, ?, 't', ?, 0, 'MERGED', 0, ?, ?, ?, ?, 'main', 'f', 'h', 10, 5, 2, 2, 0, ?, ?, 1)`,
      [n, author, created, ready, merged, merged, first, merged],
    );
  const review = (n: number, id: number, author: string | null, bot: number, state: string, at: number) =>
    db.run(
      `INSERT INTO github_pr_reviews (repo_id, pr_number, id, author, author_is_bot, state, submitted_at, raw_id)
       VALUES (1, ?, ?, ?, ?, ?, ?, 1)`,
      [n, id, author, bot, state, at],
    );
  const commit = (n: number, sha: string, at: number, position: number) =>
    db.run(
      `INSERT INTO github_pr_commits (repo_id, pr_number, sha, position, authored_at, committed_at, raw_id)
       VALUES (1, ?, ?, ?, ?, ?, 1)`,
      [n, sha, position, at, at],
    );
  const run = (id: number, sha: string, start: number, end: number) =>
    db.exec(`
      INSERT INTO github_workflow_runs (repo_id, id, attempt, workflow_id, workflow_name, event, branch, head_sha, status,
        conclusion, created_at, run_started_at, updated_at, from_jobs, jobs_collected, raw_id)
      VALUES (1, ${id}, 1, 7, 'CI', 'pull_request', 'f', '${sha}', 'completed', 'success', ${start}, ${start}, ${end + 999}, 0, 1, 1);
      INSERT INTO github_jobs (repo_id, id, run_id, attempt, name, status, conclusion, created_at, started_at, completed_at, raw_id)
      VALUES (1, ${id * 10}, ${id}, 1, 'test', 'completed', 'success', ${start}, ${start + 5}, ${end}, 1);
    `);
  // PR 1: commits a (t=1000) and b (t=5000); CI on a: 1100–1300, on b: 1250–1500 and 6000–6100; unrelated run on z
  await pr(1, 'ann', 2000, 2000, 9000, 1000);
  await commit(1, 'a', 1000, 0);
  await commit(1, 'b', 5000, 1);
  await run(1, 'a', 1100, 1300);
  await run(2, 'b', 1250, 1500);
  await run(3, 'b', 6000, 6100);
  await run(4, 'z', 1000, 9000);
  await review(1, 11, 'ann', 0, 'COMMENTED', 2500); // self-review: ignored
  await review(1, 12, 'lint-bot[bot]', 1, 'COMMENTED', 2600); // bot: ignored
  await review(1, 13, 'bob', 0, 'CHANGES_REQUESTED', 3000);
  await review(1, 14, null, 0, 'APPROVED', 8000); // deleted reviewer: a human other than ann
  // PR 2: first commit authored after the PR was opened (clock skew): coding clamped to 0
  await pr(2, null, 2000, 2000, 4000, 2600);
  await commit(2, 'c', 2600, 0);
  await review(2, 21, 'bob', 0, 'APPROVED', 1500); // reviewed before ready: pickup clamped to 0
}

describe('data quality', () => {
  it('clamps and counts skew, ignores self and bot reviews, unions CI intervals', async () => {
    const db = await Db.open(join(tempDir(), 'dx.db'));
    await seed(db);
    const metrics = await metricsFor(db, 100_000);
    // the in-memory join over CI attempts gives the same CI wait as the SQL one
    const { ciMetrics } = await import('../../agent/analysis/ci.js');
    const ci = await ciMetrics(db, { since: null, until: 100_000 });
    const joined = await metricsFor(db, 100_000, {
      ciAttempts: ci.items.map((a) => ({
        repoId: a.repoId,
        headSha: a.headSha,
        start: a.startedAt ?? a.createdAt,
        finish: a.completedAt,
      })),
    });
    expect(joined.items.map((i) => i.ciWait)).toEqual(metrics.items.map((i) => i.ciWait));
    await db.close();
    const [one, two] = metrics.items;
    expect(one).toMatchObject({
      number: 1,
      firstReviewAt: 3000,
      coding: 1000,
      pickup: 1000,
      review: 6000,
      cycle: 8000,
      reviewRounds: 2,
      rework: 1, // only b (5000) was committed after the first review (3000)
      ciWait: 200 + 200 + 100, // 1100–1500 merged (400) + 6000–6100 (100)
    });
    expect(two).toMatchObject({
      number: 2,
      author: null,
      coding: 0,
      pickup: 0,
      cycle: 1400,
      reviewRounds: 1,
    });
    expect(metrics.dataQuality).toEqual({
      negativeDurations: { coding: 1, pickup: 1, review: 0, cycle: 0 },
      missingCommits: 0,
      mergedWithoutReview: 0,
      selfReviews: 1,
      botReviews: 1,
      ghostActors: 2,
    });
  });
});

const t = (iso: string) => Date.parse(iso) / 1000;
/** Weekdays 09:00–17:00 UTC. */
const OFFICE: WorkingHours = DEFAULT_WORKING_HOURS;

/** A database with one GitHub repository and the raw response its rows point to. */
async function oneRepository(): Promise<Db> {
  const db = await Db.open(join(tempDir(), 'dx.db'));
  await db.exec(`
    INSERT INTO repositories (id, name, github, created_at) VALUES (1, 'svc', 'acme/svc', 'now');
    INSERT INTO collection_runs (id, source, scope, started_at, status) VALUES (1, 'github', 'acme/svc', 'now', 'done');
    INSERT INTO github_raw (id, run_id, repo_id, kind, method, url, status, fetched_at) VALUES (1, 1, 1, 'test', 'GET', '/', 200, 'now');
  `);
  return db;
}

/** ann's pull request `number`, created ready at `ready` and merged at `merged`, head `sha`. */
async function mergedPr(
  db: Db,
  number: number,
  sha: string,
  firstCommit: string,
  ready: string,
  merged: string,
) {
  await db.run(
    `INSERT INTO github_pull_requests (repo_id, number, title, author, author_is_bot, state, draft, created_at, ready_at,
      merged_at, closed_at, base_ref, head_ref, head_sha, additions, deletions, changed_files, commits_count,
      comments_count, first_commit_at, updated_at, raw_id)
     VALUES (1, ?, 't', 'ann', 0, 'MERGED', 0, ?, ?, ?, ?, 'main', 'f', ?, 1, 1, 1, 1, 0, ?, ?, 1)`,
    [number, t(ready), t(ready), t(merged), t(merged), sha, t(firstCommit), t(merged)],
  );
}

describe('working hours', () => {
  it('counts only working hours, in the zone of the person waited on', async () => {
    const db = await oneRepository();
    // ann's #3: first commit Friday 16:00, ready 16:30, merged Monday 15:00
    await mergedPr(db, 3, 'h', '2025-03-07T16:00:00Z', '2025-03-07T16:30:00Z', '2025-03-10T15:00:00Z');
    await db.run(
      `INSERT INTO github_pr_reviews (repo_id, pr_number, id, author, author_is_bot, state, submitted_at, raw_id)
       VALUES (1, 3, 31, 'carl', 0, 'APPROVED', ?, 1)`,
      [t('2025-03-10T14:00:00Z')],
    );
    const metrics = await metricsFor(db, t('2025-04-01T00:00:00Z'), {
      workingHours: { ...OFFICE, people: { carl: 'America/New_York' } },
    });
    await db.close();
    // coding Fri 16:00–16:30; pickup in New York: Fri 11:30–17:00 EST + Mon 09:00–10:00 EDT;
    // review Mon 14:00–15:00; cycle Fri 16:00–17:00 + Mon 09:00–15:00 (UTC)
    expect(metrics.items[0]!.working).toEqual({
      coding: 1800,
      pickup: 23_400,
      review: 3600,
      cycle: 25_200,
      ciWait: null,
    });
    expect(metrics.items[0]!.cycle).toBe(t('2025-03-10T15:00:00Z') - t('2025-03-07T16:00:00Z'));
    expect(metrics.workingStages?.cycle).toEqual({ median: 25_200, p90: 25_200, n: 1 });
  });

  it("counts a PR's CI wall time and its author's return lag in the author's working hours", async () => {
    const db = await oneRepository();
    // ann (UTC, 09:00–17:00) opens #4 ready on Friday 16:30 and nobody reviews it; CI on its
    // head runs Friday 16:40–17:20; she merges it on Monday 15:00
    await mergedPr(db, 4, 'h4', '2025-03-07T16:20:00Z', '2025-03-07T16:30:00Z', '2025-03-10T15:00:00Z');
    await db.run(
      `INSERT INTO github_pr_commits (repo_id, pr_number, sha, position, authored_at, committed_at, raw_id)
       VALUES (1, 4, 'h4', 0, ?, ?, 1)`,
      [t('2025-03-07T16:20:00Z'), t('2025-03-07T16:20:00Z')],
    );
    const hours = OFFICE;
    const attempts = [
      {
        repoId: 1,
        headSha: 'h4',
        attempt: 1,
        start: t('2025-03-07T16:40:00Z'),
        finish: t('2025-03-07T17:20:00Z'),
      },
    ];
    const metrics = await metricsFor(db, t('2025-04-01T00:00:00Z'), {
      workingHours: hours,
      ciAttempts: attempts,
    });
    const pr = {
      repoId: 1,
      number: 4,
      author: 'ann',
      readyAt: t('2025-03-07T16:30:00Z'),
      mergedAt: t('2025-03-10T15:00:00Z'),
    };
    const calendar = await changeFacts(db, [pr], attempts, [], () => false);
    const working = await changeFacts(
      db,
      [pr],
      attempts,
      [],
      () => false,
      (from, to, author) => workingSpan(hours, from, to, author),
    );
    await db.close();
    // CI: 40 minutes on the calendar, 16:40–17:00 in working hours
    expect(metrics.items[0]!.ciWait).toBe(2400);
    expect(metrics.items[0]!.working?.ciWait).toBe(1200);
    // return lag: Friday 17:20 → Monday 15:00 is 69 h 40 min on the calendar, Monday 09:00–15:00 at work
    expect(calendar.returnLag).toEqual([69 * 3600 + 40 * 60]);
    expect(working.returnLag).toEqual([6 * 3600]);
  });
});
