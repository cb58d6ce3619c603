// What each collection left behind: the latest state per repository and
// source, so every output can say when data is partial and how to finish it.
import { hostname } from 'node:os';
import type { Queryable } from './db.js';

export type CollectionSource = 'git' | 'github' | 'builds';
export type CollectionStateName = 'complete' | 'interrupted' | 'failed';

/** The latest collection of one repository from one source. */
export interface CollectionStatus {
  /** The repository as the collection names it: the clone's path (git, builds) or OWNER/REPO (github). */
  repo: string;
  source: CollectionSource;
  state: CollectionStateName;
  /** When that collection finished, or when it started for one that died unfinished. */
  at: string;
  /** For an unfinished collection: what happened and the command that finishes it; else null. */
  note: string | null;
}

interface RunRow {
  id: number;
  source: string;
  scope: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  detail: string | null;
}

const SOURCES: Record<string, CollectionSource> = { git: 'git', github: 'github', build: 'builds' };

/**
 * The latest collection state per repository and source. A run still marked
 * `running` whose process is gone (killed, crashed, machine restarted)
 * counts as interrupted; one whose process is alive is still at work, so the
 * run before it speaks for the data (or, with none, it shows as interrupted:
 * its data is partial until it finishes).
 */
export async function collectionStates(q: Queryable): Promise<CollectionStatus[]> {
  const rows = await q.all<RunRow>(
    'SELECT id, source, scope, started_at, finished_at, status, detail FROM collection_runs ORDER BY id DESC',
  );
  const latest = new Map<string, CollectionStatus>();
  const live = new Map<string, CollectionStatus>();
  const here = hostname();
  for (const row of rows) {
    const source = SOURCES[row.source];
    const key = `${source}\0${row.scope}`;
    if (!source || latest.has(key)) continue;
    const detail = parseDetail(row.detail);
    if (row.status === 'running') {
      if (!isAlive(detail.pid, detail.host, here)) {
        latest.set(
          key,
          status(row, source, 'interrupted', row.started_at, interrupted(row, source, row.started_at)),
        );
      } else if (!live.has(key)) {
        live.set(
          key,
          status(row, source, 'interrupted', row.started_at, stillRunning(row, source, detail.pid)),
        );
      }
      continue;
    }
    const at = row.finished_at ?? row.started_at;
    if (row.status === 'done') latest.set(key, status(row, source, 'complete', at, null));
    else if (row.status === 'failed')
      latest.set(key, status(row, source, 'failed', at, failed(row, source, at, detail.error)));
    else latest.set(key, status(row, source, 'interrupted', at, interrupted(row, source, at)));
  }
  for (const [key, value] of live) if (!latest.has(key)) latest.set(key, value);
  // only repositories this database holds (a shard taken out of a merged database keeps others' run history)
  const known = new Set<string>();
  for (const r of await q.all<{ path: string | null; github: string | null }>(
    'SELECT path, github FROM repositories',
  )) {
    if (r.path) known.add(r.path);
    if (r.github) known.add(r.github.toLowerCase());
  }
  const held = (scope: string) => known.size === 0 || known.has(scope) || known.has(scope.toLowerCase());
  return [...latest.values()]
    .filter((s) => s.source === 'builds' || held(s.repo))
    .sort((a, b) => a.repo.localeCompare(b.repo) || a.source.localeCompare(b.source));
}

function status(
  row: RunRow,
  source: CollectionSource,
  state: CollectionStateName,
  at: string,
  note: string | null,
): CollectionStatus {
  return { repo: row.scope, source, state, at, note };
}

/** The command that collects `repo` from `source` again. */
function again(source: CollectionSource, repo: string): string {
  if (source === 'git') return `dx-audit collect git ${repo}`;
  if (source === 'github') return `dx-audit collect github ${repo}`;
  return `dx-audit build ${repo}`;
}

function what(source: CollectionSource, repo: string): string {
  return source === 'builds' ? `build timing of ${repo}` : `collection of ${repo} (${source})`;
}

function interrupted(row: RunRow, source: CollectionSource, at: string): string {
  return `${what(source, row.scope)} was interrupted at ${at}; run \`${again(source, row.scope)}\` again to finish`;
}

function failed(row: RunRow, source: CollectionSource, at: string, error: string | undefined): string {
  return `${what(source, row.scope)} failed at ${at}${error ? ` (${error})` : ''}; run \`${again(source, row.scope)}\` again once that is fixed`;
}

function stillRunning(row: RunRow, source: CollectionSource, pid: number | undefined): string {
  return `${what(source, row.scope)} is still running (process ${pid}, started ${row.started_at}); its data is partial until it finishes`;
}

function parseDetail(text: string | null): { pid?: number; host?: string; error?: string } {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof value['pid'] === 'number' ? { pid: value['pid'] } : {}),
      ...(typeof value['host'] === 'string' ? { host: value['host'] } : {}),
      ...(typeof value['error'] === 'string' ? { error: value['error'] } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Whether the process that opened a run is alive. Without a pid (a run from
 * before pids were recorded) it is not; on another host it cannot be known
 * and is taken as alive, so a collection running elsewhere is not called dead.
 */
function isAlive(pid: number | undefined, host: string | undefined, here: string): boolean {
  if (pid === undefined) return false;
  if (host !== undefined && host !== here) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
