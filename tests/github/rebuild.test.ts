// `dx-audit rebuild` re-extracts the normalised GitHub tables from the stored
// raw responses: after an incremental history (a running run finished later,
// a new review, a new pull request, a re-run, a deleted run), the rebuilt
// tables equal the collected ones row for row, raw ids included, and equal a
// fresh collection of the same organisation (raw ids aside).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { GITHUB_TABLES, selectRows } from '../../agent/store/github.js';
import { runCli } from '../support/cli.js';
import { type GenRun, generateOrg } from '../support/github-generator.js';
import { dumpGithub, type Harness, harness } from './harness.js';

/** Every normalised row, raw ids included, read through the tables' own column lists. */
async function snapshot(dbPath: string): Promise<Record<string, string[]>> {
  const db = await Db.open(dbPath);
  try {
    const out: Record<string, string[]> = {};
    for (const [name, table] of Object.entries(GITHUB_TABLES)) {
      const rows = await selectRows(db, table as (typeof GITHUB_TABLES)['runs']);
      out[name] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    await db.close();
  }
}

describe('dx-audit rebuild', () => {
  // 5% large PRs need follow-up pages (files beyond the first 100).
  const org = generateOrg({ seed: 33, repos: 1, prsPerRepo: 150, runsPerRepo: 80, largePrRate: 0.05 });
  const repo = org.repositories[0]!;
  const byAge = [...repo.runs].sort((a, b) => b.createdAt - a.createdAt);
  const newest = byAge[0]!;
  const finished = structuredClone(newest.attempts);
  let h: Harness;
  let fresh: Harness;

  beforeAll(async () => {
    const last = newest.attempts.at(-1)!;
    last.status = 'in_progress';
    last.conclusion = null;
    last.jobs.at(-1)!.status = 'in_progress';
    last.jobs.at(-1)!.conclusion = null;
    last.jobs.at(-1)!.completedAt = null;
    h = await harness(org);
    await h.sync('acme/service-1');
    // Then: the running run finishes and is re-run, a review and a pull request are added, a run is added.
    newest.attempts = finished;
    const rerun = structuredClone(finished.at(-1)!);
    rerun.attempt = finished.length + 1;
    for (const j of rerun.jobs) {
      j.id += 5_000_000;
      j.createdAt += 3_600_000;
      j.startedAt = j.startedAt === null ? null : j.startedAt + 3_600_000;
      j.completedAt = j.completedAt === null ? null : j.completedAt + 3_600_000;
    }
    rerun.runStartedAt = rerun.jobs[0]!.createdAt;
    rerun.updatedAt = Math.max(...rerun.jobs.map((j) => j.completedAt ?? 0));
    newest.attempts.push(rerun);
    const at = org.now + 3600_000;
    const pr = repo.pullRequests[4]!;
    pr.reviews.push({ id: 99_000_001, author: org.people[3]!, state: 'COMMENTED', submittedAt: at });
    pr.updatedAt = at;
    const added = structuredClone(repo.pullRequests[0]!);
    added.number = 151;
    added.updatedAt = at + 1000;
    repo.pullRequests.push(added);
    const run: GenRun = structuredClone(byAge[1]!);
    run.id = newest.id + 1_000_000;
    run.createdAt = newest.createdAt + 600_000;
    for (const a of run.attempts) for (const j of a.jobs) j.id += 1_000_000;
    repo.runs.push(run);
    await h.sync('acme/service-1');
    fresh = await harness(org);
    await fresh.sync('acme/service-1');
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await fresh?.close();
  });

  it('gives back the collected rows exactly, raw ids included, without a request', async () => {
    const collected = await snapshot(h.dbPath);
    expect(collected['pullRequests']).toHaveLength(151);
    expect(collected['files']!.length).toBeGreaterThan(0);
    const followUps = await h.query<{ n: number }>(
      "SELECT count(*) AS n FROM github_raw WHERE kind = 'graphql:pull_request_lists'",
    );
    expect(followUps[0]!.n).toBeGreaterThan(0);
    h.server.resetLog();
    const result = await runCli(['rebuild', '--db', h.dbPath, '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).repositories).toEqual([
      {
        repository: 'acme/service-1',
        pullRequests: 151,
        runAttempts: collected['runs']!.length,
      },
    ]);
    expect(h.server.requests).toBe(0);
    const rebuilt = await snapshot(h.dbPath);
    for (const name of Object.keys(GITHUB_TABLES)) expect(rebuilt[name], name).toEqual(collected[name]);
  });

  it('equals a fresh collection of the same organisation', async () => {
    const rows = await dumpGithub(h);
    expect(rows['github_workflow_runs']!.filter((r) => (r as { id: number }).id === newest.id)).toHaveLength(
      newest.attempts.length,
    );
    expect(rows).toEqual(await dumpGithub(fresh));
  });

  it('rebuilds the rows after they were lost, and an empty store is named', async () => {
    const before = await snapshot(h.dbPath);
    await h.query('DELETE FROM github_jobs');
    await h.query('UPDATE github_pull_requests SET title = ?', ['lost']);
    const result = await runCli(['rebuild', '--db', h.dbPath]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('acme/service-1: 151 pull requests');
    expect(await snapshot(h.dbPath)).toEqual(before);
    const missing = await runCli(['rebuild', '--db', `${h.dir}/none.db`]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `dx-audit: no database at ${h.dir}/none.db — run \`dx-audit collect github\` first, or pass --db FILE`,
    );
  });
});
