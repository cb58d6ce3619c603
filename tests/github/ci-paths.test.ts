// The two ways of reading jobs give the same runs and the same CI figures:
// REST (one jobs request per run) and GraphQL (the check suites of 100 runs
// per query, every attempt, attempts told apart by repeated job names). What
// the GraphQL schema does not have is asserted as such, not hidden: a job's
// creation time, runner and labels, and so when an earlier attempt started.
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciMetrics } from '../../agent/analysis/ci.js';
import { Db } from '../../agent/store/db.js';
import { CHECK_SUITES_QUERY, SUITES_PER_QUERY } from '../../collectors/github/actions-collector.js';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import { type GenRun, generateOrg } from '../support/github-generator.js';
import { staticLimits } from '../support/github-server/graphql.js';
import { type Harness, harness } from './harness.js';

type Row = Record<string, unknown>;
const s = (ms: number) => Math.floor(ms / 1000);

/**
 * When GraphQL says an attempt started (the generator's truth, read independently of the
 * collector): the latest at the run's run_started_at, the first at the run's creation, one in
 * between at its first job's start.
 */
function graphqlStart(run: GenRun, attempt: number): number {
  const a = run.attempts[attempt - 1]!;
  if (attempt === run.attempts.length) return s(a.runStartedAt);
  if (attempt === 1) return s(run.createdAt);
  return Math.min(...a.jobs.map((j) => s(j.startedAt!)));
}

