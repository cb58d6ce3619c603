// A thin adapter over the `sqlite3` package: every SQL statement of dx-audit
// goes through run/all/get/transaction here, so locking, busy handling and
// error translation live in one place.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { InputError, WorkError } from '../errors.js';
import { checkOwnership, migrate } from './migrate.js';

export type SqlValue = string | number | bigint | null | Buffer;
export type Params = readonly SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, unknown>;

/** What a statement run reports back. */
export interface RunResult {
  changes: number;
  lastID: number;
}

/** The query surface shared by the database and by an open transaction. */
export interface Queryable {
  run(sql: string, params?: Params): Promise<RunResult>;
  all<T = Row>(sql: string, params?: Params): Promise<T[]>;
  get<T = Row>(sql: string, params?: Params): Promise<T | undefined>;
  exec(sql: string): Promise<void>;
}

const BUSY_TIMEOUT_MS = 60_000;

/** Default database location: `--db`, then DX_AUDIT_DB, then .dx-audit/dx.db under the working directory. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag || env['DX_AUDIT_DB'] || '.dx-audit/dx.db');
}

/** Turns sqlite's error codes into messages that name the problem and the fix. */
export function translateSqliteError(error: unknown, file: string): Error {
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  if (
    err.code === 'SQLITE_NOTADB' ||
    err.code === 'SQLITE_CORRUPT' ||
    /not a database|malformed/i.test(message)
  ) {
    return new InputError(`the database ${file} is corrupt or is not a dx-audit database`, {
      fix: 'move the file aside (it is left untouched) and collect again, or pass another --db',
      cause: error,
    });
  }
  if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED') {
    return new WorkError(
      `the database ${file} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s`,
      {
        fix: 'wait for the other dx-audit process to finish, then run again',
        cause: error,
      },
    );
  }
  if (err.code === 'SQLITE_CANTOPEN' || err.code === 'SQLITE_READONLY' || err.code === 'SQLITE_PERM') {
    return new InputError(`cannot write the database ${file} (${err.code})`, {
      fix: 'choose a writable location with --db FILE or DX_AUDIT_DB',
      cause: error,
    });
  }
  if (err.code === 'SQLITE_FULL' || err.code === 'SQLITE_IOERR') {
    return new WorkError(`cannot write the database ${file} (${err.code}: ${message})`, {
      fix: 'free disk space or choose another --db location; data already stored is kept',
      cause: error,
    });
  }
  return new WorkError(`database error in ${file}: ${message}`, { cause: error });
}

class Runner implements Queryable {
  constructor(
    protected readonly raw: sqlite3.Database,
    readonly file: string,
  ) {}

  run(sql: string, params: Params = []): Promise<RunResult> {
    return new Promise((ok, fail) => {
      this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) fail(err);
        else ok({ changes: this.changes, lastID: this.lastID });
      });
    }).catch((err) => {
      throw translateSqliteError(err, this.file);
    }) as Promise<RunResult>;
  }

  all<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise<T[]>((ok, fail) => {
      this.raw.all(sql, params, (err: Error | null, rows: T[]) => (err ? fail(err) : ok(rows)));
    }).catch((err) => {
      throw translateSqliteError(err, this.file);
    });
  }

  get<T = Row>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise<T | undefined>((ok, fail) => {
      this.raw.get(sql, params, (err: Error | null, row: T | undefined) => (err ? fail(err) : ok(row)));
    }).catch((err) => {
      throw translateSqliteError(err, this.file);
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise<void>((ok, fail) => {
      this.raw.exec(sql, (err: Error | null) => (err ? fail(err) : ok()));
    }).catch((err) => {
      throw translateSqliteError(err, this.file);
    });
  }
}

/** An open dx-audit database: WAL, busy timeout, migrated to the current schema. */
export class Db extends Runner {
  private lock: Promise<void> = Promise.resolve();
  private busyTimeoutMs = BUSY_TIMEOUT_MS;

