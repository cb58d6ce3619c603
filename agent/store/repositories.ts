// Repositories and the collection bookkeeping shared by every collector.
import { hostname } from 'node:os';
import type { Db, Queryable } from './db.js';

export interface RepositoryRow {
  id: number;
  name: string;
  path: string | null;
  github: string | null;
  remote_url: string | null;
  branch: string | null;
}

/** Finds or creates the repository row for a local clone (keyed on its path) and refreshes its details. */
export async function upsertLocalRepository(
  q: Queryable,
  repo: {
    path: string;
    name: string;
    github: string | null;
    remoteUrl: string | null;
    branch: string | null;
  },
): Promise<number> {
  const now = new Date().toISOString();
  const existing =
    (await q.get<{ id: number }>('SELECT id FROM repositories WHERE path = ?', [repo.path])) ??
    (repo.github
      ? await q.get<{ id: number }>('SELECT id FROM repositories WHERE github = ? AND path IS NULL', [
          repo.github,
        ])
      : undefined);
  if (existing) {
    // Another clone may already claim the GitHub name: keep the first claim.
    const clash = repo.github
      ? await q.get<{ id: number }>('SELECT id FROM repositories WHERE github = ? AND id != ?', [
          repo.github,
          existing.id,
        ])
      : undefined;
    await q.run(
      'UPDATE repositories SET path = ?, name = ?, github = COALESCE(?, github), remote_url = ?, branch = ? WHERE id = ?',
      [repo.path, repo.name, clash ? null : repo.github, repo.remoteUrl, repo.branch, existing.id],
    );
    return existing.id;
  }
  const clash = repo.github
    ? await q.get<{ id: number }>('SELECT id FROM repositories WHERE github = ?', [repo.github])
    : undefined;
  const result = await q.run(
    'INSERT INTO repositories (name, path, github, remote_url, branch, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [repo.name, repo.path, clash ? null : repo.github, repo.remoteUrl, repo.branch, now],
  );
  return result.lastID;
}

/** Finds or creates the repository row for a GitHub-only repository (owner/repo). */
export async function upsertGithubRepository(q: Queryable, github: string): Promise<number> {
  const existing = await q.get<{ id: number }>('SELECT id FROM repositories WHERE lower(github) = lower(?)', [
    github,
  ]);
  if (existing) return existing.id;
  const result = await q.run('INSERT INTO repositories (name, github, created_at) VALUES (?, ?, ?)', [
    github.split('/')[1] ?? github,
    github,
    new Date().toISOString(),
  ]);
  return result.lastID;
}

export async function listRepositories(q: Queryable): Promise<RepositoryRow[]> {
  return q.all<RepositoryRow>(
    'SELECT id, name, path, github, remote_url, branch FROM repositories ORDER BY id',
  );
}

/**
 * Opens a collection run: every raw row written during it points back here.
 * The row names the process (pid and host) so that a run left `running` by
 * a process that died can be told from one still at work.
 */
export async function startRun(
  db: Db,
  source: string,
  scope: string,
  command: string | null,
): Promise<number> {
  const result = await db.transaction((tx) =>
    tx.run(
      "INSERT INTO collection_runs (source, scope, command, started_at, status, detail) VALUES (?, ?, ?, ?, 'running', ?)",
      [
        source,
        scope,
        command,
        new Date().toISOString(),
        JSON.stringify({ pid: process.pid, host: hostname() }),
      ],
    ),
  );
  return result.lastID;
}

export async function finishRun(
  db: Db,
  runId: number,
  status: 'done' | 'failed' | 'interrupted',
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.transaction((tx) =>
    tx.run('UPDATE collection_runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?', [
      new Date().toISOString(),
      status,
      JSON.stringify(detail),
      runId,
    ]),
  );
}

export interface CollectionState {
  cursor: string | null;
  configHash: string | null;
}

/** Reads the incremental cursor of (source, scope, step). */
export async function getState(q: Queryable, source: string, scope: string, step: string) {
  const row = await q.get<{ cursor: string | null; config_hash: string | null }>(
    'SELECT cursor, config_hash FROM collection_state WHERE source = ? AND scope = ? AND step = ?',
    [source, scope, step],
  );
  return row ? { cursor: row.cursor, configHash: row.config_hash } : null;
}

/** Saves the incremental cursor; call it in the same transaction as the data it covers. */
export async function setState(
  q: Queryable,
  source: string,
  scope: string,
  step: string,
  state: CollectionState,
) {
  await q.run(
    `INSERT INTO collection_state (source, scope, step, cursor, config_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, scope, step) DO UPDATE SET cursor = excluded.cursor, config_hash = excluded.config_hash,
       updated_at = excluded.updated_at`,
    [source, scope, step, state.cursor, state.configHash, new Date().toISOString()],
  );
}
