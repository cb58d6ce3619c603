// Re-runs older than the two-day look-back: with jobs read through GraphQL
// check suites, one query asks the check-run count of the failed runs of the
// four weeks before the look-back (on every sync that stored a changed run,
// every 6 hours otherwise); a run with more check runs than jobs stored was
// re-run and is read again. The REST path does not see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { LOOKBACK_SECONDS, RERUN_PROBE_EVERY_SECONDS } from '../../collectors/github/actions-collector.js';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import { type GenRun, generateOrg } from '../support/github-generator.js';
import { expectedAttempts, type Harness, harness } from './harness.js';

describe('re-runs beyond the look-back', () => {
  const org = generateOrg({ seed: 8, repos: 1, prsPerRepo: 20, runsPerRepo: 120, days: 30 });
  const runs = org.repositories[0]!.runs;
  const newest = Math.max(...runs.map((r) => r.createdAt));
  const old = runs.find(
    (r) =>
      r.attempts.length === 1 &&
      r.attempts[0]!.conclusion === 'failure' &&
      r.createdAt < newest - LOOKBACK_SECONDS * 1000 - 86_400_000 &&
      r.createdAt > newest - 20 * 86_400_000,
  ) as GenRun;
  const started = Date.now();
  const hoursOn = (h: number) => new Date(started + h * 3_600_000);
  expect(RERUN_PROBE_EVERY_SECONDS).toBe(6 * 3600);
  let graphql: Harness;
  let rest: Harness;

  beforeAll(async () => {
    graphql = await harness(org);
    rest = await harness(org);
    await graphql.sync('acme/service-1', { jobsVia: 'graphql' });
    await rest.sync('acme/service-1');
    // The failed run is re-run, and succeeds.
    const again = structuredClone(old.attempts[0]!);
    again.attempt = 2;
    again.conclusion = 'success';
    for (const j of again.jobs) {
      j.id += 3_000_000;
      j.conclusion = 'success';
      j.createdAt += 86_400_000;
      j.startedAt! += 86_400_000;
      j.completedAt! += 86_400_000;
    }
    again.runStartedAt += 86_400_000;
    again.updatedAt += 86_400_000;
    old.attempts.push(again);
  }, 120_000);
  afterAll(async () => {
    await graphql.close();
    await rest.close();
  });

  const attempts = (h: Harness) =>
    h.query(
      `SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at,
        updated_at, from_jobs FROM github_workflow_runs WHERE id = ? ORDER BY attempt`,
      [old.id],
    );

  it('finds the re-run within 6 hours with one GraphQL query, then reads that run and its jobs', async () => {
    expect(old).toBeDefined();
    // Right after the sync that probed, with nothing new listed, the probe is not due yet.
    graphql.server.resetLog();
    await graphql.sync('acme/service-1', { jobsVia: 'graphql' });
    expect(graphql.server.log.map((e) => `${e.kind} ${e.path.replace(/\?.*/, '')} ${e.status}`)).toEqual([
      'graphql /graphql 200',
      // the first incremental list (two pages the first time, so no ETag yet)
      'rest /repos/acme/service-1/actions/runs 200',
      'graphql /graphql 200',
    ]);
    expect(await attempts(graphql)).toHaveLength(1);
    graphql.server.resetLog();
    await graphql.sync('acme/service-1', { jobsVia: 'graphql', now: hoursOn(7) });
    expect(graphql.server.log.map((e) => `${e.kind} ${e.path.replace(/\?.*/, '')} ${e.status}`)).toEqual([
      'graphql /graphql 200',
      'rest /repos/acme/service-1/actions/runs 304',
      // the probe, due 6 hours after the last one
      'graphql /graphql 200',
      `rest /repos/acme/service-1/actions/runs/${old.id} 200`,
      // both attempts' jobs, from the run's check suite
      'graphql /graphql 200',
      // DORA's deployments, releases and incidents
      'graphql /graphql 200',
    ]);
    // The first attempt, stored finished when it was listed, keeps the values the runs list gave.
    const expected = expectedAttempts(old);
    Object.assign(expected[0]!, {
      run_started_at: old.attempts[0]!.runStartedAt / 1000,
      updated_at: old.attempts[0]!.updatedAt / 1000,
      from_jobs: 0,
    });
    expect(await attempts(graphql)).toEqual(expected);
    const [jobs] = await graphql.query<{ n: number }>(
      'SELECT count(*) AS n FROM github_jobs WHERE run_id = ?',
      [old.id],
    );
    expect(jobs!.n).toBe(old.attempts[0]!.jobs.length * 2);
  });

  it('keeps an unchanged re-sync at 3 requests, and probes an unchanged repository every 6 hours', async () => {
    graphql.server.resetLog();
    await graphql.sync('acme/service-1', { jobsVia: 'graphql' });
    // pull requests, the runs list (304), DORA's query: the probe ran on the sync before
    expect(graphql.server.log.map((e) => `${e.kind} ${e.status}`)).toEqual([
      'graphql 200',
      'rest 304',
      'graphql 200',
    ]);
    expect(graphql.server.points).toBe(2);
    graphql.server.resetLog();
    await graphql.sync('acme/service-1', { jobsVia: 'graphql', now: hoursOn(14) });
    // 6 hours after the last probe: the probe (1 point) again
    expect(graphql.server.log.map((e) => `${e.kind} ${e.status}`)).toEqual([
      'graphql 200',
      'rest 304',
      'graphql 200',
      'graphql 200',
    ]);
    expect(graphql.server.points).toBe(3);
  });

  it('rebuilds the same rows from the stored answers, the re-run included', async () => {
    const dump = async () => ({
      runs: await graphql.query('SELECT * FROM github_workflow_runs ORDER BY id, attempt'),
      jobs: await graphql.query('SELECT * FROM github_jobs ORDER BY id'),
    });
    const before = await dump();
    expect(before.runs.filter((r) => (r as { id: number }).id === old.id)).toHaveLength(2);
    const db = await Db.open(graphql.dbPath);
    try {
      await rebuildGithub(db);
    } finally {
      await db.close();
    }
    expect(await dump()).toEqual(before);
  });

  it('is missed by the REST path, which looks back two days only', async () => {
    await rest.sync('acme/service-1');
    expect(await attempts(rest)).toHaveLength(1);
  });
});