describe('CI jobs through REST and through GraphQL check suites', () => {
  const org = generateOrg({ seed: 5, repos: 1, prsPerRepo: 30, runsPerRepo: 340 });
  const runs = org.repositories[0]!.runs;
  const byId = new Map(runs.map((r) => [r.id, r]));
  let rest: Harness;
  let gql: Harness;
  let viaRest: Awaited<ReturnType<Harness['sync']>>;
  let viaGraphql: Awaited<ReturnType<Harness['sync']>>;

  beforeAll(async () => {
    rest = await harness(org);
    gql = await harness(org);
    viaRest = await rest.sync('acme/service-1', { jobsVia: 'rest' });
    viaGraphql = await gql.sync('acme/service-1', { jobsVia: 'graphql' });
  }, 120_000);
  afterAll(async () => {
    await rest.close();
    await gql.close();
  });

  const metrics = async (h: Harness) => {
    const db = await Db.open(h.dbPath);
    try {
      return await ciMetrics(db, { since: null, until: Math.floor(org.now / 1000) + 86_400 });
    } finally {
      await db.close();
    }
  };

  it('reads every attempt of 100 runs per GraphQL query, REST once per run', () => {
    const finished = runs.filter((r) => r.attempts.at(-1)!.status === 'completed');
    const reruns = finished.filter((r) => r.attempts.length > 1).length;
    expect([finished.length, reruns]).toEqual([340, 46]);
    expect(viaRest.actions.jobRequests).toBe(finished.length);
    expect(viaRest.actions.checkSuiteRequests).toBe(0);
    // 340 runs = 4 list pages of at most 100, each with runs to read: one query each, re-runs included.
    expect(viaGraphql.actions.jobRequests).toBe(0);
    expect(viaRest.actions.listRequests).toBe(4);
    expect(viaGraphql.actions.listRequests).toBe(4);
    expect(viaGraphql.actions.checkSuiteRequests).toBe(4);
    expect(viaGraphql.actions.points).toBe(4);
    expect(gql.server.log.filter((e) => e.path.includes('/jobs'))).toEqual([]);
    expect(gql.server.log.every((e) => e.status === 200)).toBe(true);
    expect(gql.server.schemaProblems).toEqual([]);
  });

  it('prices a full check suites query at 1 point and 5,000 nodes, as GitHub counts', () => {
    const ids = Array.from({ length: SUITES_PER_QUERY }, (_, i) => `CS_${i}`);
    expect(staticLimits(parse(CHECK_SUITES_QUERY), { ids })).toEqual({ nodes: 5000, cost: 1 });
  });

  it('stores the same runs and attempts; an earlier attempt starts as GraphQL can tell', async () => {
    const runSql = `SELECT id, attempt, workflow_id, workflow_name, event, branch, head_sha, status, conclusion,
      created_at, run_started_at, updated_at, from_jobs, jobs_collected FROM github_workflow_runs ORDER BY id, attempt`;
    const a = await rest.query<Row>(runSql);
    const b = await gql.query<Row>(runSql);
    expect(a.length).toBe(runs.reduce((n, r) => n + r.attempts.length, 0));
    expect(b.length).toBe(a.length);
    const rest_ = ({ run_started_at: _s, ...row }: Row) => row;
    expect(b.map(rest_)).toEqual(a.map(rest_));
    let earlier = 0;
    let moved = 0;
    for (const [i, row] of b.entries()) {
      const run = byId.get(row['id'] as number)!;
      const attempt = row['attempt'] as number;
      if (attempt === run.attempts.length) {
        expect(row['run_started_at']).toBe(a[i]!['run_started_at']);
        continue;
      }
      earlier += 1;
      // REST: the attempt's first job creation (the generator's attempt start).
      expect(a[i]!['run_started_at']).toBe(s(run.attempts[attempt - 1]!.runStartedAt));
      expect(row['run_started_at']).toBe(graphqlStart(run, attempt));
      if (row['run_started_at'] !== a[i]!['run_started_at']) moved += 1;
    }
    // 46 re-run runs, 10 of them with three attempts: 56 earlier attempts.
    expect(earlier).toBe(runs.reduce((n, r) => n + r.attempts.length - 1, 0));
    expect(earlier).toBe(56);
    expect(moved).toBeGreaterThan(0);
  });

  it('stores the same jobs of every attempt, apart from what GraphQL lacks', async () => {
    const jobSql = `SELECT j.id, j.run_id, j.attempt, j.name, j.status, j.conclusion, j.started_at, j.completed_at,
      j.created_at, j.runner, j.labels FROM github_jobs j ORDER BY j.id`;
    const ra = await rest.query<Row>(jobSql);
    const ga = await gql.query<Row>(jobSql);
    expect(ga.length).toBe(ra.length);
    expect(ra.length).toBe(
      runs
        .filter((r) => r.attempts.at(-1)!.status === 'completed')
        .reduce((n, r) => n + r.attempts.reduce((m, a) => m + a.jobs.length, 0), 0),
    );
    const core = ({ created_at: _c, runner: _r, labels: _l, ...row }: Row) => row;
    expect(ga.map(core)).toEqual(ra.map(core));
    for (const job of ga) {
      const run = byId.get(job['run_id'] as number)!;
      // Created when its attempt started (as GraphQL tells it), no runner, no labels.
      expect([job['created_at'], job['runner'], job['labels']]).toEqual([
        graphqlStart(run, job['attempt'] as number),
        null,
        '[]',
      ]);
    }
    expect(ra.every((j) => j['runner'] !== null)).toBe(true);
  });

  it('gives the same run counts, success, re-run and flaky figures, and the same queue of latest attempts', async () => {
    const [a, b] = [await metrics(rest), await metrics(gql)];
    expect(a.runs).toBe(runs.length);
    expect(b.runs).toBe(a.runs);
    expect(b.attempts).toBe(a.attempts);
    expect(b.flakyAttempts).toBe(a.flakyAttempts);
    const same = (m: typeof a) =>
      m.workflows.map((w) => [
        w.name,
        w.runs,
        w.attempts,
        w.successRate,
        w.rerunRate,
        w.flakyRate,
        w.jobDuration,
      ]);
    expect(same(b)).toEqual(same(a));
    // Every attempt's first job start and last job end are the same; latest attempts agree whole.
    const key = (i: (typeof a.items)[number]) => `${i.id}:${i.attempt}`;
    const other = new Map(a.items.map((i) => [key(i), i]));
    for (const item of b.items) {
      const r = other.get(key(item))!;
      expect([item.firstJobStartedAt, item.completedAt]).toEqual([r.firstJobStartedAt, r.completedAt]);
      const run = byId.get(item.id)!;
      if (item.attempt === run.attempts.length) expect(item).toEqual(r);
      else if (item.firstJobStartedAt !== null) {
        expect(item.queue).toBe(item.firstJobStartedAt - graphqlStart(run, item.attempt));
      }
    }
  });

  it('rebuilds the GraphQL-read rows from the stored answers', async () => {
    const dump = () =>
      gql.query<Row>('SELECT * FROM github_jobs ORDER BY id').then(async (jobs) => ({
        jobs,
        runs: await gql.query<Row>('SELECT * FROM github_workflow_runs ORDER BY id, attempt'),
      }));
    const before = await dump();
    const db = await Db.open(gql.dbPath);
    try {
      await rebuildGithub(db);
    } finally {
      await db.close();
    }
    expect(await dump()).toEqual(before);
  });
});

