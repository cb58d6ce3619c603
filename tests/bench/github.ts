// GitHub collection benchmark: requests and GraphQL points per 1,000 pull
// requests (with reviews, commits and files) and per 1,000 workflow runs (with
// jobs, read per run through REST or in bulk through GraphQL check suites),
// requests for an unchanged re-sync, the share of one token's hourly budget a
// full first collection of a 200-engineer year takes, and wall time against
// the local GitHub answering every request after 50 ms.
// Run alone: node dist/tests/bench/github.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Db } from '../../agent/store/db.js';
import { GithubClient } from '../../collectors/github/client.js';
import { collectGithubRepository } from '../../collectors/github/collect.js';
import { generateOrg } from '../support/github-generator.js';
import { startGithubServer } from '../support/github-server/server.js';

const PRS = 2000;
const RUNS = 600;
const LATENCY_MS = 50;
/** The 200-engineer year (tests/support/seed-github.ts BIG_ORG: 10 × 5,200 PRs; runs with PR pushes). */
const YEAR = { pullRequests: 52_000, runs: 250_000 };
/** One token's budget per hour: 5,000 REST requests and, separately, 5,000 GraphQL points. */
const HOURLY = 5000;

export async function benchGithub(): Promise<Record<string, string | number>> {
  const started = Date.now();
  const org = generateOrg({ seed: 42, repos: 1, prsPerRepo: PRS, runsPerRepo: RUNS, people: 40, days: 180 });
  const generateMs = Date.now() - started;
  const server = await startGithubServer(org, {
    token: 'bench-token',
    latencyMs: LATENCY_MS,
    validateRest: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'dx-bench-gh-'));
  const db = await Db.open(join(dir, 'dx.db'));
  const client = () =>
    new GithubClient({ apiUrl: server.url, graphqlUrl: server.graphqlUrl, token: 'bench-token' });
  try {
    const t0 = performance.now();
    const full = await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const fullMs = performance.now() - t0;
    const attempts = org.repositories[0]!.runs.reduce((n, r) => n + r.attempts.length, 0);
    const reruns = org.repositories[0]!.runs.filter((r) => r.attempts.length > 1).length;

    server.resetLog();
    const t1 = performance.now();
    await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const secondMs = performance.now() - t1;
    const second = server.requests;
    server.resetLog();
    await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const third = server.requests;
    const notModified = server.log.filter((e) => e.status === 304).length;

    // The same organisation again, jobs through GraphQL check suites.
    const bulkDb = await Db.open(join(dir, 'bulk.db'));
    let bulk: Awaited<ReturnType<typeof collectGithubRepository>>;
    let bulkSecond: number;
    try {
      server.resetLog();
      bulk = await collectGithubRepository(bulkDb, client(), 'acme/service-1', {
        since: null,
        jobsVia: 'graphql',
      });
      server.resetLog();
      await collectGithubRepository(bulkDb, client(), 'acme/service-1', { since: null, jobsVia: 'graphql' });
      bulkSecond = server.requests;
    } finally {
      await bulkDb.close();
    }

    const pr = full.pullRequests;
    const perPr = (n: number) => round((n * 1000) / PRS);
    const perRun = (n: number) => round((n * 1000) / RUNS);
    const restRuns = full.actions.listRequests + full.actions.jobRequests;
    const bulkRuns = bulk.actions.listRequests + bulk.actions.jobRequests + bulk.actions.checkSuiteRequests;
    // A year's first collection, from the measured costs per item: REST requests and GraphQL
    // points are separate hourly budgets, so the larger share is the time it takes.
    const yearHours = (runRest: number, runGraphql: number, runPoints: number) => {
      const graphqlRequests =
        ((pr.pages + pr.followUps) / PRS) * YEAR.pullRequests + (runGraphql / RUNS) * YEAR.runs;
      const points = (pr.points / PRS) * YEAR.pullRequests + (runPoints / RUNS) * YEAR.runs;
      const rest = (runRest / RUNS) * YEAR.runs;
      return `${round(Math.max(rest, points) / HOURLY)} h (${Math.round(rest)} REST requests, ${Math.round(points)} points, ${Math.round(graphqlRequests)} GraphQL requests)`;
    };

    return {
      'github: pull requests': PRS,
      'github: workflow runs (attempts, re-run runs)': `${RUNS} (${attempts}, ${reruns})`,
      'github: requests per 1,000 PRs (with reviews, commits, files)': perPr(pr.pages + pr.followUps),
      'github: GraphQL points per 1,000 PRs': perPr(pr.points),
      'github: requests per 1,000 runs with jobs, REST': perRun(restRuns),
      'github: requests per 1,000 runs with jobs, GraphQL check suites': perRun(bulkRuns),
      'github: GraphQL points per 1,000 runs, GraphQL check suites': perRun(bulk.actions.points),
      'github: of which REST jobs requests per 1,000 runs (re-run runs), GraphQL check suites': perRun(
        bulk.actions.jobRequests,
      ),
      'github: first collection of a 200-engineer year (52,000 PRs, 250,000 runs), REST jobs': yearHours(
        restRuns,
        0,
        0,
      ),
      'github: first collection of a 200-engineer year, GraphQL check suites': yearHours(
        bulk.actions.listRequests + bulk.actions.jobRequests,
        bulk.actions.checkSuiteRequests,
        bulk.actions.points,
      ),
      'github: requests for an unchanged re-sync (1st, 2nd; GraphQL check suites)': `${second}, ${third} (${notModified} answered 304); ${bulkSecond}`,
      [`github: full sync wall time at ${LATENCY_MS} ms/request (s)`]: round(fullMs / 1000),
      [`github: unchanged re-sync wall time at ${LATENCY_MS} ms/request (s)`]: round(secondMs / 1000),
      'github: generator time for the data (ms)': generateMs,
    };
  } finally {
    await db.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchGithub();
  for (const [key, value] of Object.entries(results)) process.stdout.write(`${key}: ${value}\n`);
}
