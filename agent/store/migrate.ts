// Schema migrations: numbered, applied in order inside one transaction, the
// version recorded in PRAGMA user_version. A database written by a newer
// dx-audit is refused rather than silently misread.
import { InputError } from '../errors.js';
import type { Queryable } from './db.js';
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
