// Merges shard databases (one per group of repositories, collected on
// separate machines) into one, so the report reads them as if one machine
// had collected everything. Row ids that SQLite assigns (repositories,
// collection runs, raw responses, build runs) are remapped; rows keyed on
// natural ids (commit sha, PR number, run id) are upserted, so merging the
// same shard twice changes nothing. Collection state moves with the data, so
// a merged database is re-collected incrementally.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, WorkError } from '../errors.js';
import { Db, type Queryable, translateSqliteError } from './db.js';
import { SCHEMA_VERSION } from './migrate.js';
import type { RepositoryRow } from './repositories.js';

/** What one shard brought. */
export interface ShardMergeResult {
  shard: string;
  repositoriesAdded: number;
  repositoriesMatched: number;
  /** Rows of each table after the merge minus before. */
  rowsAdded: Record<string, number>;
}

/**
 * Every table of the schema and how it merges. A table missing here makes
 * merge refuse to run (tests check that the list covers the schema).
 * - `source`: which collection owns the rows of a repository: the newer of
 *   the shard and the target (by collection_state) wins them.
 * - `snapshot`: the repository's rows are replaced as a whole (tip content).
 * - `prChild`: rows of a pull request are replaced with the pull request.
 */
const FACT_TABLES: Record<string, { source: 'git' | 'github'; snapshot?: boolean; prChild?: boolean }> = {
  git_commits: { source: 'git' },
  git_file_changes: { source: 'git' },
  git_head_files: { source: 'git', snapshot: true },
  git_head_blobs: { source: 'git', snapshot: true },
  git_path_attributes: { source: 'git', snapshot: true },
  github_pull_requests: { source: 'github' },
  github_pr_reviews: { source: 'github', prChild: true },
  github_pr_review_requests: { source: 'github', prChild: true },
  github_pr_commits: { source: 'github', prChild: true },
  github_pr_files: { source: 'github', prChild: true },
  github_pr_events: { source: 'github', prChild: true },
  github_workflow_runs: { source: 'github' },
  github_jobs: { source: 'github' },
  github_malformed: { source: 'github' },
  // DORA's facts: GitHub's deployments, releases, incidents and hotfix labels; the clone's tags and revert links
  github_deployments: { source: 'github' },
  github_deployment_statuses: { source: 'github' },
  github_releases: { source: 'github' },
  github_issues: { source: 'github' },
  github_pr_labels: { source: 'github' },
  git_tags: { source: 'git', snapshot: true },
  git_reverts: { source: 'git', snapshot: true },
};
/** Tables merged by their own step below. */
const OTHER_TABLES = [
  'repositories',
  'collection_runs',
  'collection_state',
  'github_raw',
  'git_blob_indentation',
  'machines',
  'build_runs',
];

/** The tables merge knows how to carry (exported for the test that guards new migrations). */
export const MERGED_TABLES: readonly string[] = [...OTHER_TABLES, ...Object.keys(FACT_TABLES)];

/** Checks every shard (exists, dx-audit schema not newer than this build, same collection settings) before any write. */
export async function checkShards(target: Db, files: readonly string[]): Promise<void> {
  const settings = new Map<string, { file: string; hashes: string }>();
  const record = async (q: Queryable, schema: string, file: string) => {
    const rows = await q.all<{ key: string; hashes: string }>(
      `SELECT source || ' ' || step AS key, group_concat(config_hash, ',') AS hashes
       FROM (SELECT DISTINCT source, step, config_hash FROM ${schema}.collection_state
             WHERE config_hash IS NOT NULL ORDER BY config_hash)
       GROUP BY source, step`,
    );
    for (const row of rows) {
      const seen = settings.get(row.key);
      if (!seen) settings.set(row.key, { file, hashes: row.hashes });
      else if (seen.hashes !== row.hashes) {
        throw new InputError(
          `${file} was collected with other settings than ${seen.file} (${row.key}: config hash ${row.hashes} against ${seen.hashes})`,
          {
            fix: 'collect every shard with the same dx-audit version and config (bots, branch), then merge again',
          },
        );
      }
    }
  };
  await record(target, 'main', target.file);
  for (const file of files) {
    await withShard(target, file, async () => {
      await assertKnownTables(target);
      await record(target, 'shard', file);
    });
  }
}

/** Options of one merge. */
export interface MergeOptions {
  /**
   * Only these GitHub repositories (OWNER/REPO, any case) and what belongs to
   * them: how a shard job starts from the previous merged database.
   */
  only?: readonly string[];
}

