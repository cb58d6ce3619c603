import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenRun, generateOrg } from '../support/github-generator.js';
import { dumpGithub, expectedAttempts, expectedPullRequest, type Harness, harness } from './harness.js';

describe('incremental GitHub sync', () => {
  const org = generateOrg({ seed: 21, repos: 1, prsPerRepo: 140, runsPerRepo: 60 });
  const repo = org.repositories[0]!;
  const newest = [...repo.runs].sort((a, b) => b.createdAt - a.createdAt)[0]!;
  const finished = structuredClone(newest.attempts);
  let h: Harness;

  beforeAll(async () => {
    // The newest run is still running during the first sync.
    const last = newest.attempts.at(-1)!;
    last.status = 'in_progress';
    last.conclusion = null;
    last.jobs.at(-1)!.status = 'in_progress';
    last.jobs.at(-1)!.conclusion = null;
    last.jobs.at(-1)!.completedAt = null;
    h = await harness(org);
    await h.sync('acme/service-1');
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores a running run without jobs, then re-checks it', async () => {
    const [row] = await h.query<{ status: string; jobs_collected: number }>(
      'SELECT status, jobs_collected FROM github_workflow_runs WHERE id = ? ORDER BY attempt DESC LIMIT 1',
      [newest.id],
    );
    expect(row).toEqual({ status: 'in_progress', jobs_collected: 0 });
    newest.attempts = finished;
    h.server.resetLog();
    await h.sync('acme/service-1');
    const rows = await h.query(
      'SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at, updated_at, from_jobs FROM github_workflow_runs WHERE id = ? ORDER BY attempt',
      [newest.id],
    );
    expect(rows).toEqual(expectedAttempts(newest));
    const [jobs] = await h.query<{ n: number }>('SELECT count(*) AS n FROM github_jobs WHERE run_id = ?', [
      newest.id,
    ]);
    expect(jobs!.n).toBe(newest.attempts.reduce((n, a) => n + a.jobs.length, 0));
  });

  it('re-syncs an unchanged repository in at most 3 requests, then with a 304', async () => {
    const before = await dumpGithub(h);
    h.server.resetLog();
    const second = await h.sync('acme/service-1');
    expect(h.server.requests).toBeLessThanOrEqual(3);
    h.server.resetLog();
    const third = await h.sync('acme/service-1');
    // pull requests, runs (304), then DORA's deployments, releases and incidents
    expect(h.server.log.map((e) => `${e.kind} ${e.status}`)).toEqual([
      'graphql 200',
      'rest 304',
      'graphql 200',
    ]);
    expect(third.actions.unchanged).toBe(true);
    expect(second.actions.runs + third.actions.runs).toBe(0);
    expect(await dumpGithub(h)).toEqual(before);
  });

  it('picks up a new review, a new pull request, a new run and a re-run, and nothing else', async () => {
    const at = org.now + 3600_000;
    const pr = repo.pullRequests[4]!;
    pr.reviews.push({ id: 99_000_001, author: org.people[3]!, state: 'COMMENTED', submittedAt: at });
    pr.updatedAt = at;
    const added = structuredClone(
      generateOrg({ seed: 99, repos: 1, prsPerRepo: 1 }).repositories[0]!.pullRequests[0]!,
    );
    added.number = 141;
    added.updatedAt = at + 1000;
    repo.pullRequests.push(added);
    const run: GenRun = structuredClone(newest);
    run.id = newest.id + 1_000_000;
    run.createdAt = newest.createdAt + 600_000;
    for (const a of run.attempts) for (const j of a.jobs) j.id += 1_000_000;
    repo.runs.push(run);
    // a flaky re-run of the (now finished) newest run
    const rerun = structuredClone(newest.attempts.at(-1)!);
    rerun.attempt = newest.attempts.length + 1;
    rerun.conclusion = 'success';
    for (const j of rerun.jobs) {
      j.id += 2_000_000;
      j.conclusion = 'success';
    }
    rerun.updatedAt += 7200_000;
    newest.attempts.push(rerun);

    h.server.resetLog();
    const result = await h.sync('acme/service-1');
    // the two changed ones, and the one last seen at the cursor (same-second updates are re-read)
    expect(result.pullRequests.pullRequests).toBe(3);
    // one for pull requests, one for DORA's lists
    expect(h.server.log.filter((e) => e.kind === 'graphql')).toHaveLength(2);
    expect(h.server.log.filter((e) => e.path.includes('/jobs'))).toHaveLength(2);
    const rows = await h.query<Record<string, unknown>>(
      `SELECT p.*, (SELECT count(*) FROM github_pr_reviews r WHERE r.repo_id = p.repo_id AND r.pr_number = p.number) AS reviews,
        (SELECT count(*) FROM github_pr_files f WHERE f.repo_id = p.repo_id AND f.pr_number = p.number) AS files,
        (SELECT count(*) FROM github_pr_commits c WHERE c.repo_id = p.repo_id AND c.pr_number = p.number) AS commits
       FROM github_pull_requests p ORDER BY number`,
    );
    expect(rows.map(({ repo_id: _r, raw_id: _w, ...row }) => row)).toEqual(
      repo.pullRequests.map(expectedPullRequest),
    );
    const runs = await h.query(
      `SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at,
        updated_at, from_jobs FROM github_workflow_runs ORDER BY id, attempt`,
    );
    const expected = [...repo.runs].sort((a, b) => a.id - b.id).flatMap(expectedAttempts);
    // The attempt that was the latest when first listed keeps the values the runs list gave.
    const listed = newest.attempts.at(-2)!;
    const row = expected.find((r) => r.id === newest.id && r.attempt === listed.attempt)!;
    Object.assign(row, {
      run_started_at: listed.runStartedAt / 1000,
      updated_at: listed.updatedAt / 1000,
      from_jobs: 0,
    });
    expect(runs).toEqual(expected);
  });
});

