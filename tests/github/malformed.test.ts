// One malformed job, as recorded GitHub data holds (a job without created_at),
// costs only that job: every other run and job of the sync is stored, the job
// is named in the collection result and in what `collect github --verbose`
// prints (a real CLI run), kept in github_malformed, derived again by
// `rebuild`, and counted in the report's dataQuality.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../agent/analysis/analyse.js';
import { Db } from '../../agent/store/db.js';
import { rebuildGithub } from '../../collectors/github/rebuild.js';
import { generateOrg } from '../support/github-generator.js';
import { collectCli, type Harness, harness } from './harness.js';

describe('a malformed job', () => {
  const org = generateOrg({ seed: 5, repos: 1, prsPerRepo: 8, runsPerRepo: 25, days: 20 });
  const jobs = org.repositories[0]!.runs.flatMap((r) => r.attempts.flatMap((a) => a.jobs));
  const attempts = org.repositories[0]!.runs.reduce((n, r) => n + r.attempts.length, 0);
  let h: Harness;
  let result: Awaited<ReturnType<Harness['sync']>>;

  beforeAll(async () => {
    h = await harness(org);
    // the first jobs page served lacks its first job's created_at
    h.server.inject({ kind: 'drop-field', match: '/jobs', field: 'jobs.0.created_at' });
    result = await h.sync('acme/service-1', { jobsVia: 'rest' });
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  const stored = async () => ({
    runs: await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM github_workflow_runs'),
    jobs: await h.query<{ id: number }>('SELECT id FROM github_jobs ORDER BY id'),
    malformed: await h.query<{ kind: string; ref: string; description: string }>(
      'SELECT kind, ref, description FROM github_malformed',
    ),
  });

  it('keeps every other run and job, and names the malformed one', async () => {
    const { runs, jobs: kept, malformed } = await stored();
    expect(malformed).toHaveLength(1);
    const id = Number(malformed[0]!.ref);
    const job = jobs.find((j) => j.id === id)!;
    expect(malformed[0]).toEqual({
      kind: 'job',
      ref: String(id),
      description: `job ${id} (${job.name}) has no valid created_at`,
    });
    expect(result.actions.malformedJobs).toEqual([malformed[0]!.description]);
    expect(runs[0]!.n).toBe(attempts);
    expect(kept.map((j) => j.id)).toEqual(
      jobs
        .map((j) => j.id)
        .filter((j) => j !== id)
        .sort((a, b) => a - b),
    );
  });

  it('is derived again by rebuild, and counted in the report', async () => {
    const before = await stored();
    const db = await Db.open(h.dbPath);
    try {
      await rebuildGithub(db);
      const report = await analyse(db, {
        since: null,
        until: new Date(),
        now: new Date(),
        detail: false,
        top: 10,
      });
      expect(report.dataQuality.malformedJobs).toBe(1);
    } finally {
      await db.close();
    }
    expect(await stored()).toEqual(before);
  });
});

describe('collect github --verbose with a malformed job', () => {
  const org = generateOrg({ seed: 5, repos: 1, prsPerRepo: 8, runsPerRepo: 25, days: 20 });
  const jobs = org.repositories[0]!.runs.flatMap((r) => r.attempts.flatMap((a) => a.jobs));
  const runs = org.repositories[0]!.runs.length;
  let h: Harness;
  beforeAll(async () => {
    h = await harness(org);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const collect = async (dbPath: string, verbose: boolean) => {
    h.server.inject({ kind: 'drop-field', match: '/jobs', field: 'jobs.0.created_at' });
    const result = await collectCli(h.server, dbPath, 'acme/service-1', [
      '--ci-jobs',
      'rest',
      ...(verbose ? ['--verbose'] : []),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const db = await Db.open(dbPath);
    try {
      const malformed = await db.all<{ ref: string; description: string }>(
        `SELECT ref, description FROM github_malformed WHERE kind = 'job'`,
      );
      return { ...result, malformed };
    } finally {
      await db.close();
    }
  };

  it('prints the malformed job by id and name, and counts it in the summary line', async () => {
    const { stdout, stderr, malformed } = await collect(join(h.dir, 'verbose.db'), true);
    expect(malformed).toHaveLength(1);
    const id = Number(malformed[0]!.ref);
    const job = jobs.find((j) => j.id === id)!;
    // the job named in the output is the one the server sent without created_at, by its id and name
    const line = `dx-audit: acme/service-1: job ${id} (${job.name}) has no valid created_at`;
    expect(stderr.split('\n')).toContain(line);
    expect(stderr.split('\n').filter((l) => l.includes('has no valid'))).toEqual([line]);
    // 25 runs, every job but the malformed one
    expect(stderr).toContain(
      `acme/service-1: 8 pull requests read (full sync), ${runs} workflow runs, ${jobs.length - 1} jobs (1 malformed job left out); `,
    );
    expect(stdout).toBe('');
  });

  it('without --verbose, counts it but does not list it', async () => {
    const { stderr, malformed } = await collect(join(h.dir, 'quiet.db'), false);
    expect(malformed).toHaveLength(1);
    expect(stderr).toContain(`${jobs.length - 1} jobs (1 malformed job left out); `);
    expect(stderr).not.toContain('has no valid created_at');
  });
});
