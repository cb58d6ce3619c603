// The complexity proxy of each file at the collected tip, from its indentation
// (Tornhill's language-agnostic measure: nested code is indented further, so
// the total indentation grows with both size and nesting).
import { INDENT_UNIT } from '../../collectors/git/indentation.js';
import type { Queryable } from '../store/db.js';

export interface TipFile {
  /** Line count at the tip as git counts it (null for binary files). */
  lines: number | null;
  /** Total logical indentation (columns / 4, a tab = 4 columns) over non-blank lines; null when unknown or binary. */
  complexity: number | null;
  /** Deepest logical indentation of a non-blank line; null when unknown or binary. */
  maxIndent: number | null;
}

/** repoId → path → what is known about the file at the tip. */
export async function loadTipFiles(q: Queryable): Promise<Map<number, Map<string, TipFile>>> {
  const rows = await q.all<{
    repo_id: number;
    path: string;
    lines: number | null;
    binary: number | null;
    total: number | null;
    max: number | null;
  }>(
    `SELECT h.repo_id, h.path, h.lines, i.binary, i.indent_total AS total, i.indent_max AS max
     FROM git_head_files h
     LEFT JOIN git_head_blobs b ON b.repo_id = h.repo_id AND b.path = h.path
     LEFT JOIN git_blob_indentation i ON i.oid = b.oid`,
  );
  const result = new Map<number, Map<string, TipFile>>();
  for (const row of rows) {
    let repo = result.get(row.repo_id);
    if (!repo) {
      repo = new Map();
      result.set(row.repo_id, repo);
    }
    const known = row.binary === 0 && row.total !== null && row.max !== null;
    repo.set(row.path, {
      lines: row.lines,
      complexity: known ? row.total! / INDENT_UNIT : null,
      maxIndent: known ? row.max! / INDENT_UNIT : null,
    });
  }
  return result;
}