describe('runs beyond the 1,000-result cap', () => {
  it('splits the created range into windows and reads every run exactly once', async () => {
    // Runs still in progress: no jobs requests, so the test stays fast.
    const org = generateOrg({
      seed: 4,
      repos: 1,
      prsPerRepo: 5,
      runsPerRepo: 2600,
      days: 30,
      tweakRun: (plan) => {
        plan.inProgress = true;
      },
    });
    const h = await harness(org);
    try {
      const result = await h.sync('acme/service-1');
      expect(h.server.schemaProblems).toEqual([]);
      const runs = await h.query<{ n: number; ids: number }>(
        'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM github_workflow_runs',
      );
      expect(runs).toEqual([{ n: 2600, ids: 2600 }]);
      expect(result.actions.runs).toBeGreaterThanOrEqual(2600);
      const listed = h.server.log.filter((e) => /actions\/runs\?/.test(e.path));
      expect(listed.some((e) => decodeURIComponent(e.path).includes('..'))).toBe(true);
      expect(h.server.log.filter((e) => e.path.includes('/jobs'))).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

describe('runs still running when last seen, older than the re-listed range', () => {
  it('are asked for one by one: finished ones get their jobs, deleted ones are marked', async () => {
    const org = generateOrg({ seed: 31, repos: 1, prsPerRepo: 3, runsPerRepo: 20, days: 60, rerunRate: 0 });
    const repo = org.repositories[0]!;
    const [finishing, deleted] = repo.runs.slice(0, 2); // the two oldest
    const saved = structuredClone(finishing!.attempts);
    for (const run of [finishing!, deleted!]) {
      const last = run.attempts.at(-1)!;
      last.status = 'in_progress';
      last.conclusion = null;
      for (const job of last.jobs) {
        job.status = 'in_progress';
        job.conclusion = null;
        job.completedAt = null;
      }
    }
    const h = await harness(org);
    try {
      await h.sync('acme/service-1');
      finishing!.attempts = saved;
      repo.runs.splice(repo.runs.indexOf(deleted!), 1);
      h.server.resetLog();
      await h.sync('acme/service-1');
      const asked = h.server.log.filter((e) => /\/actions\/runs\/\d+$/.test(e.path)).map((e) => e.path);
      expect(asked.sort()).toEqual(
        [finishing!.id, deleted!.id].map((id) => `/repos/acme/service-1/actions/runs/${id}`).sort(),
      );
      const rows = await h.query(
        `SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at,
          updated_at, from_jobs FROM github_workflow_runs WHERE id = ?`,
        [finishing!.id],
      );
      expect(rows).toEqual(expectedAttempts(finishing!));
      const [jobs] = await h.query<{ n: number }>('SELECT count(*) AS n FROM github_jobs WHERE run_id = ?', [
        finishing!.id,
      ]);
      expect(jobs!.n).toBe(finishing!.attempts.at(-1)!.jobs.length);
      expect(await h.query('SELECT status FROM github_workflow_runs WHERE id = ?', [deleted!.id])).toEqual([
        { status: 'deleted' },
      ]);
      h.server.resetLog();
      await h.sync('acme/service-1');
      // three for pull requests and runs, one for DORA's lists
      expect(h.server.requests).toBeLessThanOrEqual(4);
    } finally {
      await h.close();
    }
  });
});

describe('the --since window', () => {
  it('collects what changed since then, and reaches further back when asked', async () => {
    const org = generateOrg({ seed: 41, repos: 1, prsPerRepo: 150, runsPerRepo: 30 });
    const repo = org.repositories[0]!;
    const since = new Date(org.now - 30 * 86_400_000);
    const h = await harness(org);
    try {
      await h.sync('acme/service-1', { since });
      const recent = repo.pullRequests.filter((pr) => pr.updatedAt >= since.getTime()).map((pr) => pr.number);
      const runs = repo.runs.filter((r) => r.createdAt >= since.getTime()).length;
      expect(recent.length).toBeGreaterThan(0);
      expect(recent.length).toBeLessThan(150);
      expect(
        (await h.query<{ number: number }>('SELECT number FROM github_pull_requests ORDER BY number')).map(
          (r) => r.number,
        ),
      ).toEqual(recent.sort((a, b) => a - b));
      expect(await h.query('SELECT count(DISTINCT id) AS n FROM github_workflow_runs')).toEqual([
        { n: runs },
      ]);
      await h.sync('acme/service-1');
      expect(await h.query('SELECT count(*) AS n FROM github_pull_requests')).toEqual([{ n: 150 }]);
      expect(await h.query('SELECT count(DISTINCT id) AS n FROM github_workflow_runs')).toEqual([{ n: 30 }]);
    } finally {
      await h.close();
    }
  });
});