/** Merges one shard into `target` in one transaction; re-merging it changes nothing. */
export async function mergeShard(
  target: Db,
  file: string,
  options: MergeOptions = {},
): Promise<ShardMergeResult> {
  const only = options.only ? new Set(options.only.map((name) => name.toLowerCase())) : null;
  const picked = only ? 'AND s.repo_id IN (SELECT old FROM temp.merge_repo)' : '';
  return withShard(target, file, async () => {
    await assertKnownTables(target);
    const before = await counts(target);
    const result = await target.transaction(async (tx) => {
      const repos = await mapRepositories(tx, only);
      await mapCollectionRuns(tx);
      await mapRawResponses(tx, picked);
      for (const [table, rule] of Object.entries(FACT_TABLES)) await mergeFacts(tx, table, rule);
      await tx.exec(
        `INSERT OR IGNORE INTO main.git_blob_indentation SELECT * FROM shard.git_blob_indentation s
         ${only ? 'WHERE s.oid IN (SELECT b.oid FROM shard.git_head_blobs b JOIN temp.merge_repo r ON r.old = b.repo_id)' : ''}`,
      );
      await mergeBuilds(tx, picked);
      await mergeState(tx, only !== null);
      await tx.exec(
        'DROP TABLE temp.merge_repo; DROP TABLE temp.merge_run; DROP TABLE temp.merge_raw; DROP TABLE temp.merge_pr; DROP TABLE temp.merge_scope;',
      );
      return repos;
    });
    const after = await counts(target);
    const rowsAdded: Record<string, number> = {};
    for (const [table, n] of Object.entries(after)) rowsAdded[table] = n - (before[table] ?? 0);
    return { shard: file, ...result, rowsAdded };
  });
}

/** Attaches `file` as schema `shard` (upgrading an older shard first), runs `work`, detaches. */
async function withShard<T>(target: Db, file: string, work: () => Promise<T>): Promise<T> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(`the shard ${file} does not exist or is not a file`, {
      fix: 'pass the .db files that `dx-audit collect` wrote, one per shard',
    });
  }
  if (path === target.file) {
    throw new InputError(`the shard ${file} is the merged database itself`, {
      fix: 'pass another --db for the merged database',
    });
  }
  await attach(target, path, file);
  let version: number;
  try {
    version = (await target.get<{ user_version: number }>('PRAGMA shard.user_version'))?.user_version ?? 0;
    const tables = await target.get<{ n: number }>(
      "SELECT count(*) AS n FROM shard.sqlite_master WHERE type = 'table' AND name = 'collection_state'",
    );
    if (version === 0 || tables?.n === 0) {
      throw new InputError(`${file} is not a dx-audit database`, {
        fix: 'pass the .db files that `dx-audit collect` wrote, one per shard',
      });
    }
  } catch (error) {
    await detach(target);
    if (error instanceof InputError) throw error;
    throw shardError(error, file);
  }
  if (version > SCHEMA_VERSION) {
    await detach(target);
    throw new InputError(
      `the shard ${file} was written by a newer dx-audit (schema ${version}, this one knows up to ${SCHEMA_VERSION})`,
      { fix: 'merge with the dx-audit version that collected the shards (or a newer one)' },
    );
  }
  if (version < SCHEMA_VERSION) {
    // an older shard is upgraded in place, as any collect command would
    await detach(target);
    const upgraded = await Db.open(path, { pending: false }).catch((error: unknown) => {
      throw shardError(error, file);
    });
    await upgraded.close();
    await attach(target, path, file);
  }
  try {
    return await work();
  } finally {
    await detach(target);
  }
}

async function attach(target: Db, path: string, file: string): Promise<void> {
  try {
    await target.run('ATTACH DATABASE ? AS shard', [path]);
  } catch (error) {
    throw shardError(error, file);
  }
}

async function detach(target: Db): Promise<void> {
  await target.exec('DETACH DATABASE shard').catch(() => undefined);
}

function shardError(error: unknown, file: string): Error {
  const translated = translateSqliteError((error as { cause?: unknown }).cause ?? error, file);
  if (translated instanceof InputError) {
    return new InputError(`the shard ${file} cannot be read as a dx-audit database`, {
      fix: 'pass the .db files that `dx-audit collect` wrote, one per shard',
      cause: error,
    });
  }
  return translated;
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of MERGED_TABLES) {
    out[table] = (await db.get<{ n: number }>(`SELECT count(*) AS n FROM main.${table}`))?.n ?? 0;
  }
  return out;
}

