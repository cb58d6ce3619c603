// The SQLite store on real files: migrations, WAL, transactions, refusal of newer schemas.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DxError, InputError } from '../../agent/errors.js';
import { Db, resolveDbPath } from '../../agent/store/db.js';
import { SCHEMA_VERSION } from '../../agent/store/migrate.js';
import { tempDir } from '../support/git-repo.js';

describe('store', () => {
  it('creates the folder, migrates to the current schema and uses WAL', async () => {
    const file = join(tempDir(), 'nested', 'deeper', 'dx.db');
    const db = await Db.open(file);
    const version = await db.get<{ user_version: number }>('PRAGMA user_version');
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode');
    const tables = await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    await db.close();
    expect(version?.user_version).toBe(SCHEMA_VERSION);
    expect(mode?.journal_mode).toBe('wal');
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'collection_runs',
        'collection_state',
        'git_commits',
        'git_file_changes',
        'repositories',
      ]),
    );
  });

  it('re-opening an up-to-date database changes nothing', async () => {
    const file = join(tempDir(), 'dx.db');
    const first = await Db.open(file);
    await first.transaction((tx) =>
      tx.run("INSERT INTO repositories (name, path, created_at) VALUES ('r', '/r', '2024-01-01T00:00:00Z')"),
    );
    await first.close();
    const second = await Db.open(file);
    const rows = await second.all('SELECT name, path FROM repositories');
    await second.close();
    expect(rows).toEqual([{ name: 'r', path: '/r' }]);
  });

  it('rolls a failed transaction back completely', async () => {
    const db = await Db.open(join(tempDir(), 'dx.db'));
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO repositories (name, path, created_at) VALUES ('a', '/a', 'now')");
        await tx.run("INSERT INTO repositories (name, path, created_at) VALUES ('b', '/a', 'now')"); // duplicate path
      }),
    ).rejects.toBeInstanceOf(DxError);
    const count = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM repositories');
    await db.close();
    expect(count?.n).toBe(0);
  });

  it('serialises transactions of one process instead of interleaving them', async () => {
    const db = await Db.open(join(tempDir(), 'dx.db'));
    const order: string[] = [];
    await Promise.all(
      ['x', 'y', 'z'].map((name) =>
        db.transaction(async (tx) => {
          order.push(`begin ${name}`);
          await tx.run('INSERT INTO repositories (name, path, created_at) VALUES (?, ?, ?)', [
            name,
            `/${name}`,
            'now',
          ]);
          order.push(`end ${name}`);
        }),
      ),
    );
    await db.close();
    expect(order).toEqual(['begin x', 'end x', 'begin y', 'end y', 'begin z', 'end z']);
  });

  it('refuses a database from a newer schema', async () => {
    const file = join(tempDir(), 'dx.db');
    const db = await Db.open(file);
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.close();
    const error = await Db.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toMatch(/newer dx-audit .* — upgrade dx-audit, or pass another --db/);
  });

  it('resolves the database path from the flag, then DX_AUDIT_DB, then the default', () => {
    expect(resolveDbPath('/x/flag.db', { DX_AUDIT_DB: '/x/env.db' })).toBe('/x/flag.db');
    expect(resolveDbPath(undefined, { DX_AUDIT_DB: '/x/env.db' })).toBe('/x/env.db');
    expect(resolveDbPath(undefined, {})).toBe(join(process.cwd(), '.dx-audit', 'dx.db'));
  });
});
