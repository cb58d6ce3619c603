// SQL for GitHub data: raw responses (compressed) and the normalised rows
// that point back to them. Writes are keyed on GitHub's ids, so re-syncs
// replace rows instead of duplicating them.
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
}

/** Stores one API response body (deflated) and returns its row id. */
export async function insertRaw(q: Queryable, raw: RawResponse): Promise<number> {
  const result = await q.run(
    `INSERT INTO github_raw (run_id, repo_id, kind, method, url, status, etag, fetched_at, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    ],
  );
  return result.lastID;
}

/** Reads a stored response body back as text. */
export function inflateBody(body: Buffer): string {
  return inflateSync(body).toString('utf8');
}

type Cell = string | number | null;

async function bulk(q: Queryable, sql: string, head: Cell[], rows: Cell[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await q.run(sql, [...head, JSON.stringify(rows.slice(i, i + 5000))]);
  }
}

const cols = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `value ->> ${i + from}`).join(', ');

/** Rows of one pull request as pr-extractor builds them. */
export interface PullRequestWrite {
  pr: Cell[];
  reviews: Cell[][];
  requests: Cell[][];
  commits: Cell[][];
  files: Cell[][];
  events: Cell[][];
}

/** Replaces the pull requests (and all their child rows) of one repository page. */
export async function writePullRequests(q: Queryable, repoId: number, prs: readonly PullRequestWrite[]) {
  if (prs.length === 0) return;
  const numbers = JSON.stringify(prs.map((p) => p.pr[0]));
  for (const table of [
    'github_pr_reviews',
    'github_pr_review_requests',
    'github_pr_commits',
    'github_pr_files',
    'github_pr_events',
  ]) {
    await q.run(`DELETE FROM ${table} WHERE repo_id = ? AND pr_number IN (SELECT value FROM json_each(?))`, [
      repoId,
      numbers,
    ]);
  }
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pull_requests (repo_id, number, title, author, author_is_bot, state, draft,
       created_at, ready_at, closed_at, merged_at, base_ref, head_ref, head_sha, additions, deletions, changed_files,
       commits_count, comments_count, first_commit_at, updated_at, raw_id)
     SELECT ?, ${cols(21)} FROM json_each(?)`,
    [repoId],
    prs.map((p) => p.pr),
  );
  const child = (p: PullRequestWrite, rows: Cell[][]) => rows.map((r) => [p.pr[0]!, ...r]);
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pr_reviews (repo_id, pr_number, id, author, author_is_bot, state, submitted_at, raw_id)
     SELECT ?, ${cols(7)} FROM json_each(?)`,
    [repoId],
    prs.flatMap((p) => child(p, p.reviews)),
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pr_review_requests (repo_id, pr_number, reviewer, reviewer_kind, requested_at,
       pending, raw_id)
     SELECT ?, ${cols(6)} FROM json_each(?)`,
    [repoId],
    prs.flatMap((p) => child(p, p.requests)),
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pr_commits (repo_id, pr_number, sha, position, authored_at, committed_at, raw_id)
     SELECT ?, ${cols(6)} FROM json_each(?)`,
    [repoId],
    prs.flatMap((p) => child(p, p.commits)),
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pr_files (repo_id, pr_number, path, additions, deletions, raw_id)
     SELECT ?, ${cols(5)} FROM json_each(?)`,
    [repoId],
    prs.flatMap((p) => child(p, p.files)),
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_pr_events (repo_id, pr_number, kind, created_at, actor, detail, raw_id)
     SELECT ?, ${cols(6)} FROM json_each(?)`,
    [repoId],
    prs.flatMap((p) => child(p, p.events)),
  );
}

/** Column order of a workflow run row (after repo_id). */
export type RunRow = [
  id: number,
  attempt: number,
  workflowId: number,
  workflowName: string,
  event: string,
  branch: string | null,
  headSha: string,
  status: string,
  conclusion: string | null,
  createdAt: number,
  runStartedAt: number | null,
  updatedAt: number,
  fromJobs: number,
  jobsCollected: number,
  rawId: number,
];

/** Writes run attempts; rows rebuilt from jobs never replace an attempt the runs list reported. */
export async function writeRuns(q: Queryable, repoId: number, rows: readonly RunRow[]) {
  await bulk(
    q,
    `INSERT OR IGNORE INTO github_workflow_runs (repo_id, id, attempt, workflow_id, workflow_name, event, branch,
       head_sha, status, conclusion, created_at, run_started_at, updated_at, from_jobs, jobs_collected, raw_id)
     SELECT ?, ${cols(15)} FROM json_each(?) WHERE value ->> 12 = 1`,
    [repoId],
    rows.filter((r) => r[12] === 1) as unknown as Cell[][],
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_workflow_runs (repo_id, id, attempt, workflow_id, workflow_name, event, branch,
       head_sha, status, conclusion, created_at, run_started_at, updated_at, from_jobs, jobs_collected, raw_id)
     SELECT ?, ${cols(15)} FROM json_each(?)`,
    [repoId],
    rows.filter((r) => r[12] === 0) as unknown as Cell[][],
  );
}

/** Column order of a job row (after repo_id). */
export type JobRow = [
  id: number,
  runId: number,
  attempt: number,
  name: string,
  runner: string | null,
  labels: string,
  status: string,
  conclusion: string | null,
  createdAt: number,
  startedAt: number | null,
  completedAt: number | null,
  rawId: number,
];

/** Writes jobs of any attempt; a re-fetch replaces them. */
export async function writeJobs(q: Queryable, repoId: number, rows: readonly JobRow[]) {
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_jobs (repo_id, id, run_id, attempt, name, runner, labels, status, conclusion,
       created_at, started_at, completed_at, raw_id)
     SELECT ?, ${cols(12)} FROM json_each(?)`,
    [repoId],
    rows as unknown as Cell[][],
  );
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