describe('a run whose check runs leave its attempts unclear', () => {
  // "Re-run failed jobs": the second attempt ran only the failed job.
  const org = generateOrg({ seed: 5, repos: 1, prsPerRepo: 10, runsPerRepo: 60 });
  const partial = org.repositories[0]!.runs.find(
    (r) => r.attempts.length === 2 && r.attempts[1]!.status === 'completed' && r.attempts[1]!.jobs.length > 1,
  )!;
  partial.attempts[1]!.jobs = partial.attempts[1]!.jobs.slice(-1);
  let rest: Harness;
  let gql: Harness;
  let viaGraphql: Awaited<ReturnType<Harness['sync']>>;

  beforeAll(async () => {
    rest = await harness(org);
    gql = await harness(org);
    await rest.sync('acme/service-1', { jobsVia: 'rest' });
    viaGraphql = await gql.sync('acme/service-1', { jobsVia: 'graphql' });
  }, 120_000);
  afterAll(async () => {
    await rest.close();
    await gql.close();
  });

  const rows = (h: Harness) =>
    Promise.all([
      h.query<Row>(
        `SELECT id, attempt, status, conclusion, created_at, run_started_at, updated_at, from_jobs, jobs_collected
         FROM github_workflow_runs WHERE id = ? ORDER BY attempt`,
        [partial.id],
      ),
      h.query<Row>('SELECT * FROM github_jobs WHERE run_id = ? ORDER BY id', [partial.id]),
    ]);

  it('reads that run through REST, and only that run', async () => {
    expect(partial).toBeDefined();
    expect(viaGraphql.actions.jobRequests).toBe(1);
    expect(
      gql.server.log.filter((e) => e.path.includes('/jobs')).map((e) => e.path.replace(/\?.*/, '')),
    ).toEqual([`/repos/acme/service-1/actions/runs/${partial.id}/jobs`]);
    const [runs, jobs] = await rows(gql);
    const [restRuns, restJobs] = await rows(rest);
    expect(runs).toEqual(restRuns);
    const noRaw = ({ raw_id: _r, ...row }: Row) => row;
    expect(jobs.map(noRaw)).toEqual(restJobs.map(noRaw));
    // every job of the first attempt, then the one job run again
    const first = partial.attempts[0]!.jobs.length;
    expect(jobs.map((j) => j['attempt'])).toEqual([...Array<number>(first).fill(1), 2]);
  });

  it('rebuilds it from the REST answer, not the check runs stored beside it', async () => {
    const before = await rows(gql);
    const db = await Db.open(gql.dbPath);
    try {
      await rebuildGithub(db);
    } finally {
      await db.close();
    }
    expect(await rows(gql)).toEqual(before);
  });
});
