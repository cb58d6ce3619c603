// SQL for git history: batched, idempotent writes keyed on (repo, sha).
import type { GitCommit } from '../../collectors/git/log-stream.js';
import type { Queryable } from './db.js';

const INSERT_COMMITS = `
INSERT OR IGNORE INTO git_commits (repo_id, sha, parents, is_merge, author_name, author_email, raw_author_name,
  raw_author_email, author_time, author_tz, commit_time, subject, run_id)
SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
  value ->> 8, value ->> 9, value ->> 10, ? FROM json_each(?)`;

const INSERT_FILES = `
INSERT OR IGNORE INTO git_file_changes (repo_id, sha, path, added, deleted, binary)
SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`;

/** Writes a batch of commits and their file changes; re-writing the same commits changes nothing. */
export async function insertCommits(
  q: Queryable,
  repoId: number,
  runId: number,
  commits: readonly GitCommit[],
) {
  const commitRows: unknown[][] = [];
  const fileRows: unknown[][] = [];
  for (const c of commits) {
    commitRows.push([
      c.sha,
      c.parents.join(' '),
      c.parents.length > 1 ? 1 : 0,
      c.authorName,
      c.authorEmail,
      c.rawAuthorName,
      c.rawAuthorEmail,
      c.authorTime,
      c.authorTz,
      c.commitTime,
      c.subject,
    ]);
    for (const f of c.files) {
      const binary = f.added === null || f.deleted === null;
      fileRows.push([c.sha, f.path, f.added ?? 0, f.deleted ?? 0, binary ? 1 : 0]);
    }
  }
  if (commitRows.length) await q.run(INSERT_COMMITS, [repoId, runId, JSON.stringify(commitRows)]);
  if (fileRows.length) await q.run(INSERT_FILES, [repoId, JSON.stringify(fileRows)]);
}

/** Removes a repository's git history (used when the analysed branch changes or history was rewritten). */
export async function deleteGitHistory(q: Queryable, repoId: number): Promise<void> {
  await q.run('DELETE FROM git_file_changes WHERE repo_id = ?', [repoId]);
  await q.run('DELETE FROM git_commits WHERE repo_id = ?', [repoId]);
}

/** Replaces the line counts of the files present at the collected tip. */
export async function replaceHeadFiles(
  q: Queryable,
  repoId: number,
  files: readonly { path: string; lines: number | null }[],
): Promise<void> {
  await q.run('DELETE FROM git_head_files WHERE repo_id = ?', [repoId]);
  const rows = files.map((f) => [f.path, f.lines, f.lines === null ? 1 : 0]);
  for (let i = 0; i < rows.length; i += 20_000) {
    await q.run(
      `INSERT INTO git_head_files (repo_id, path, lines, binary)
       SELECT ?, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
      [repoId, JSON.stringify(rows.slice(i, i + 20_000))],
    );
  }
}
