// The two ways of reading jobs give the same runs and the same CI figures:
// REST (one jobs request per run) and GraphQL (the check suites of 100 runs
// per query, attempts told apart by repeated job names). A run of three or
// more attempts is read through REST on both ways, because GraphQL has no
// start time for its middle attempts. What the GraphQL schema does not have is
// asserted as such, not hidden: a job's creation time, runner and labels.
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciMetrics } from '../../agent/analysis/ci.js';
import { Db } from '../../agent/store/db.js';
import {
  checkSuitesQuery,
  SUITE_LISTS_PER_QUERY,
  SUITES_PER_QUERY,
} from '../../collectors/github/actions-collector.js';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import { type GenRun, generateOrg } from '../support/github-generator.js';
import { staticLimits } from '../support/github-server/graphql.js';
import { type Harness, harness } from './harness.js';

type Row = Record<string, unknown>;
const s = (ms: number) => Math.floor(ms / 1000);

/**
 * When an attempt started (the generator's truth, read independently of the collector): the
 * first at the run's creation, the latest at the run's run_started_at, one in between when its
 * first job was created.
 */
function attemptStart(run: GenRun, attempt: number): number {
  const a = run.attempts[attempt - 1]!;
  if (attempt === run.attempts.length) return s(a.runStartedAt);
  if (attempt === 1) return s(run.createdAt);
  return Math.min(...a.jobs.map((j) => s(j.createdAt)));
}