/**
 * Maps each shard repository onto the target's (same local path, else same
 * GitHub name without a path) or a new row, in shard id order, so shards merged
 * in the order their repositories were listed keep that order. Decides which
 * side's data wins per source: the one whose collection state is newer.
 */
async function mapRepositories(
  tx: Queryable,
  only: ReadonlySet<string> | null,
): Promise<{ repositoriesAdded: number; repositoriesMatched: number }> {
  await tx.exec(`
    CREATE TEMP TABLE merge_repo (old INTEGER PRIMARY KEY, new INTEGER NOT NULL, git_wins INTEGER NOT NULL,
      github_wins INTEGER NOT NULL);
    CREATE TEMP TABLE merge_run (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
    CREATE TEMP TABLE merge_raw (old INTEGER PRIMARY KEY, new INTEGER);
    CREATE TEMP TABLE merge_scope (scope TEXT PRIMARY KEY);`);
  const repos = await tx.all<RepositoryRow & { created_at: string }>(
    'SELECT id, name, path, github, remote_url, branch, created_at FROM shard.repositories ORDER BY id',
  );
  let repositoriesAdded = 0;
  let repositoriesMatched = 0;
  for (const repo of repos) {
    if (only && !(repo.github !== null && only.has(repo.github.toLowerCase()))) continue;
    // the collection scopes of the repository: its clone's path (git), its GitHub name (github)
    for (const scope of [repo.path, repo.github?.toLowerCase() ?? null]) {
      if (scope !== null) await tx.run('INSERT OR IGNORE INTO temp.merge_scope (scope) VALUES (?)', [scope]);
    }
    const match =
      (repo.path !== null
        ? await tx.get<{ id: number }>('SELECT id FROM main.repositories WHERE path = ?', [repo.path])
        : undefined) ??
      (repo.github !== null
        ? await tx.get<{ id: number }>(
            `SELECT id FROM main.repositories WHERE lower(github) = lower(?) AND (path IS NULL OR ? IS NULL)
             ORDER BY id LIMIT 1`,
            [repo.github, repo.path],
          )
        : undefined);
    const clash = async (except: number) =>
      repo.github !== null &&
      (await tx.get('SELECT 1 FROM main.repositories WHERE lower(github) = lower(?) AND id != ?', [
        repo.github,
        except,
      ])) !== undefined;
    let id: number;
    if (match) {
      id = match.id;
      repositoriesMatched += 1;
      await tx.run(
        `UPDATE main.repositories SET path = COALESCE(path, ?), github = COALESCE(github, ?),
           remote_url = COALESCE(remote_url, ?), branch = COALESCE(branch, ?) WHERE id = ?`,
        [repo.path, (await clash(id)) ? null : repo.github, repo.remote_url, repo.branch, id],
      );
    } else {
      repositoriesAdded += 1;
      const inserted = await tx.run(
        'INSERT INTO main.repositories (name, path, github, remote_url, branch, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          repo.name,
          repo.path,
          (await clash(-1)) ? null : repo.github,
          repo.remote_url,
          repo.branch,
          repo.created_at,
        ],
      );
      id = inserted.lastID;
    }
    // the shard's rows of a source win when it collected that source for the repository at least as recently
    const wins = async (source: string, scope: string | null) => {
      if (scope === null) return 0;
      const newest = async (schema: string) =>
        (
          await tx.get<{ at: string | null }>(
            `SELECT max(updated_at) AS at FROM ${schema}.collection_state WHERE source = ? AND scope = ?`,
            [source, scope],
          )
        )?.at ?? null;
      const theirs = await newest('shard');
      const ours = await newest('main');
      return theirs !== null && (ours === null || theirs >= ours) ? 1 : 0;
    };
    await tx.run('INSERT INTO temp.merge_repo (old, new, git_wins, github_wins) VALUES (?, ?, ?, ?)', [
      repo.id,
      id,
      await wins('git', repo.path),
      await wins('github', repo.github?.toLowerCase() ?? null),
    ]);
  }
  return { repositoriesAdded, repositoriesMatched };
}

