// The store refuses files it must not write: another application's SQLite
// database, and a dx-audit database with damaged pages; it still opens and
// upgrades a database written before the application id existed.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { SCHEMA_VERSION } from '../../agent/store/migrate.js';
import { APPLICATION_ID } from '../../agent/store/migrations/007-application-id.js';
import { migrations } from '../../agent/store/migrations/index.js';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

function repo(): TestRepo {
  const r = new TestRepo();
  cleanup.push(() => r.remove());
  for (let i = 0; i < 3; i += 1) r.commit({ files: { 'f.txt': `${i}\n` } });
  return r;
}

function sql(file: string, statements: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((ok, fail) => {
    const raw = new sqlite3.Database(file, (err) => {
      if (err) return fail(err);
      raw.all(statements, (error, rows) => raw.close(() => (error ? fail(error) : ok(rows as never))));
    });
  });
}

function exec(file: string, statements: string): Promise<void> {
  return new Promise((ok, fail) => {
    const raw = new sqlite3.Database(file, (err) => {
      if (err) return fail(err);
      raw.exec(statements, (error) => raw.close(() => (error ? fail(error) : ok())));
    });
  });
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('another application’s SQLite file', () => {
  it('is refused with exit 2 and left byte for byte, by collect and by report', async () => {
    const r = repo();
    const file = join(tempDir(), 'other-app.db');
    await exec(
      file,
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');",
    );
    const before = digest(file);
    for (const args of [
      ['collect', 'git', r.path, '--db', file],
      ['report', '--format', 'json', '--db', file],
    ]) {
      const result = await runCli(args);
      expect([args[0], result.exitCode]).toEqual([args[0], 2]);
      expect(result.stderr).toBe(
        `dx-audit: the database ${file} belongs to another application, not dx-audit — pass the path of a dx-audit database (or of a new file) with --db; that file is left untouched`,
      );
    }
    expect(digest(file)).toBe(before);
    expect(await sql(file, "SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([
      { name: 'notes' },
    ]);
  });

  it('a file with a schema version but none of dx-audit’s tables is refused too', async () => {
    const file = join(tempDir(), 'versioned.db');
    await exec(file, 'CREATE TABLE t (x); PRAGMA user_version = 3;');
    await expect(Db.open(file)).rejects.toThrow(/belongs to another application/);
  });

  it('a new or empty file becomes a dx-audit database carrying the id', async () => {
    const file = join(tempDir(), 'empty.db');
    writeFileSync(file, '');
    const db = await Db.open(file);
    const id = await db.get<{ application_id: number }>('PRAGMA application_id');
    await db.close();
    expect(id?.application_id).toBe(APPLICATION_ID);
    expect(APPLICATION_ID).toBe(0x44584155);
  });

  it('a dx-audit database of the previous version (no id yet) opens, keeps its data and gets the id', async () => {
    const r = repo();
    const file = join(tempDir(), 'previous.db');
    // as the previous version left it: the schema of its five migrations, no application id
    await exec(
      file,
      `${migrations
        .slice(0, 5)
        .map((m) => m.sql)
        .join(';\n')}; PRAGMA user_version = 5;`,
    );
    expect(await sql(file, 'PRAGMA application_id')).toEqual([{ application_id: 0 }]);
    const again = await runCli(['collect', 'git', r.path, '--db', file, '--quiet']);
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(await sql(file, 'PRAGMA application_id')).toEqual([{ application_id: APPLICATION_ID }]);
    expect(await sql(file, 'PRAGMA user_version')).toEqual([{ user_version: SCHEMA_VERSION }]);
    expect(await sql(file, 'SELECT COUNT(*) AS n FROM git_commits')).toEqual([{ n: 3 }]);
  });
});

describe('a dx-audit database with a damaged page', () => {
  it('is refused before writing, the same way (exit 2, same line) by collect git and by report', async () => {
    const r = repo();
    const file = join(tempDir(), 'dx.db');
    expect((await runCli(['collect', 'git', r.path, '--db', file])).exitCode).toBe(0);
    const { rootpage, page_size } = (
      (await sql(
        file,
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) AS page_size FROM sqlite_master WHERE name = 'git_commits'",
      )) as Array<{ rootpage: number; page_size: number }>
    )[0]!;
    // overwrite the table's root page with garbage, as a bad disk sector would
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(page_size, 0xab), 0, page_size, (rootpage - 1) * page_size);
    closeSync(fd);
    const damaged = digest(file);
    const expected = `dx-audit: the database ${file} is corrupt or is not a dx-audit database — move the file aside (it is left untouched) and collect again, or pass another --db`;
    const collect = await runCli(['collect', 'git', r.path, '--db', file]);
    expect(collect.stderr).toBe(expected);
    expect(collect.exitCode).toBe(2);
    const report = await runCli(['report', '--format', 'json', '--db', file]);
    expect(report.stderr).toBe(expected);
    expect(report.exitCode).toBe(2);
    expect(digest(file)).toBe(damaged);
  });
});
