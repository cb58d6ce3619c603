// GitHub collection benchmark: requests per 1,000 pull requests (with reviews,
// commits and files) and per 1,000 workflow runs (with jobs), requests for an
// unchanged re-sync, and wall time against the local GitHub answering every
// request after 50 ms. Run alone: node dist/tests/bench/github.js
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
    await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const fullMs = performance.now() - t0;
    const graphql = server.log.filter((e) => e.kind === 'graphql').length;
    const rest = server.log.filter((e) => e.kind === 'rest').length;
    const jobs = server.log.filter((e) => e.path.includes('/jobs')).length;
    const attempts = org.repositories[0]!.runs.reduce((n, r) => n + r.attempts.length, 0);

    server.resetLog();
    const t1 = performance.now();
    await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const secondMs = performance.now() - t1;
    const second = server.requests;
    server.resetLog();
    await collectGithubRepository(db, client(), 'acme/service-1', { since: null });
    const third = server.requests;
    const notModified = server.log.filter((e) => e.status === 304).length;

    return {
      'github: pull requests': PRS,
      'github: workflow runs (attempts)': `${RUNS} (${attempts})`,
      'github: requests per 1,000 PRs (with reviews, commits, files)': round((graphql * 1000) / PRS),
      'github: requests per 1,000 runs (with jobs)': round((rest * 1000) / RUNS),
      'github: of which jobs requests per 1,000 runs': round((jobs * 1000) / RUNS),
      'github: requests for an unchanged re-sync (1st, 2nd)': `${second}, ${third} (${notModified} answered 304)`,
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
