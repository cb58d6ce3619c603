// Every bad input of `collect git`: one clear line, a documented exit code, and
// nothing already stored is lost.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { importHistory, longHistory } from '../support/fast-import.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

/** A clone whose `main` has `commits` commits, each rewriting f.txt (written in one git run, checked out). */
function repo(commits = 2): TestRepo {
  const r = importHistory(Array.from({ length: commits }, (_, i) => ({ files: { 'f.txt': `${i}\n` } })));
  cleanup.push(() => r.remove());
  r.git('reset', '-q', '--hard', 'main');
  return r;
}

function query<T>(file: string, sql: string): Promise<T[]> {
  return new Promise((ok, fail) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return fail(err);
      db.all(sql, (error, rows) => {
        db.close();
        if (error) fail(error);
        else ok(rows as T[]);
      });
    });
  });
}

function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^dx-audit: /);
  expect(lines[0]).toMatch(pattern);
}

describe('collect git: bad input', () => {
  it('a path that does not exist', async () => {
    const result = await runCli(['collect', 'git', '/no/such/folder', '--db', join(tempDir(), 'dx.db')]);
    expect(result.exitCode).toBe(2);
    expectOneLine(result.stderr, /\/no\/such\/folder does not exist — pass the folder of a git clone/);
  });

  it('a folder that is not a git repository, checked before anything is written', async () => {
    const dir = tempDir();
    const good = repo();
    const db = join(tempDir(), 'dx.db');
    const result = await runCli(['collect', 'git', good.path, dir, '--db', db]);
    expect(result.exitCode).toBe(2);
    expectOneLine(result.stderr, /is not a git repository — pass the folder of a git clone/);
  });

  it('the git folder of a clone, which is not its work tree', async () => {
    const good = repo();
    const result = await runCli([
      'collect',
      'git',
      join(good.path, '.git'),
      '--db',
      join(tempDir(), 'dx.db'),
    ]);
    expect(result.exitCode).toBe(2);
    expectOneLine(
      result.stderr,
      /\.git is inside a git folder but not in a work tree — pass the top folder of the clone/,
    );
  });

  it('a corrupt database file is refused and left untouched', async () => {
    const r = repo();
    const db = join(tempDir(), 'dx.db');
    const garbage = Buffer.from('this is not a sqlite database, just some bytes\n'.repeat(200));
    writeFileSync(db, garbage);
    const result = await runCli(['collect', 'git', r.path, '--db', db]);
    expect(result.exitCode).toBe(2);
    expectOneLine(
      result.stderr,
      /database .*dx\.db is corrupt or is not a dx-audit database — move the file aside/,
    );
    expect(readFileSync(db).equals(garbage)).toBe(true);
  });

  it('a database written by a newer dx-audit is refused and its data kept', async () => {
    const r = repo(3);
    const db = join(tempDir(), 'dx.db');
    expect((await runCli(['collect', 'git', r.path, '--db', db])).exitCode).toBe(0);
    await new Promise<void>((ok, fail) => {
      const raw = new sqlite3.Database(db, (err) => {
        if (err) return fail(err);
        raw.exec('PRAGMA user_version = 999', (error) => raw.close(() => (error ? fail(error) : ok())));
      });
    });
    const result = await runCli(['collect', 'git', r.path, '--db', db]);
    expect(result.exitCode).toBe(2);
    expectOneLine(result.stderr, /written by a newer dx-audit \(schema 999, .*\) — upgrade dx-audit/);
    const rows = await query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM git_commits');
    expect(rows[0]!.n).toBe(3);
  });

  it('a database folder that cannot be created', async () => {
    const r = repo();
    const file = join(tempDir(), 'plain-file');
    writeFileSync(file, 'x');
    const result = await runCli(['collect', 'git', r.path, '--db', join(file, 'sub', 'dx.db')]);
    expect(result.exitCode).toBe(2);
    expectOneLine(
      result.stderr,
      /cannot create the database folder .* — choose a writable location with --db/,
    );
  });

  it('a database folder without write permission', async () => {
    const r = repo();
    const dir = tempDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(dir, 0o755);
    // root ignores permissions: run the CLI as an unprivileged user then
    const asUser =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    chmodSync(r.path, 0o755);
    const args = [...asUser, process.execPath, BIN, 'collect', 'git', r.path, '--db', join(locked, 'dx.db')];
    const result = await new Promise<{ code: number | null; stderr: string }>((ok) => {
      const child = spawn(args[0]!, args.slice(1), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_PARAMETERS: "'safe.directory=*'" },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('close', (code) => ok({ code, stderr }));
    });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /cannot write the database .* — choose a writable location with --db FILE/);
  });

  it('bad flags and values', async () => {
    const since = await runCli(['collect', 'git', '--since', 'yesterday', '--db', join(tempDir(), 'dx.db')]);
    expect(since.exitCode).toBe(2);
    expectOneLine(
      since.stderr,
      /--since "yesterday" is neither a duration nor an ISO date — use e\.g\. --since 90d/,
    );
    const config = join(tempDir(), 'c.json');
    writeFileSync(
      config,
      JSON.stringify({ coupling: { minShared: 0 }, workingHours: { timeZone: 'Mars/Base' } }),
    );
    const bad = await runCli(['report', '--config', config, '--db', join(tempDir(), 'dx.db')]);
    expect(bad.exitCode).toBe(2);
    expectOneLine(
      bad.stderr,
      /"coupling.minShared" must be a whole number ≥ 1; "workingHours.timeZone" must be an IANA/,
    );
  });
});