/** Collection runs: the same run (source, scope, command, start) is one row; others get fresh ids. */
async function mapCollectionRuns(tx: Queryable): Promise<void> {
  await tx.exec(`
    INSERT INTO temp.merge_run (old, new)
      SELECT s.id, m.id FROM shard.collection_runs s JOIN main.collection_runs m
        ON m.source = s.source AND m.scope = s.scope AND m.started_at = s.started_at AND m.command IS s.command;
    INSERT INTO temp.merge_run (old, new)
      SELECT s.id, (SELECT COALESCE(max(id), 0) FROM main.collection_runs) + row_number() OVER (ORDER BY s.id)
      FROM shard.collection_runs s WHERE s.id NOT IN (SELECT old FROM temp.merge_run);
    INSERT INTO main.collection_runs (id, source, scope, command, started_at, finished_at, status, detail)
      SELECT r.new, s.source, s.scope, s.command, s.started_at, s.finished_at, s.status, s.detail
      FROM shard.collection_runs s JOIN temp.merge_run r ON r.old = s.id
      WHERE r.new NOT IN (SELECT id FROM main.collection_runs);`);
}

/** Raw API responses: the same response (repository, request, fetch time) is one row; others get fresh ids. */
async function mapRawResponses(tx: Queryable, picked: string): Promise<void> {
  await tx.exec(`
    INSERT INTO temp.merge_raw (old, new)
      SELECT s.id, (SELECT min(m.id) FROM main.github_raw m
                    WHERE m.repo_id IS (SELECT new FROM temp.merge_repo WHERE old = s.repo_id)
                      AND m.kind = s.kind AND m.method = s.method AND m.url = s.url AND m.fetched_at = s.fetched_at)
      FROM shard.github_raw s WHERE true ${picked};
    DELETE FROM temp.merge_raw WHERE new IS NULL;`);
  await tx.exec(`
    INSERT INTO temp.merge_raw (old, new)
      SELECT s.id, (SELECT COALESCE(max(id), 0) FROM main.github_raw) + row_number() OVER (ORDER BY s.id)
      FROM shard.github_raw s WHERE s.id NOT IN (SELECT old FROM temp.merge_raw) ${picked};
    INSERT INTO main.github_raw (id, run_id, repo_id, kind, method, url, status, etag, fetched_at, body)
      SELECT w.new, (SELECT new FROM temp.merge_run WHERE old = s.run_id),
        (SELECT new FROM temp.merge_repo WHERE old = s.repo_id), s.kind, s.method, s.url, s.status, s.etag,
        s.fetched_at, s.body
      FROM shard.github_raw s JOIN temp.merge_raw w ON w.old = s.id
      WHERE w.new NOT IN (SELECT id FROM main.github_raw);`);
}

/**
 * Copies one fact table, with repo_id, raw_id and collection run_id remapped:
 * replacing the target's rows where the shard's collection is the newer one,
 * only filling gaps where the target's is.
 */
async function mergeFacts(
  tx: Queryable,
  table: string,
  rule: { source: 'git' | 'github'; snapshot?: boolean; prChild?: boolean },
): Promise<void> {
  const columns = (
    await tx.all<{ name: string }>(`SELECT name FROM pragma_table_info(?, 'shard')`, [table])
  ).map((c) => c.name);
  const runRefs = new Set(
    (
      await tx.all<{ from: string; table: string }>(
        `SELECT "from", "table" FROM pragma_foreign_key_list(?, 'shard')`,
        [table],
      )
    )
      .filter((fk) => fk.table === 'collection_runs')
      .map((fk) => fk.from),
  );
  const select = columns.map((c) => {
    if (c === 'repo_id') return 'r.new';
    if (c === 'raw_id') return '(SELECT new FROM temp.merge_raw WHERE old = s.raw_id)';
    if (runRefs.has(c)) return `(SELECT new FROM temp.merge_run WHERE old = s."${c}")`;
    return `s."${c}"`;
  });
  const wins = rule.source === 'git' ? 'r.git_wins' : 'r.github_wins';
  const list = columns.map((c) => `"${c}"`).join(', ');
  if (table === 'github_pull_requests') {
    // the pull requests whose child rows the shard replaces
    await tx.exec(`
      CREATE TEMP TABLE merge_pr AS SELECT r.new AS repo_id, s.number AS number
        FROM shard.github_pull_requests s JOIN temp.merge_repo r ON r.old = s.repo_id WHERE ${wins} = 1;`);
  }
  if (rule.snapshot) {
    await tx.exec(
      `DELETE FROM main.${table} WHERE repo_id IN (SELECT r.new FROM temp.merge_repo r WHERE ${wins} = 1)`,
    );
  }
  if (table === 'git_commits') {
    // the shard's history of a repository replaces an older one (a rewritten history leaves no stale commits)
    for (const t of ['git_file_changes', 'git_commits']) {
      await tx.exec(
        `DELETE FROM main.${t} WHERE repo_id IN (SELECT r.new FROM temp.merge_repo r WHERE ${wins} = 1)`,
      );
    }
  }
  if (rule.prChild) {
    await tx.exec(
      `DELETE FROM main.${table} WHERE (repo_id, pr_number) IN (SELECT repo_id, number FROM temp.merge_pr)`,
    );
  }
  const from = `FROM shard.${table} s JOIN temp.merge_repo r ON r.old = s.repo_id`;
  await tx.exec(
    `INSERT OR REPLACE INTO main.${table} (${list}) SELECT ${select.join(', ')} ${from} WHERE ${wins} = 1`,
  );
  await tx.exec(
    `INSERT OR IGNORE INTO main.${table} (${list}) SELECT ${select.join(', ')} ${from} WHERE ${wins} = 0`,
  );
}

