// seedOrg writes the rows `collect github` stores for the same organisation,
// without HTTP: compared table by table with a real collection from the local GitHub.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { dumpGithub, type Harness, harness } from '../github/harness.js';
import { generateOrg } from '../support/github-generator.js';
import { seedOrg } from '../support/seed-github.js';

describe('seedOrg', () => {
  const open: Harness[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const h of open) await h.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stores exactly what collect github stores for the same data', async () => {
    const org = generateOrg({ seed: 17, repos: 2, prsPerRepo: 60, runsPerRepo: 15, prRuns: true });
    const h = await harness(org);
    open.push(h);
    for (const repo of org.repositories) await h.sync(`${repo.owner}/${repo.name}`, { jobsVia: 'graphql' });
    const collected = await dumpGithub(h);

    const dir = mkdtempSync(join(tmpdir(), 'dx-seed-'));
    dirs.push(dir);
    const dbPath = join(dir, 'dx.db');
    const result = await seedOrg(dbPath, org, { batch: 7 });
    const runs = org.repositories.reduce((n, r) => n + r.runs.length, 0);
    expect(result).toMatchObject({ repositories: 2, pullRequests: 120, runs });
    const seeded = await dumpGithub({ ...h, query: (sql, params) => query(dbPath, sql, params) });
    for (const table of Object.keys(collected)) {
      expect(collected[table]!.length, table).toBeGreaterThan(0);
      expect(seeded[table], table).toEqual(collected[table]);
    }
    const repos = await query<{ name: string; github: string }>(
      dbPath,
      'SELECT name, github FROM repositories ORDER BY id',
    );
    expect(repos).toEqual([
      { name: 'service-1', github: 'acme/service-1' },
      { name: 'service-2', github: 'acme/service-2' },
    ]);
  });
});

async function query<T>(dbPath: string, sql: string, params: (string | number)[] = []): Promise<T[]> {
  const db = await Db.open(dbPath, { readonly: true });
  try {
    return await db.all<T>(sql, params);
  } finally {
    await db.close();
  }
}
