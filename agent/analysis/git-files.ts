// Per-file figures from git history over the analysis window (SPEC §11):
// revisions, added/deleted lines, churn, distinct authors, last change, and the
// line count at the collected tip.
import type { Queryable } from '../store/db.js';

export interface Window {
  /** Unix seconds, inclusive; null = from the beginning. */
  since: number | null;
  /** Unix seconds, inclusive. */
  until: number;
  /** Unix seconds that ages ("days since the last change") are measured to; default `until`. */
  asOf?: number;
}

export interface FileStats {
  repo: string;
  path: string;
  revisions: number;
  added: number;
  deleted: number;
  churn: number;
  /** Line count at the collected tip; null when the file no longer exists (or is binary). */
  lines: number | null;
  authors: number;
  /** ISO time of the last commit in the window that changed the file. */
  lastChanged: string;
}

export interface GitSummary {
  commits: number;
  merges: number;
  authors: number;
  firstCommitAt: number | null;
}

const windowClause = 'c.commit_time <= ? AND (? IS NULL OR c.commit_time >= ?)';
const windowParams = (w: Window) => [w.until, w.since, w.since];

/** Counts of non-merge commits, merges and distinct (mailmapped) author emails in the window. */
export async function gitSummary(q: Queryable, w: Window): Promise<GitSummary> {
  const row = await q.get<{ commits: number; merges: number; authors: number; first: number | null }>(
    `SELECT COALESCE(SUM(c.is_merge = 0), 0) AS commits, COALESCE(SUM(c.is_merge = 1), 0) AS merges,
            COUNT(DISTINCT CASE WHEN c.is_merge = 0 THEN c.author_email END) AS authors,
            MIN(c.commit_time) AS first
     FROM git_commits c WHERE ${windowClause}`,
    windowParams(w),
  );
  return {
    commits: row?.commits ?? 0,
    merges: row?.merges ?? 0,
    authors: row?.authors ?? 0,
    firstCommitAt: row?.first ?? null,
  };
}

/** Per-file statistics, one row per (repository, path) changed in the window. */
export async function fileStats(q: Queryable, w: Window): Promise<FileStats[]> {
  const rows = await q.all<{
    repo: string;
    path: string;
    revisions: number;
    added: number;
    deleted: number;
    authors: number;
    last: number;
    lines: number | null;
  }>(
    `SELECT r.name AS repo, f.path AS path, COUNT(*) AS revisions, SUM(f.added) AS added, SUM(f.deleted) AS deleted,
            COUNT(DISTINCT c.author_email) AS authors, MAX(c.commit_time) AS last, h.lines AS lines
     FROM git_file_changes f
     JOIN git_commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
     JOIN repositories r ON r.id = f.repo_id
     LEFT JOIN git_head_files h ON h.repo_id = f.repo_id AND h.path = f.path
     WHERE c.is_merge = 0 AND ${windowClause}
     GROUP BY f.repo_id, f.path`,
    windowParams(w),
  );
  return rows.map((row) => ({
    repo: row.repo,
    path: row.path,
    revisions: row.revisions,
    added: row.added,
    deleted: row.deleted,
    churn: row.added + row.deleted,
    lines: row.lines,
    authors: row.authors,
    lastChanged: new Date(row.last * 1000).toISOString(),
  }));
}
