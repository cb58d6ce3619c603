// GitHub collection benchmark: requests and GraphQL points per 1,000 pull
// requests (with reviews, commits and files) and per 1,000 workflow runs (with
// every attempt's jobs, in bulk through GraphQL check suites by default, or
// one REST request per run with --ci-jobs rest),
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
    // The default: runs through REST, every attempt's jobs through GraphQL check suites.
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

    // The same organisation again, jobs through REST (--ci-jobs rest).
    const restDb = await Db.open(join(dir, 'rest.db'));
    let rest: Awaited<ReturnType<typeof collectGithubRepository>>;
    let restSecond: number;
    try {
      rest = await collectGithubRepository(restDb, client(), 'acme/service-1', {
        since: null,
        jobsVia: 'rest',
      });
      server.resetLog();
      await collectGithubRepository(restDb, client(), 'acme/service-1', { since: null, jobsVia: 'rest' });
      restSecond = server.requests;
    } finally {
      await restDb.close();
    }

    const pr = full.pullRequests;
    const perPr = (n: number) => round((n * 1000) / PRS);
    const perRun = (n: number) => round((n * 1000) / RUNS);
    const a = full.actions;
    const gqlRuns = a.listRequests + a.jobRequests + a.checkSuiteRequests;
    const restRuns = rest.actions.listRequests + rest.actions.jobRequests;
    // A year's first collection, from the measured costs per item: REST requests and GraphQL
    // points are separate hourly budgets, so the larger share is the time it takes.
    const year = (runRest: number, runPoints: number) => {
      const points = (pr.points / PRS) * YEAR.pullRequests + (runPoints / RUNS) * YEAR.runs;
      const restRequests = (runRest / RUNS) * YEAR.runs;
      return { hours: round(Math.max(restRequests, points) / HOURLY), restRequests, points };
    };
    const byDefault = year(a.listRequests + a.jobRequests, a.points);
    const byRest = year(restRuns, 0);
    const said = (y: ReturnType<typeof year>) =>
      `${y.hours} h (${Math.round(y.restRequests)} REST requests, ${Math.round(y.points)} points)`;

    return {
      'github: pull requests': PRS,
      'github: workflow runs (attempts, re-run runs)': `${RUNS} (${attempts}, ${reruns})`,
      'github: requests per 1,000 PRs (with reviews, commits, files)': perPr(pr.pages + pr.followUps),
      'github: GraphQL points per 1,000 PRs': perPr(pr.points),
      'github: requests per 1,000 runs with jobs': perRun(gqlRuns),
      'github: of which runs list (REST), check suites (GraphQL), jobs of unclear runs (REST)': `${perRun(a.listRequests)}, ${perRun(a.checkSuiteRequests)}, ${perRun(a.jobRequests)}`,
      'github: GraphQL points per 1,000 runs': perRun(a.points),
      'github: requests per 1,000 runs with jobs, --ci-jobs rest': perRun(restRuns),
      "github: first collection of a 200-engineer year (52,000 PRs, 250,000 runs), hours of one token's budget":
        byDefault.hours,
      'github: of which REST requests and GraphQL points': said(byDefault),
      'github: first collection of a 200-engineer year, --ci-jobs rest': said(byRest),
      'github: requests for an unchanged re-sync (1st, 2nd)': `${second}, ${third} (${notModified} answered 304)`,
      'github: requests for an unchanged re-sync, --ci-jobs rest': restSecond,
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