/** Machines (by fingerprint) and build runs (by run_key, which every record carries). */
async function mergeBuilds(tx: Queryable, picked: string): Promise<void> {
  await tx.exec(`
    INSERT INTO main.machines SELECT * FROM shard.machines WHERE true
      ON CONFLICT (id) DO UPDATE SET
        first_seen = min(first_seen, excluded.first_seen),
        tools = CASE WHEN excluded.last_seen > last_seen THEN excluded.tools ELSE tools END,
        node_version = CASE WHEN excluded.last_seen > last_seen THEN excluded.node_version ELSE node_version END,
        last_seen = max(last_seen, excluded.last_seen);
    INSERT INTO main.build_runs (run_key, repo_id, cwd, command, argv, kind, mode, outcome, exit_code, signal,
        timed_out, wall_seconds, user_seconds, sys_seconds, peak_rss_bytes, git_commit, git_branch, git_dirty,
        machine_id, started_at, finished_at, run_id)
      SELECT s.run_key, (SELECT new FROM temp.merge_repo WHERE old = s.repo_id), s.cwd, s.command, s.argv, s.kind,
        s.mode, s.outcome, s.exit_code, s.signal, s.timed_out, s.wall_seconds, s.user_seconds, s.sys_seconds,
        s.peak_rss_bytes, s.git_commit, s.git_branch, s.git_dirty, s.machine_id, s.started_at, s.finished_at,
        (SELECT new FROM temp.merge_run WHERE old = s.run_id)
      FROM shard.build_runs s WHERE true ${picked}
      ON CONFLICT (run_key) DO NOTHING;`);
}

/** Collection cursors: per (source, scope, step) the newer one; the anonymisation key of the target stays. */
async function mergeState(tx: Queryable, picked: boolean): Promise<void> {
  await tx.exec(`
    INSERT INTO main.collection_state (source, scope, step, cursor, config_hash, updated_at)
      SELECT source, scope, step, cursor, config_hash, updated_at FROM shard.collection_state
      WHERE NOT (source = 'anonymize') ${picked ? 'AND scope IN (SELECT scope FROM temp.merge_scope)' : ''}
      ON CONFLICT (source, scope, step) DO UPDATE SET cursor = excluded.cursor, config_hash = excluded.config_hash,
        updated_at = excluded.updated_at
      WHERE excluded.updated_at >= collection_state.updated_at;
    INSERT OR IGNORE INTO main.collection_state (source, scope, step, cursor, config_hash, updated_at)
      SELECT source, scope, step, cursor, config_hash, updated_at FROM shard.collection_state
      WHERE source = 'anonymize';`);
}

/** Refuses a shard holding a table this merge cannot carry (a schema it was not written for). */
async function assertKnownTables(target: Db): Promise<void> {
  const tables = await target.all<{ name: string }>(
    "SELECT name FROM shard.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const unknown = tables.map((t) => t.name).filter((name) => !MERGED_TABLES.includes(name));
  if (unknown.length > 0) {
    throw new WorkError(`merge does not know how to carry the table(s) ${unknown.join(', ')}`, {
      fix: 'use a dx-audit version whose merge matches its schema',
    });
  }
}
