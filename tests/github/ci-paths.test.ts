// The two ways of reading jobs give the same runs and the same CI figures:
// REST (one jobs request per run) and GraphQL (check suites of 100 runs per
// query, REST kept for runs GitHub reports with run_attempt > 1). What the
// GraphQL schema does not have (a job's creation time, runner and labels) is
// asserted as such, not hidden.
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciMetrics } from '../../agent/analysis/ci.js';
import { Db } from '../../agent/store/db.js';
import { CHECK_SUITES_QUERY, SUITES_PER_QUERY } from '../../collectors/github/actions-collector.js';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import { generateOrg } from '../support/github-generator.js';
import { staticLimits } from '../support/github-server/graphql.js';
import { type Harness, harness } from './harness.js';

type Row = Record<string, unknown>;

describe('CI jobs through REST and through GraphQL check suites', () => {
  const org = generateOrg({ seed: 5, repos: 1, prsPerRepo: 30, runsPerRepo: 340 });
  const runs = org.repositories[0]!.runs;
  let rest: Harness;
  let gql: Harness;
  let viaRest: Awaited<ReturnType<Harness['sync']>>;
  let viaGraphql: Awaited<ReturnType<Harness['sync']>>;

  beforeAll(async () => {
    rest = await harness(org);
    gql = await harness(org);
    viaRest = await rest.sync('acme/service-1');
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

  it('asks for jobs per re-run run only, and per 100 runs otherwise', () => {
    const finished = runs.filter((r) => r.attempts.at(-1)!.status === 'completed');
    const reruns = finished.filter((r) => r.attempts.length > 1).length;
    expect(reruns).toBeGreaterThan(0);
    expect(viaRest.actions.jobRequests).toBe(finished.length);
    expect(viaGraphql.actions.jobRequests).toBe(reruns);
    // 340 runs = 4 list pages of at most 100, each with first attempts to read: one query each.
    expect(viaRest.actions.listRequests).toBe(4);
    expect(viaGraphql.actions.checkSuiteRequests).toBe(4);
    expect(viaGraphql.actions.points).toBe(4);
    expect(gql.server.log.every((e) => e.status === 200)).toBe(true);
    expect(gql.server.schemaProblems).toEqual([]);
  });

  it('prices a full check suites query at 1 point and 5,000 nodes, as GitHub counts', () => {
    const ids = Array.from({ length: SUITES_PER_QUERY }, (_, i) => `CS_${i}`);
    expect(staticLimits(parse(CHECK_SUITES_QUERY), { ids })).toEqual({ nodes: 5000, cost: 1 });
  });

  it('stores the same runs and attempts, and the same jobs apart from what GraphQL lacks', async () => {
    const runSql = `SELECT id, attempt, workflow_id, workflow_name, event, branch, head_sha, status, conclusion,
      created_at, run_started_at, updated_at, from_jobs, jobs_collected FROM github_workflow_runs ORDER BY id, attempt`;
    const a = await rest.query<Row>(runSql);
    expect(a.length).toBe(runs.reduce((n, r) => n + r.attempts.length, 0));
    expect(await gql.query<Row>(runSql)).toEqual(a);

    const jobSql = `SELECT j.id, j.run_id, j.attempt, j.name, j.status, j.conclusion, j.started_at, j.completed_at,
      j.created_at, j.runner, j.labels, r.created_at AS run_created,
      (SELECT max(x.attempt) FROM github_workflow_runs x WHERE x.id = j.run_id) AS attempts
      FROM github_jobs j JOIN github_workflow_runs r ON r.id = j.run_id AND r.attempt = j.attempt ORDER BY j.id`;
    const ra = await rest.query<Row>(jobSql);
    const ga = await gql.query<Row>(jobSql);
    expect(ga.length).toBe(ra.length);
    const core = ({ created_at: _c, runner: _r, labels: _l, ...rest }: Row) => rest;
    expect(ga.map(core)).toEqual(ra.map(core));
    for (const [i, job] of ga.entries()) {
      const other = ra[i]!;
      if (job['attempts'] === 1) {
        // First attempts through GraphQL: created with the run, no runner, no labels.
        expect([job['created_at'], job['runner'], job['labels']]).toEqual([job['run_created'], null, '[]']);
        expect(other['runner']).not.toBeNull();
      } else {
        expect(job).toEqual(other);
      }
    }
  });

  it('gives the same run queue, duration, success, re-run and flaky figures', async () => {
    const [a, b] = [await metrics(rest), await metrics(gql)];
    expect(a.runs).toBe(runs.length);
    expect(b.runs).toBe(a.runs);
    expect(b.attempts).toBe(a.attempts);
    expect(b.flakyAttempts).toBe(a.flakyAttempts);
    expect(b.items).toEqual(a.items);
    const figures = (m: typeof a) => m.workflows.map(({ jobQueue: _q, ...w }) => w);
    expect(figures(b)).toEqual(figures(a));
    // Job queue differs: GraphQL counts a first-attempt job's queue from the run's creation.
    const first = a.workflows[0]!;
    expect(b.workflows[0]!.jobQueue.n).toBe(first.jobQueue.n);
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
