// `dx-audit merge` equals one machine: a generated three-repository organisation
// collected (git clones + the local GitHub server) once into one database, and
// once into one shard per repository that are then merged. The JSON reports
// must be byte for byte the same apart from generatedAt.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { MERGED_TABLES } from '../../agent/store/merge.js';
import { SCHEMA_VERSION } from '../../agent/store/migrate.js';
import { runCli } from '../support/cli.js';
import { runCommand } from '../support/command.js';
import { gitEnv, tempDir } from '../support/git-repo.js';
import { type GithubServer, startGithubServer } from '../support/github-server/server.js';
import { buildScenario, type Scenario } from '../support/scenarios.js';

const TOKEN = 'ghp_mergeTestTokenNeverStored0123456789';
const env = { GITHUB_TOKEN: TOKEN, GH_TOKEN: '', GITHUB_API_URL: '', GITHUB_GRAPHQL_URL: '', GH_HOST: '' };

/** Row counts of every table merge carries. */
async function tableCounts(file: string): Promise<Record<string, number>> {
  const db = await Db.open(file, { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const table of MERGED_TABLES) {
      out[table] = (await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
    }
    return out;
  } finally {
    await db.close();
  }
}

async function sql(file: string, statement: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return fail(err);
      db.exec(statement, (e) => db.close(() => (e ? fail(e) : ok())));
    });
  });
}

