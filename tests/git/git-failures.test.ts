// git's real failures, as users meet them: a repository owned by another user,
// a clone that lost an object, and file names that are not UTF-8.
import { execFileSync } from 'node:child_process';
import { chownSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePath, encodePath } from '../../collectors/git/path-bytes.js';
import { runCli } from '../support/cli.js';
import { gitEnv, TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

function repo(): TestRepo {
  const r = new TestRepo();
  cleanup.push(() => r.remove());
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

/** Runs the CLI with git isolated from the machine's config (no safe.directory exceptions). */
function cli(args: string[]) {
  return runCli(args, { env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

/** Removes the loose object file of `oid`, as a broken clone lacks it. */
function deleteObject(r: TestRepo, oid: string): void {
  rmSync(join(r.path, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
}

describe('git failures are decoded and mapped to their fix', () => {
  it('a clone missing a blob: one line naming the broken clone and the fix, not a byte list', async () => {
    const r = repo();
    r.commit({ files: { 'f.txt': 'a\n' } });
    const blob = r.git('rev-parse', 'HEAD:f.txt');
    r.commit({ files: { 'f.txt': 'b\n' } });
    deleteObject(r, blob);
    const result = await cli(['collect', 'git', r.path, '--db', join(tempDir(), 'dx.db')]);
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `dx-audit: the clone at ${r.path} is broken: git cannot read some of its objects (fatal: unable to read ${blob}) — clone it again, or run \`git fetch --refetch\` there, then run again`,
    );
    expect(result.stderr).not.toMatch(/\d+,\d+,\d+/);
  });

  it('a repository owned by another user: the safe.directory fix, exit 2, not "not a git repository"', async () => {
    const r = repo();
    r.commit({ files: { 'f.txt': 'a\n' } });
    expect(process.getuid?.()).toBe(0); // chown needs root, as the machine's tests run
    const owner = (path: string) => {
      chownSync(path, 65534, 65534);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) owner(join(path, name));
    };
    owner(r.path);
    const result = await cli(['collect', 'git', r.path, '--db', join(tempDir(), 'dx.db')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `dx-audit: git refuses to read ${r.path}: it is owned by another user ("dubious ownership") — if you trust it, run \`git config --global --add safe.directory ${r.path}\` and run again`,
    );
  });
});

describe('git itself missing', () => {
  it('says git is not installed, not that the folder is no repository, exit 2', async () => {
    const r = repo();
    r.commit({ files: { 'f.txt': 'a\n' } });
    const result = await runCli(['collect', 'git', r.path, '--db', join(tempDir(), 'dx.db')], {
      env: { PATH: join(tempDir(), 'no-git-here') },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'dx-audit: git is not installed (no `git` on PATH) — install git, or add the folder holding it to PATH, and run again',
    );
  });
});

describe('file names that are not UTF-8 stay distinct and byte-exact', () => {
  it('the escape is reversible for every byte', () => {
    for (let byte = 0; byte < 256; byte += 1) {
      if (byte === 0) continue;
      const bytes = Buffer.from([0x66, byte, 0x5c, 0xc3, 0xa9, 0x2e]);
      expect(encodePath(decodePath(bytes)).equals(bytes)).toBe(true);
    }
    expect(decodePath(Buffer.from('f\xff.txt', 'latin1'))).toBe('f\\xff.txt');
    expect(decodePath(Buffer.from('dir\\é.txt', 'utf8'))).toBe('dir\\é.txt');
    // a truncated UTF-8 sequence is escaped byte by byte
    expect(decodePath(Buffer.from([0x61, 0xe2, 0x82]))).toBe('a\\xe2\\x82');
  });

  it('f\\xff.txt and f\\xfe.txt are two files in the history, at the tip and in the report', async () => {
    const r = repo();
    // write names as raw bytes through git's index (update-index takes them from stdin)
    r.commit({ files: { 'a.txt': 'x\n' } });
    const write = (name: Buffer, content: string) => {
      const oid = execFileSync('git', ['hash-object', '-w', '--stdin'], {
        cwd: r.path,
        input: content,
        env: { ...process.env, ...gitEnv() },
      })
        .toString()
        .trim();
      execFileSync('git', ['update-index', '--add', '-z', '--index-info'], {
        cwd: r.path,
        input: Buffer.concat([Buffer.from(`100644 ${oid}\t`), name, Buffer.from([0])]),
        env: { ...process.env, ...gitEnv() },
      });
    };
    write(Buffer.from('f\xff.txt', 'latin1'), 'one\n');
    write(Buffer.from('f\xfe.txt', 'latin1'), 'one\ntwo\n');
    execFileSync('git', ['commit', '-q', '-m', 'bytes'], {
      cwd: r.path,
      env: { ...process.env, ...gitEnv() },
    });
    const db = join(tempDir(), 'dx.db');
    const result = await cli(['collect', 'git', r.path, '--db', db, '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).repositories[0]).toMatchObject({ commits: 2, headFiles: 3 });
    const head = await query<{ path: string; lines: number }>(
      db,
      'SELECT path, lines FROM git_head_files ORDER BY path',
    );
    expect(head).toEqual([
      { path: 'a.txt', lines: 1 },
      { path: 'f\\xfe.txt', lines: 2 },
      { path: 'f\\xff.txt', lines: 1 },
    ]);
    const changes = await query<{ path: string; added: number }>(
      db,
      "SELECT path, added FROM git_file_changes WHERE path LIKE 'f%' ORDER BY path",
    );
    expect(changes).toEqual([
      { path: 'f\\xfe.txt', added: 2 },
      { path: 'f\\xff.txt', added: 1 },
    ]);
    // the stored names lead back to git's own bytes
    const listed = execFileSync('git', ['ls-files', '-z'], { cwd: r.path }).toString('latin1').split('\0');
    expect(listed).toContain(encodePath('f\\xff.txt').toString('latin1'));
    expect(listed).toContain(encodePath('f\\xfe.txt').toString('latin1'));
  });
});