/** Runs GraphQL reads whole: every attempt's start is in a GraphQL field. */
const viaSuites = (run: GenRun) => run.attempts.length <= 2;

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

  it('reads every attempt of three list pages of runs per GraphQL query, REST once per run', () => {
    const finished = runs.filter((r) => r.attempts.at(-1)!.status === 'completed');
    const reruns = finished.filter((r) => r.attempts.length > 1).length;
    const thrice = finished.filter((r) => !viaSuites(r)).length;
    expect([finished.length, reruns, thrice]).toEqual([340, 46, 10]);
    expect(viaRest.actions.jobRequests).toBe(finished.length);
    expect(viaRest.actions.checkSuiteRequests).toBe(0);
    // 340 runs = 4 list pages of at most 100, each with runs to read: one query for the first
    // three (3 points), one for the fourth (1 point), re-runs included; the 10 runs of three
    // attempts once more each, through REST.
    expect(viaGraphql.actions.jobRequests).toBe(thrice);
    expect(viaRest.actions.listRequests).toBe(4);
    expect(viaGraphql.actions.listRequests).toBe(4);
    expect(viaGraphql.actions.checkSuiteRequests).toBe(2);
    expect(viaGraphql.actions.points).toBe(4);
    const jobPaths = gql.server.log.filter((e) => e.path.includes('/jobs')).map((e) => e.path);
    const thriceIds = runs.filter((r) => !viaSuites(r)).map((r) => r.id);
    expect(jobPaths.map((p) => Number(/runs\/(\d+)\/jobs/.exec(p)![1])).sort((a, b) => a - b)).toEqual(
      thriceIds.sort((a, b) => a - b),
    );
    expect(gql.server.log.every((e) => e.status === 200)).toBe(true);
    expect(gql.server.schemaProblems).toEqual([]);
  });

  it('prices a check suites query as GitHub counts: 1 point and 5,000 nodes per list of 100', () => {
    const ids = Array.from({ length: SUITES_PER_QUERY }, (_, i) => `CS_${i}`);
    expect(staticLimits(parse(checkSuitesQuery(1)), { ids0: ids })).toEqual({ nodes: 5000, cost: 1 });
    const three = { ids0: ids, ids1: ids, ids2: ids };
    expect(SUITE_LISTS_PER_QUERY).toBe(3);
    expect(staticLimits(parse(checkSuitesQuery(3)), three)).toEqual({ nodes: 15_000, cost: 3 });
  });

  it('stores the same runs and attempts, each started when it was created', async () => {
    const runSql = `SELECT id, attempt, workflow_id, workflow_name, event, branch, head_sha, status, conclusion,
      created_at, run_started_at, updated_at, from_jobs, jobs_collected FROM github_workflow_runs ORDER BY id, attempt`;
    const a = await rest.query<Row>(runSql);
    const b = await gql.query<Row>(runSql);
    expect(a.length).toBe(runs.reduce((n, r) => n + r.attempts.length, 0));
    expect(b).toEqual(a);
    let earlier = 0;
    for (const row of a) {
      const run = byId.get(row['id'] as number)!;
      const attempt = row['attempt'] as number;
      expect(row['run_started_at']).toBe(attemptStart(run, attempt));
      if (attempt < run.attempts.length) earlier += 1;
    }
    // 46 re-run runs, 10 of them with three attempts: 56 earlier attempts.
    expect(earlier).toBe(56);
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
    let whole = 0;
    for (const [i, job] of ga.entries()) {
      const run = byId.get(job['run_id'] as number)!;
      if (!viaSuites(run)) {
        // read through REST on both ways: the same row
        expect(job).toEqual(ra[i]);
        whole += 1;
        continue;
      }
      // Created when its attempt started, no runner, no labels.
      expect([job['created_at'], job['runner'], job['labels']]).toEqual([
        attemptStart(run, job['attempt'] as number),
        null,
        '[]',
      ]);
    }
    expect(whole).toBe(
      runs
        .filter((r) => !viaSuites(r))
        .reduce((n, r) => n + r.attempts.reduce((m, a) => m + a.jobs.length, 0), 0),
    );
    expect(ra.every((j) => j['runner'] !== null)).toBe(true);
  });

  it('gives the same figures for every run and attempt; only the job queue needs job creation times', async () => {
    const [a, b] = [await metrics(rest), await metrics(gql)];
    expect(a.runs).toBe(runs.length);
    expect(a.attempts).toBe(runs.reduce((n, r) => n + r.attempts.length, 0));
    // Every attempt's start, first job start, end, queue and duration, and every workflow figure,
    // including the time spent in failed attempts.
    const withoutJobQueue = (m: typeof a) => ({
      ...m,
      workflows: m.workflows.map(({ jobQueue: _q, ...w }) => w),
    });
    expect(withoutJobQueue(b)).toEqual(withoutJobQueue(a));
    const started = runs.reduce(
      (n, r) => n + r.attempts.filter((t) => t.jobs.some((j) => j.startedAt !== null)).length,
      0,
    );
    expect(a.items.filter((i) => i.queue !== null).length).toBe(started);
    expect(started).toBeGreaterThan(390);
    // The job queue (started_at − created_at): GraphQL has no job creation time, so a job counts
    // as created when its attempt started; the generator creates the k-th job k seconds later.
    for (const [i, w] of b.workflows.entries()) {
      expect(w.jobQueue.n).toBe(a.workflows[i]!.jobQueue.n);
      expect(w.jobQueue.median! - a.workflows[i]!.jobQueue.median!).toBeGreaterThanOrEqual(0);
      expect(w.jobQueue.median! - a.workflows[i]!.jobQueue.median!).toBeLessThanOrEqual(2);
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

  it('reads that run through REST, beside the runs of three attempts', async () => {
    expect(partial).toBeDefined();
    const thrice = org.repositories[0]!.runs.filter((r) => r.attempts.length > 2).map((r) => r.id);
    expect(thrice.length).toBe(3);
    expect(viaGraphql.actions.jobRequests).toBe(1 + thrice.length);
    expect(
      gql.server.log
        .filter((e) => e.path.includes('/jobs'))
        .map((e) => e.path.replace(/\?.*/, ''))
        .sort(),
    ).toEqual([partial.id, ...thrice].map((id) => `/repos/acme/service-1/actions/runs/${id}/jobs`).sort());
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
