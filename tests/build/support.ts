// What the build tests share: fixture paths and reading the database the CLI wrote.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Db } from '../../agent/store/db.js';
import { ingestPendingBuilds } from '../../collectors/build/pending.js';

/** Absolute path of a fixture script. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export interface StoredRun {
  repo_id: number | null;
  cwd: string;
  command: string;
  argv: string;
  kind: string;
  mode: string;
  outcome: string;
  exit_code: number | null;
  signal: string | null;
  timed_out: number;
  wall_seconds: number;
  user_seconds: number | null;
  git_commit: string | null;
  git_branch: string | null;
  git_dirty: number | null;
  machine_id: string;
  run_id: number | null;
}

/**
 * Every stored build run, oldest first, after taking in pending records (as
 * every command that reads builds does); `pending: false` shows only what is stored already.
 */
export async function storedRuns(dbPath: string, options: { pending?: boolean } = {}): Promise<StoredRun[]> {
  const db = await Db.open(dbPath);
  if (options.pending !== false) await ingestPendingBuilds(db);
  try {
    return await db.all<StoredRun>('SELECT * FROM build_runs ORDER BY started_at, id');
  } finally {
    await db.close();
  }
}

/** Whether a process runs (a zombie waiting for a reaper has ended). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
