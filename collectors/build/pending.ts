// The spool of build records: `wrap` never opens the database (SQLite alone
// would cost more than the rest of its start-up), so each wrapped run lands
// here as one small JSON file, and every command that reads or writes build
// runs ingests them first (ingestPendingBuilds). `build` uses it too when the database is
// locked or broken. Each file is written to a temporary name and renamed, so
// concurrent writers and readers never see half a record.
import { readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../agent/store/db.js';
import type { BuildRecord } from './record.js';
import { FORMAT, pendingDirs } from './spool.js';

export { FORMAT, pendingDirs, writePending } from './spool.js';

/** The pending files of a database, oldest first. */
export function listPending(dbPath: string): string[] {
  const files: string[] = [];
  for (const dir of pendingDirs(dbPath)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) files.push(join(dir, name));
  }
  return files;
}

/**
 * Moves every pending record into the database in one transaction, then
 * deletes the files. A crash between the two only means the records are
 * offered again, and their run keys make the second write a no-op.
 */
export async function ingestPending(db: Db, dbPath: string): Promise<{ files: number; records: number }> {
  const files = listPending(dbPath);
  if (files.length === 0) return { files: 0, records: 0 };
  const batch: BuildRecord[] = [];
  const done: string[] = [];
  for (const file of files) {
    let parsed: { format?: number; records?: BuildRecord[] };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it
      // Unreadable: keep it aside for inspection rather than retrying forever.
      tryRename(file, `${file}.bad`);
      continue;
    }
    if (parsed.format !== FORMAT || !Array.isArray(parsed.records) || !parsed.records.every(isRecord)) {
      tryRename(file, `${file}.bad`);
      continue;
    }
    batch.push(...parsed.records);
    done.push(file);
  }
  // loaded here, not at the top: `wrap` imports this module only to write
  const { storeBuildRecords } = await import('../../agent/store/builds.js');
  const records = batch.length === 0 ? 0 : await db.transaction((tx) => storeBuildRecords(tx, batch));
  for (const file of done) {
    try {
      unlinkSync(file);
    } catch {
      // removed by a concurrent ingestion
    }
  }
  return { files: done.length, records };
}

/** How long ingestion waits for another writer before leaving the records for the next command. */
const PENDING_BUSY_TIMEOUT_MS = 1000;

/**
 * The explicit step that takes the spool in, called by the commands that read
 * or write build runs (audit, build, report, dashboard). Never a reason to
 * fail or stall the command: on a busy or read-only database the records wait
 * for the next one. With nothing waiting it costs two directory reads.
 */
export async function ingestPendingBuilds(db: Db): Promise<{ files: number; records: number }> {
  if (listPending(db.file).length === 0) return { files: 0, records: 0 };
  return db
    .withBusyTimeout(PENDING_BUSY_TIMEOUT_MS, () => ingestPending(db, db.file))
    .catch(() => ({ files: 0, records: 0 }));
}

function tryRename(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // gone already
  }
}

/** Enough of a shape check that one hand-edited or truncated file cannot block every later ingestion. */
function isRecord(value: unknown): value is BuildRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const machine = r['machine'] as Record<string, unknown> | null | undefined;
  const git = r['git'] as Record<string, unknown> | null | undefined;
  return (
    typeof r['runKey'] === 'string' &&
    typeof r['cwd'] === 'string' &&
    typeof r['command'] === 'string' &&
    Array.isArray(r['argv']) &&
    ['build', 'test'].includes(r['kind'] as string) &&
    ['warm', 'cold', 'wrapped'].includes(r['mode'] as string) &&
    ['success', 'failure', 'signal', 'timeout', 'not_started'].includes(r['outcome'] as string) &&
    typeof r['wallSeconds'] === 'number' &&
    typeof r['startedAt'] === 'string' &&
    typeof r['finishedAt'] === 'string' &&
    (git === null || (typeof git === 'object' && typeof git['root'] === 'string')) &&
    typeof machine === 'object' &&
    machine !== null &&
    typeof machine['id'] === 'string' &&
    typeof machine['hostname'] === 'string'
  );
}