  /**
   * Runs `work` with a shorter wait for another writer, for work that should
   * rather be left for later than stall the command (e.g. pending build records).
   */
  async withBusyTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
    this.raw.configure('busyTimeout', Math.min(ms, this.busyTimeoutMs));
    try {
      return await work();
    } finally {
      this.raw.configure('busyTimeout', this.busyTimeoutMs);
    }
  }

  /**
   * Opens (creating when needed) and migrates the database at `file`. `busyTimeoutMs`
   * shortens the wait for another writer. A writable open first checks the
   * file's integrity (PRAGMA quick_check), so a damaged database is refused
   * before anything is written to it, the same way a reader meets it. Build
   * records waiting in the pending spool are not touched here: the commands
   * that read builds call ingestPendingBuilds. (`pending` is accepted and
   * ignored, for callers written when opening ingested them.)
   */
  /** The name of an in-memory store. */
  static readonly MEMORY = ':memory:';

  static async open(
    file: string,
    options: { readonly?: boolean; busyTimeoutMs?: number; pending?: boolean } = {},
  ): Promise<Db> {
    // ':memory:' is an empty store that leaves no file behind (a report before any collection)
    const memory = file === Db.MEMORY;
    const path = memory ? Db.MEMORY : resolve(file);
    if (!options.readonly && !memory) ensureFolder(path);
    const mode = options.readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const raw = await new Promise<sqlite3.Database>((ok, fail) => {
      const handle: sqlite3.Database = new sqlite3.Database(path, mode, (err) =>
        err ? fail(err) : ok(handle),
      );
    }).catch((err) => {
      throw translateSqliteError(err, path);
    });
    raw.configure('busyTimeout', options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    const db = new Db(raw, path);
    db.busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    try {
      // reading the header first: this is where a file that is not a database is detected
      await checkOwnership(db);
      if (!options.readonly) {
        await db.get('PRAGMA journal_mode = WAL');
        await checkIntegrity(db);
      }
      await db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;');
      await migrate(db, { readonly: options.readonly ?? false });
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
    return db;
  }

  /**
   * Runs `work` inside one write transaction (BEGIN IMMEDIATE, so two processes
   * queue on the busy timeout instead of deadlocking). Transactions of one
   * process never interleave: they wait for each other.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((ok) => {
      release = ok;
    });
    await previous;
    try {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(new Runner(this.raw, this.file));
        await this.exec('COMMIT');
        return result;
      } catch (error) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      release();
    }
  }

  /** Closes the connection; WAL content is checkpointed by sqlite on last close. */
  close(): Promise<void> {
    return new Promise((ok, fail) =>
      this.raw.close((err) => (err ? fail(translateSqliteError(err, this.file)) : ok())),
    );
  }
}

/** Refuses a database whose pages are damaged, with the same message a failing read gives. */
async function checkIntegrity(db: Db): Promise<void> {
  const rows = await db.all<{ quick_check: string }>('PRAGMA quick_check(1)');
  const result = rows[0]?.quick_check ?? 'ok';
  if (result !== 'ok')
    throw translateSqliteError(new Error(`database disk image is malformed (${result})`), db.file);
}

function ensureFolder(file: string): void {
  const folder = dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new InputError(
      `cannot create the database folder ${folder} (${(error as NodeJS.ErrnoException).code})`,
      {
        fix: 'choose a writable location with --db FILE or DX_AUDIT_DB',
        cause: error,
      },
    );
  }
  try {
    if (statSync(file).isDirectory()) {
      throw new InputError(`the database path ${file} is a folder`, {
        fix: 'pass a file path with --db FILE',
      });
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
}

/**
 * Bulk insert helper: sends a whole batch as one JSON array bound to one
 * parameter, so sqlite walks it with json_each instead of one round trip per row.
 * `sql` must read the rows as `json_each(?)` and the array elements as `value ->> N`.
 */
export async function insertJsonRows(
  q: Queryable,
  sql: string,
  rows: readonly unknown[][],
  head: SqlValue[] = [],
) {
  if (rows.length === 0) return;
  await q.run(sql, [...head, JSON.stringify(rows)]);
}

/**
 * Runs `inner` and returns its rows as arrays (in `columns` order) packed by
 * SQLite into one JSON string: for 100,000s of rows this is several times
 * faster than one JS object per row.
 */
export async function packedRows<T extends unknown[]>(
  q: Queryable,
  inner: string,
  columns: readonly string[],
  params: Params = [],
): Promise<T[]> {
  const row = await q.get<{ rows: string | null }>(
    `SELECT json_group_array(json_array(${columns.join(', ')})) AS rows FROM (${inner})`,
    params,
  );
  return row?.rows ? (JSON.parse(row.rows) as T[]) : [];
}
