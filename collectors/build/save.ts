// Stores timed runs in the database, or — when it is locked, read-only or
// broken — in the pending folder, so a build is never lost and never fails
// because of its bookkeeping. Every successful write also ingests what was
// pending. The SQLite module is imported only here, after the build is over.
import type { Db } from '../../agent/store/db.js';
import { ingestPending, writePending } from './pending.js';
import type { BuildRecord } from './record.js';

export type SaveResult =
  | { where: 'database'; added: number; ingested: number }
  | { where: 'pending'; file: string; reason: unknown };

/** Opens the database, stores the records, ingests pending ones; falls back to a pending file. */
export async function saveRecords(
  dbPath: string,
  records: readonly BuildRecord[],
  options: { busyTimeoutMs?: number; db?: Db } = {},
): Promise<SaveResult> {
  let db: Db | undefined = options.db;
  try {
    const [{ Db }, { storeBuildRecords }] = await Promise.all([
      import('../../agent/store/db.js'),
      import('../../agent/store/builds.js'),
    ]);
    db ??= await Db.open(
      dbPath,
      options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs },
    );
    const open = db;
    const added = await open.transaction((tx) => storeBuildRecords(tx, records));
    let ingested = 0;
    try {
      ingested = (await ingestPending(open, dbPath)).records;
    } catch {
      // our own record is in; older pending ones wait for the next write
    }
    return { where: 'database', added, ingested };
  } catch (reason) {
    return { where: 'pending', file: writePending(dbPath, records), reason };
  } finally {
    if (db && db !== options.db) await db.close().catch(() => undefined);
  }
}