const COMMITS = 12_000;

describe('collect git: concurrency and interruption', () => {
  it('two collections writing the same database at once both succeed', async () => {
    const a = repo(40);
    const b = repo(30);
    const db = join(tempDir(), 'dx.db');
    const [ra, rb] = await Promise.all([
      runCli(['collect', 'git', a.path, '--db', db]),
      runCli(['collect', 'git', b.path, '--db', db]),
    ]);
    expect([
      ra.exitCode,
      rb.exitCode,
      ra.stderr.includes('dx-audit:'),
      rb.stderr.includes('dx-audit:'),
    ]).toEqual([0, 0, false, false]);
    const rows = await query<{ repo_id: number; n: number }>(
      db,
      'SELECT repo_id, COUNT(*) AS n FROM git_commits GROUP BY repo_id ORDER BY n DESC',
    );
    expect(rows.map((row) => row.n)).toEqual([40, 30]);
  });

  it('an interrupted collection keeps a consistent database and the next run completes it without duplicates', async () => {
    // three batches of `collect git`: the first is stored long before the last
    const r = longHistory(COMMITS);
    cleanup.push(() => r.remove());
    const db = join(tempDir(), 'dx.db');
    const child = spawn(process.execPath, [BIN, 'collect', 'git', r.path, '--db', db], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DX_AUDIT_DB: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((ok) => child.on('close', (code) => ok(code)));
    // wait until some batches are committed, then interrupt
    for (let i = 0; i < 400; i += 1) {
      await new Promise((ok) => setTimeout(ok, 25));
      const rows = await query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM git_commits').catch(() => [
        { n: 0 },
      ]);
      if (rows[0]!.n > 0) break;
    }
    child.kill('SIGTERM');
    const code = await exited;
    const partial = (await query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM git_commits'))[0]!.n;
    expect(code).toBe(143);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /interrupted by SIGTERM; .* — run the same command again/,
    );
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(COMMITS);
    const runs = await query<{ status: string }>(
      db,
      "SELECT status FROM collection_runs WHERE source = 'git'",
    );
    expect(runs.map((run) => run.status)).toEqual(['interrupted']);
    const again = await runCli(['collect', 'git', r.path, '--db', db]);
    expect(again.exitCode).toBe(0);
    const totals = await query<{ n: number; distinct_n: number }>(
      db,
      'SELECT COUNT(*) AS n, COUNT(DISTINCT sha) AS distinct_n FROM git_commits',
    );
    expect(totals[0]).toEqual({ n: COMMITS, distinct_n: COMMITS });
    const files = await query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM git_file_changes');
    const expected = Number(
      (await import('node:child_process'))
        .execFileSync('sh', ['-c', 'git log --numstat --no-renames --format= | grep -c .'], { cwd: r.path })
        .toString()
        .trim(),
    );
    expect(files[0]!.n).toBe(expected);
  });
});
