// Schema migrations: numbered, applied in order inside one transaction, the
// version recorded in PRAGMA user_version. A database written by a newer
// dx-audit is refused rather than silently misread.
import { InputError } from '../errors.js';
import type { Queryable } from './db.js';
import { APPLICATION_ID } from './migrations/007-application-id.js';
import { migrations } from './migrations/index.js';

/** One schema step. `version` must equal its position in the list (1-based). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The schema version this build of dx-audit writes. */
export const SCHEMA_VERSION = migrations.length;

interface Migratable extends Queryable {
  readonly file: string;
}

/** Brings the database up to SCHEMA_VERSION (or checks it, read-only). */
export async function migrate(db: Migratable, options: { readonly: boolean }): Promise<void> {
  const current = await userVersion(db);
  if (current > SCHEMA_VERSION) throw newerSchema(db.file, current);
  if (current === SCHEMA_VERSION) return;
  if (options.readonly) {
    throw new InputError(
      `the database ${db.file} has schema ${current}, this dx-audit needs ${SCHEMA_VERSION}`,
      {
        fix: 'run any collect command once to upgrade it',
      },
    );
  }
  await db.exec('BEGIN IMMEDIATE');
  try {
    // Another process may have migrated while we waited for the write lock.
    const locked = await userVersion(db);
    if (locked > SCHEMA_VERSION) throw newerSchema(db.file, locked);
    for (const migration of migrations) {
      if (migration.version <= locked) continue;
      await db.exec(migration.sql);
    }
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Tables every dx-audit schema has had since the first version. */
const OUR_TABLES = ['repositories', 'collection_runs', 'collection_state', 'git_commits'];

/**
 * Refuses a SQLite file of another application: a non-empty database must
 * carry dx-audit's application id, or — written before the id existed — have
 * a schema version and dx-audit's own tables (it gets the id on migration).
 * Runs before anything is written, so the other file is left byte for byte.
 */
export async function checkOwnership(db: Migratable): Promise<void> {
  const version = await userVersion(db);
  const id = (await db.get<{ application_id: number }>('PRAGMA application_id'))?.application_id ?? 0;
  if (id === APPLICATION_ID) return;
  const names = (await db.all<{ name: string }>('SELECT name FROM sqlite_master')).map((row) => row.name);
  if (id === 0 && names.length === 0 && version === 0) return; // a new, empty file
  if (id === 0 && version > 0 && OUR_TABLES.every((table) => names.includes(table))) return;
  throw new InputError(`the database ${db.file} belongs to another application, not dx-audit`, {
    fix: 'pass the path of a dx-audit database (or of a new file) with --db; that file is left untouched',
  });
}

async function userVersion(db: Queryable): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

function newerSchema(file: string, version: number): InputError {
  return new InputError(
    `the database ${file} was written by a newer dx-audit (schema ${version}, this one knows up to ${SCHEMA_VERSION})`,
    { fix: 'upgrade dx-audit, or pass another --db' },
  );
}
