// SQL for GitHub data: raw responses (compressed) and the normalised rows
// that point back to them. Each table is described once, as a list of named
// columns, and that list generates both its insert and its select. Writes are
// keyed on GitHub's ids, so re-syncs replace rows instead of duplicating them.
import { deflateSync, inflateSync } from 'node:zlib';
import type { Queryable } from './db.js';

/** An API response as kept for tracing and re-normalising. */
export interface RawResponse {
  runId: number | null;
  repoId: number | null;
  kind: string;
  method: string;
  url: string;
  status: number;
  etag: string | null;
  body: string;
  /** What the extractor needs besides the body (e.g. the `since` a page was filtered by). */
  params?: Record<string, unknown>;
}

/** Stores one API response body (deflated) and returns its row id. */
export async function insertRaw(q: Queryable, raw: RawResponse): Promise<number> {
  const result = await q.run(
    `INSERT INTO github_raw (run_id, repo_id, kind, method, url, status, etag, fetched_at, body, params)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      raw.runId,
      raw.repoId,
      raw.kind,
      raw.method,
      raw.url,
      raw.status,
      raw.etag,
      new Date().toISOString(),
      deflateSync(Buffer.from(raw.body, 'utf8')),
      raw.params ? JSON.stringify(raw.params) : null,
    ],
  );
  return result.lastID;
}

/** Reads a stored response body back as text. */
export function inflateBody(body: Buffer): string {
  return inflateSync(body).toString('utf8');
}

/** A stored response as extractors read it back. */
export interface StoredRaw {
  id: number;
  kind: string;
  url: string;
  status: number;
  body: string;
  params: Record<string, unknown>;
}

/** The raw responses of one repository of the given kinds, in the order they were stored. */
export async function* readRaw(
  q: Queryable,
  repoId: number,
  kinds: readonly string[],
): AsyncGenerator<StoredRaw> {
  const ids = await q.all<{ id: number }>(
    'SELECT id FROM github_raw WHERE repo_id = ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY id',
    [repoId, JSON.stringify(kinds)],
  );
  // Bodies one at a time: a year of raw responses does not fit in memory at once.
  for (const { id } of ids) {
    const row = await q.get<{
      id: number;
      kind: string;
      url: string;
      status: number;
      body: Buffer | null;
      params: string | null;
    }>('SELECT id, kind, url, status, body, params FROM github_raw WHERE id = ?', [id]);
    if (!row) continue;
    yield {
      id: row.id,
      kind: row.kind,
      url: row.url,
      status: row.status,
      body: row.body ? inflateBody(row.body) : '',
      params: row.params ? (JSON.parse(row.params) as Record<string, unknown>) : {},
    };
  }
}

type Cell = string | number | null;

/** A normalised table: its name and its columns (camelCase keys; the SQL column is the snake_case form). */
export interface Table<R> {
  name: string;
  columns: readonly (keyof R & string)[];
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function table<R>(name: string, columns: readonly (keyof R & string)[]): Table<R> {
  return { name, columns };
}

/** `INSERT … SELECT` of rows passed as one JSON array of named objects (one statement per 5,000 rows). */
function insertSql<R>(t: Table<R>): string {
  return `INSERT OR REPLACE INTO ${t.name} (repo_id, ${t.columns.map(snake).join(', ')})
     SELECT ?, ${t.columns.map((c) => `value ->> '${c}'`).join(', ')} FROM json_each(?)`;
}

async function insertRows<R>(q: Queryable, t: Table<R>, repoId: number, rows: readonly R[]): Promise<void> {
  const sql = insertSql(t);
  for (let i = 0; i < rows.length; i += 5000) {
    await q.run(sql, [repoId, JSON.stringify(rows.slice(i, i + 5000))]);
  }
}

/** Reads rows of a table back as named objects (`where` is SQL on its columns, e.g. `repo_id = ?`). */
export async function selectRows<R>(
  q: Queryable,
  t: Table<R>,
  where = '1',
  params: Cell[] = [],
  orderBy = 'repo_id',
): Promise<(R & { repoId: number })[]> {
  return q.all<R & { repoId: number }>(
    `SELECT repo_id AS repoId, ${t.columns.map((c) => `${snake(c)} AS ${c}`).join(', ')}
     FROM ${t.name} WHERE ${where} ORDER BY ${orderBy}`,
    params,
  );
}

/** A pull request as stored; `authorIsBot` is GitHub's own fact (actor type Bot), the bot list is applied at analysis. */
export interface PullRequestRow {
  number: number;
  title: string;
  author: string | null;
  authorIsBot: 0 | 1;
  state: string;
  draft: 0 | 1;
  createdAt: number;
  readyAt: number | null;
  closedAt: number | null;
  mergedAt: number | null;
  baseRef: string;
  headRef: string;
  headSha: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  commitsCount: number;
  commentsCount: number;
  firstCommitAt: number | null;
  updatedAt: number;
  rawId: number;
}
export interface ReviewRow {
  prNumber: number;
  id: number;
  author: string | null;
  authorIsBot: 0 | 1;
  state: string;
  submittedAt: number | null;
  rawId: number;
}
export interface ReviewRequestRow {
  prNumber: number;
  reviewer: string;
  reviewerKind: string;
  requestedAt: number | null;
  pending: 0 | 1;
  rawId: number;
}
export interface PrCommitRow {
  prNumber: number;
  sha: string;
  position: number;
  authoredAt: number | null;
  committedAt: number | null;
  rawId: number;
}
export interface PrFileRow {
  prNumber: number;
  path: string;
  additions: number;
  deletions: number;
  rawId: number;
}
export interface PrEventRow {
  prNumber: number;
  kind: string;
  createdAt: number;
  actor: string | null;
  detail: string | null;
  rawId: number;
}
/** One (run, attempt); `fromJobs` = 1 for an earlier attempt rebuilt from its jobs. */
export interface RunRow {
  id: number;
  attempt: number;
  workflowId: number;
  workflowName: string;
  event: string;
  branch: string | null;
  headSha: string;
  status: string;
  conclusion: string | null;
  createdAt: number;
  runStartedAt: number | null;
  updatedAt: number;
  fromJobs: 0 | 1;
  jobsCollected: 0 | 1;
  /** The run's check suite as a GraphQL node id (null when unknown). */
  checkSuiteNodeId: string | null;
  rawId: number;
}
export interface JobRow {
  id: number;
  runId: number;
  attempt: number;
  name: string;
  runner: string | null;
  labels: string;
  status: string;
  conclusion: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  rawId: number;
}

/** An API object the normalise stage left out, with why. */
export interface MalformedRow {
  /** What it is: "job". */
  kind: string;
  /** Which one: the object's id (or its place when it has none). */
  ref: string;
  /** "job 42 (build) has no valid created_at". */
  description: string;
  rawId: number;
}

/** Every normalised GitHub table, each described once. */
export const GITHUB_TABLES = {
  pullRequests: table<PullRequestRow>('github_pull_requests', [
    'number',
    'title',
    'author',
    'authorIsBot',
    'state',
    'draft',
    'createdAt',
    'readyAt',
    'closedAt',
    'mergedAt',
    'baseRef',
    'headRef',
    'headSha',
    'additions',
    'deletions',
    'changedFiles',
    'commitsCount',
    'commentsCount',
    'firstCommitAt',
    'updatedAt',
    'rawId',
  ]),
  reviews: table<ReviewRow>('github_pr_reviews', [
    'prNumber',
    'id',
    'author',
    'authorIsBot',
    'state',
    'submittedAt',
    'rawId',
  ]),
  reviewRequests: table<ReviewRequestRow>('github_pr_review_requests', [
    'prNumber',
    'reviewer',
    'reviewerKind',
    'requestedAt',
    'pending',
    'rawId',
  ]),
  commits: table<PrCommitRow>('github_pr_commits', [
    'prNumber',
    'sha',
    'position',
    'authoredAt',
    'committedAt',
    'rawId',
  ]),
  files: table<PrFileRow>('github_pr_files', ['prNumber', 'path', 'additions', 'deletions', 'rawId']),
  events: table<PrEventRow>('github_pr_events', [
    'prNumber',
    'kind',
    'createdAt',
    'actor',
    'detail',
    'rawId',
  ]),
  runs: table<RunRow>('github_workflow_runs', [
    'id',
    'attempt',
    'workflowId',
    'workflowName',
    'event',
    'branch',
    'headSha',
    'status',
    'conclusion',
    'createdAt',
    'runStartedAt',
    'updatedAt',
    'fromJobs',
    'jobsCollected',
    'checkSuiteNodeId',
    'rawId',
  ]),
  jobs: table<JobRow>('github_jobs', [
    'id',
    'runId',
    'attempt',
    'name',
    'runner',
    'labels',
    'status',
    'conclusion',
    'createdAt',
    'startedAt',
    'completedAt',
    'rawId',
  ]),
  malformed: table<MalformedRow>('github_malformed', ['kind', 'ref', 'description', 'rawId']),
} as const;

/** Rows of one pull request as pr-extractor builds them. */
export interface PullRequestWrite {
  pr: PullRequestRow;
  reviews: ReviewRow[];
  requests: ReviewRequestRow[];
  commits: PrCommitRow[];
  files: PrFileRow[];
  events: PrEventRow[];
}

const PR_CHILDREN = ['reviews', 'reviewRequests', 'commits', 'files', 'events'] as const;

/** Replaces the pull requests (and all their child rows) of one repository page. */
export async function writePullRequests(q: Queryable, repoId: number, prs: readonly PullRequestWrite[]) {
  if (prs.length === 0) return;
  const numbers = JSON.stringify(prs.map((p) => p.pr.number));
  for (const child of PR_CHILDREN) {
    await q.run(
      `DELETE FROM ${GITHUB_TABLES[child].name} WHERE repo_id = ? AND pr_number IN (SELECT value FROM json_each(?))`,
      [repoId, numbers],
    );
  }
  const t = GITHUB_TABLES;
  await insertRows(
    q,
    t.pullRequests,
    repoId,
    prs.map((p) => p.pr),
  );
  await insertRows(
    q,
    t.reviews,
    repoId,
    prs.flatMap((p) => p.reviews),
  );
  await insertRows(
    q,
    t.reviewRequests,
    repoId,
    prs.flatMap((p) => p.requests),
  );
  await insertRows(
    q,
    t.commits,
    repoId,
    prs.flatMap((p) => p.commits),
  );
  await insertRows(
    q,
    t.files,
    repoId,
    prs.flatMap((p) => p.files),
  );
  await insertRows(
    q,
    t.events,
    repoId,
    prs.flatMap((p) => p.events),
  );
}

/** The stored updatedAt (Unix s) of the given pull requests: a node replaces its row only when newer. */
export async function storedPullRequestVersions(
  q: Queryable,
  repoId: number,
  numbers: readonly number[],
): Promise<Map<number, number>> {
  const rows = await q.all<{ number: number; updated_at: number }>(
    `SELECT number, updated_at FROM github_pull_requests
     WHERE repo_id = ? AND number IN (SELECT value FROM json_each(?))`,
    [repoId, JSON.stringify(numbers)],
  );
  return new Map(rows.map((r) => [r.number, r.updated_at]));
}

/**
 * Writes run attempts. The listed (latest) attempt replaces its row. An earlier attempt rebuilt
 * from its jobs replaces only a row that was not finished (that attempt listed while it ran): a
 * finished listed row keeps the run's own start and update times, which jobs only approximate.
 */
export async function writeRuns(q: Queryable, repoId: number, rows: readonly RunRow[]) {
  const t = GITHUB_TABLES.runs;
  const fromJobs = rows.filter((r) => r.fromJobs === 1);
  const update = t.columns.map((c) => `${snake(c)} = excluded.${snake(c)}`).join(', ');
  for (let i = 0; i < fromJobs.length; i += 5000) {
    await q.run(
      `INSERT INTO ${t.name} (repo_id, ${t.columns.map(snake).join(', ')})
       SELECT ?, ${t.columns.map((c) => `value ->> '${c}'`).join(', ')} FROM json_each(?) WHERE true
       ON CONFLICT (repo_id, id, attempt) DO UPDATE SET ${update} WHERE ${t.name}.status != 'completed'`,
      [repoId, JSON.stringify(fromJobs.slice(i, i + 5000))],
    );
  }
  await insertRows(
    q,
    t,
    repoId,
    rows.filter((r) => r.fromJobs === 0),
  );
}

/** Writes jobs of any attempt; a re-fetch replaces them. */
export async function writeJobs(q: Queryable, repoId: number, rows: readonly JobRow[]) {
  await insertRows(q, GITHUB_TABLES.jobs, repoId, rows);
}

export async function writeMalformed(q: Queryable, repoId: number, rows: readonly MalformedRow[]) {
  await insertRows(q, GITHUB_TABLES.malformed, repoId, rows);
}

/** Deletes every normalised GitHub row of a repository (raw responses stay): the start of a rebuild. */
export async function clearNormalised(q: Queryable, repoId: number): Promise<void> {
  for (const t of Object.values(GITHUB_TABLES)) {
    await q.run(`DELETE FROM ${t.name} WHERE repo_id = ?`, [repoId]);
  }
}

/** What is stored about the runs of a repository: attempt, status and whether jobs are in. */
export async function knownRuns(
  q: Queryable,
  repoId: number,
  ids: readonly number[],
): Promise<Map<number, { attempt: number; status: string; jobsCollected: boolean; updatedAt: number }>> {
  const rows = await q.all<{
    id: number;
    attempt: number;
    status: string;
    jobs_collected: number;
    updated_at: number;
  }>(
    `SELECT id, attempt, status, jobs_collected, updated_at FROM github_workflow_runs
     WHERE repo_id = ? AND from_jobs = 0 AND id IN (SELECT value FROM json_each(?))`,
    [repoId, JSON.stringify(ids)],
  );
  const out = new Map<
    number,
    { attempt: number; status: string; jobsCollected: boolean; updatedAt: number }
  >();
  for (const r of rows) {
    const prev = out.get(r.id);
    if (!prev || r.attempt > prev.attempt) {
      out.set(r.id, {
        attempt: r.attempt,
        status: r.status,
        jobsCollected: r.jobs_collected === 1,
        updatedAt: r.updated_at,
      });
    }
  }
  return out;
}

/** Runs whose latest attempt is stored as not finished, or without its jobs (re-checked on the next sync). */
export async function unfinishedRuns(
  q: Queryable,
  repoId: number,
): Promise<{ id: number; createdAt: number }[]> {
  return q.all<{ id: number; createdAt: number }>(
    `SELECT r.id, r.created_at AS createdAt FROM github_workflow_runs r
     WHERE r.repo_id = ? AND r.from_jobs = 0 AND (r.status != 'completed' OR r.jobs_collected = 0)
       AND r.attempt = (SELECT max(x.attempt) FROM github_workflow_runs x WHERE x.repo_id = r.repo_id AND x.id = r.id)`,
    [repoId],
  );
}

/** A run GitHub no longer has: kept, marked, and never re-checked. */
export async function markRunDeleted(q: Queryable, repoId: number, runId: number): Promise<void> {
  await q.run(
    "UPDATE github_workflow_runs SET status = 'deleted', jobs_collected = 1 WHERE repo_id = ? AND id = ? AND status != 'completed'",
    [repoId, runId],
  );
}

/**
 * Finished runs that did not succeed, created in [from, to), with their check suite and the
 * number of jobs stored over all attempts: the runs a re-run may have changed since (newest first).
 */
export async function rerunCandidates(
  q: Queryable,
  repoId: number,
  from: number,
  to: number,
  limit: number,
): Promise<{ id: number; checkSuiteNodeId: string; jobs: number }[]> {
  return q.all(
    `SELECT r.id, r.check_suite_node_id AS checkSuiteNodeId,
       (SELECT count(*) FROM github_jobs j WHERE j.repo_id = r.repo_id AND j.run_id = r.id) AS jobs
     FROM github_workflow_runs r
     WHERE r.repo_id = ? AND r.from_jobs = 0 AND r.created_at >= ? AND r.created_at < ?
       AND r.status = 'completed' AND r.conclusion IN ('failure', 'cancelled', 'timed_out')
       AND r.check_suite_node_id IS NOT NULL
       AND r.attempt = (SELECT max(x.attempt) FROM github_workflow_runs x WHERE x.repo_id = r.repo_id AND x.id = r.id)
     ORDER BY r.created_at DESC LIMIT ?`,
    [repoId, from, to, limit],
  );
}
