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
  // one JSON document per repository: far cheaper than one row object per file
  const rows = await q.all<{ repo_id: number; files: string }>(
    `SELECT h.repo_id, json_group_array(json_array(h.path, h.lines, i.binary, i.indent_total, i.indent_max)) AS files
     FROM git_head_files h
     LEFT JOIN git_head_blobs b ON b.repo_id = h.repo_id AND b.path = h.path
     LEFT JOIN git_blob_indentation i ON i.oid = b.oid
     GROUP BY h.repo_id`,
  );
  const result = new Map<number, Map<string, TipFile>>();
  for (const row of rows) {
    const repo = new Map<string, TipFile>();
    result.set(row.repo_id, repo);
    const files = JSON.parse(row.files) as [
      string,
      number | null,
      number | null,
      number | null,
      number | null,
    ][];
    for (const [path, lines, binary, total, max] of files) {
      const known = binary === 0 && total !== null && max !== null;
      repo.set(path, {
        lines,
        complexity: known ? total / INDENT_UNIT : null,
        maxIndent: known ? max / INDENT_UNIT : null,
      });
    }
  }
  return result;
}