describe('dx-audit merge', () => {
  const dir = tempDir('dx-audit-merge-');
  let s: Scenario;
  let server: GithubServer;
  const single = join(dir, 'single.db');
  const merged = join(dir, 'merged.db');
  const shards: string[] = [];
  let singleReport: string;

  const cli = async (args: string[]) => {
    const result = await runCli(args, { env, cwd: dir });
    if (result.exitCode !== 0) throw new Error(`dx-audit ${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  const report = async (db: string) => {
    const { stdout } = await cli([
      'report',
      '--format',
      'json',
      '--detail',
      '--since',
      s.since,
      '--until',
      s.until,
      '--db',
      db,
    ]);
    // apart from generatedAt, and the times the collections ran (shards ran at other moments than one machine)
    const json = JSON.parse(stdout) as { generatedAt: string; collection: { at: string }[] };
    json.generatedAt = '…';
    json.collection = json.collection.map((c) => ({ ...c, at: '…' }));
    return JSON.stringify(json, null, 2);
  };

  beforeAll(async () => {
    // a fifth of a scenario's pull requests: merging does not need enough changes to judge anyone
    s = await buildScenario('builds_ci', 7, join(dir, 'repos'), 0.2);
    server = await startGithubServer(s.org, { token: TOKEN, validateRest: false });
    // the collections run in this process (tests/support/command.ts): merge and report are the subject
    const collect = async (db: string, repos: Scenario['repos']) => {
      await runCommand(
        'collect git',
        { db },
        repos.map((r) => r.path),
      );
      await runCommand(
        'collect github',
        { db },
        repos.map((r) => r.slug),
        { githubUrl: server.url },
        env,
      );
    };
    // one machine: every repository into one database
    await collect(single, s.repos);
    // one shard per repository, as the matrix jobs do
    for (const [i, repo] of s.repos.entries()) {
      const shard = join(dir, `shard-${i + 1}.db`);
      await collect(shard, [repo]);
      shards.push(shard);
    }
    await cli(['merge', ...shards, '--db', merged]);
    singleReport = await report(single);
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the report of one machine, byte for byte apart from generatedAt', async () => {
    const parsed = JSON.parse(singleReport);
    // the organisation as generated: 3 repositories, every pull request and run collected
    const prs = s.org.repositories.reduce((n, r) => n + r.pullRequests.length, 0);
    expect(parsed.repositories).toHaveLength(3);
    expect((await tableCounts(single)).github_pull_requests).toBe(prs);
    expect(parsed.pullRequests.merged).toBeGreaterThan(100);
    expect(parsed.ci.runs).toBeGreaterThan(300);
    expect(parsed.git.commits).toBeGreaterThan(100);
    expect(parsed.diagnosis.length).toBeGreaterThan(0);
    expect(await report(merged)).toBe(singleReport);
  });

  it('holds the same facts as one machine, with shard ids remapped onto one id space', async () => {
    const one = await tableCounts(single);
    const many = await tableCounts(merged);
    for (const table of MERGED_TABLES) {
      if (table === 'collection_runs' || table === 'github_raw' || table === 'collection_state') continue;
      expect([table, many[table]]).toEqual([table, one[table]]);
    }
    // three shards each numbered their repository 1; merged they are 1, 2, 3 in shard order
    const db = await Db.open(merged, { readonly: true });
    try {
      const repos = await db.all<{ id: number; github: string }>(
        'SELECT id, github FROM repositories ORDER BY id',
      );
      expect(repos).toEqual(s.repos.map((r, i) => ({ id: i + 1, github: r.slug })));
      // every normalised row points to a raw response of its own repository, and to a run that exists
      const crossed = await db.get<{ n: number }>(
        `SELECT count(*) AS n FROM github_pull_requests p JOIN github_raw r ON r.id = p.raw_id
         WHERE r.repo_id IS NOT p.repo_id`,
      );
      expect(crossed!.n).toBe(0);
      expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
      const dangling = await db.get<{ n: number }>(
        'SELECT count(*) AS n FROM git_commits WHERE run_id NOT IN (SELECT id FROM collection_runs)',
      );
      expect(dangling!.n).toBe(0);
      // each shard's cursors arrived: 3 repositories × (git log, git tip, reverts, PRs, runs, DORA)
      const state = await db.get<{ n: number }>(
        "SELECT count(*) AS n FROM collection_state WHERE source IN ('git', 'github')",
      );
      expect(state!.n).toBe(18);
    } finally {
      await db.close();
    }
  });

  it('is idempotent: merging a shard again changes nothing', async () => {
    const before = await tableCounts(merged);
    const again = await runCli(['merge', shards[1]!, shards[0]!, '--db', merged, '--json'], {
      env,
      cwd: dir,
    });
    expect(again.exitCode).toBe(0);
    const added = JSON.parse(again.stdout).shards.map(
      (r: { repositoriesAdded: number; rowsAdded: Record<string, number> }) => [
        r.repositoriesAdded,
        Object.values(r.rowsAdded).reduce((a, b) => a + b, 0),
      ],
    );
    expect(added).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(await tableCounts(merged)).toEqual(before);
    expect(await report(merged)).toBe(singleReport);
  });

  it('takes one shard back out of the merged database (--only), cursors included', async () => {
    const only = join(dir, 'only.db');
    const result = await runCli(['merge', merged, '--only', s.repos[1]!.slug.toUpperCase(), '--db', only], {
      env,
      cwd: dir,
    });
    expect(result.exitCode).toBe(0);
    const shard = await tableCounts(shards[1]!);
    const taken = await tableCounts(only);
    for (const table of MERGED_TABLES) {
      if (table === 'collection_runs' || table === 'github_raw') continue;
      expect([table, taken[table]]).toEqual([table, shard[table]]);
    }
    expect(taken.repositories).toBe(1);
    expect(await report(only)).toBe(await report(shards[1]!));
    server.resetLog();
    const again = await cli([
      'collect',
      'github',
      s.repos[1]!.slug,
      '--github-url',
      server.url,
      '--db',
      only,
      '--json',
    ]);
    expect(JSON.parse(again.stdout).requests).toBeLessThanOrEqual(3);
  });

  it('carries collection state: a merged database re-collects incrementally', async () => {
    const copy = join(dir, 'recollect.db');
    copyFileSync(merged, copy);
    server.resetLog();
    const github = await cli([
      'collect',
      'github',
      s.repos[0]!.slug,
      '--github-url',
      server.url,
      '--db',
      copy,
      '--json',
    ]);
    // an unchanged repository costs at most 3 requests, as on the machine that collected it
    expect(JSON.parse(github.stdout).requests).toBeLessThanOrEqual(3);
    expect(server.requests).toBeLessThanOrEqual(3);
    const unchanged = await cli(['collect', 'git', s.repos[0]!.path, '--db', copy, '--json']);
    expect(unchanged.stdout).toContain('"mode": "unchanged"');
    const repo = s.repos[0]!.path;
    writeFileSync(join(repo, 'late.txt'), 'one\ntwo\n');
    const git = { cwd: repo, env: { ...process.env, ...gitEnv() } };
    await execa('git', ['add', 'late.txt'], git);
    await execa('git', ['commit', '-q', '--no-gpg-sign', '-m', 'late change'], git);
    const incremental = await cli(['collect', 'git', repo, '--db', copy, '--json']);
    expect(incremental.stdout).toContain('"mode": "incremental"');
    expect(incremental.stdout).toMatch(/"commits": 1\b/);
    await execa('git', ['reset', '-q', '--hard', 'HEAD~1'], git);
  });

  it('refuses a shard from a newer schema with one line and exit 2, changing nothing', async () => {
    const newer = join(dir, 'newer.db');
    copyFileSync(shards[2]!, newer);
    await sql(newer, `PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    const before = await tableCounts(merged);
    const result = await runCli(['merge', shards[0]!, newer, '--db', merged], { env, cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `the shard ${newer} was written by a newer dx-audit (schema ${SCHEMA_VERSION + 1}`,
    );
    expect(await tableCounts(merged)).toEqual(before);
  });

  it('refuses shards collected with other settings (incident label) with one line and exit 2', async () => {
    // (the bot list is decided at analysis time, so shards with other bot lists merge as they are)
    const other = join(dir, 'other-labels.db');
    const config = join(dir, 'labels.json');
    writeFileSync(config, JSON.stringify({ dora: { incidentLabel: 'outage' } }));
    await cli([
      'collect',
      'github',
      s.repos[2]!.slug,
      '--github-url',
      server.url,
      '--db',
      other,
      '--config',
      config,
    ]);
    const target = join(dir, 'fresh.db');
    const result = await runCli(['merge', shards[0]!, other, '--db', target], { env, cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${other} was collected with other settings than ${shards[0]}`);
    expect(result.stderr).toContain('github dora');
    // nothing was merged, not even the good shard named first
    expect((await tableCounts(target)).repositories).toBe(0);
  });

  it('refuses a missing shard and a file that is not a database, exit 2', async () => {
    const missing = await runCli(['merge', join(dir, 'nope.db'), '--db', merged], { env, cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'this is not sqlite, just text long enough to have a header');
    const bad = await runCli(['merge', text, '--db', merged], { env, cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(`the shard ${text} cannot be read as a dx-audit database`);
  });

  it('knows every table of the schema (a new migration must teach merge its table)', async () => {
    const fresh = join(dir, 'schema.db');
    const db = await Db.open(fresh);
    try {
      const tables = await db.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      );
      expect(tables.map((t) => t.name)).toEqual([...MERGED_TABLES].sort());
    } finally {
      await db.close();
    }
  });
});
