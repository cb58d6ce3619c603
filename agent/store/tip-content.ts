// SQL for the tip's blobs, their indentation profiles and linguist attributes
// (generated, vendored, documentation).
import type { Queryable } from './db.js';

export interface BlobProfile {
  oid: string;
  binary: boolean;
  codeLines: number;
  indentTotal: number;
  indentMax: number;
}

export interface PathAttributes {
  path: string;
  generated: 0 | 1 | null;
  vendored: 0 | 1 | null;
  documentation: 0 | 1 | null;
}

const CHUNK = 20_000;

/** The object ids among `oids` whose indentation is not stored yet. */
export async function missingBlobs(q: Queryable, oids: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (let i = 0; i < oids.length; i += CHUNK) {
    const rows = await q.all<{ oid: string }>(
      `SELECT j.value AS oid FROM json_each(?) j
       LEFT JOIN git_blob_indentation b ON b.oid = j.value WHERE b.oid IS NULL`,
      [JSON.stringify(oids.slice(i, i + CHUNK))],
    );
    for (const row of rows) missing.push(row.oid);
  }
  return missing;
}

/** True when a file at the repository's tip has no indentation profile stored. */
export async function hasUnprofiledBlobs(q: Queryable, repoId: number): Promise<boolean> {
  const row = await q.get(
    `SELECT 1 FROM git_head_blobs b LEFT JOIN git_blob_indentation i ON i.oid = b.oid
     WHERE b.repo_id = ? AND i.oid IS NULL LIMIT 1`,
    [repoId],
  );
  return row !== undefined;
}

/** Paths whose attributes matter: the tip's files and every path the history of the repository changed. */
export async function pathAttributesInput(
  q: Queryable,
  repoId: number,
  tipFiles: readonly { path: string }[],
): Promise<string[]> {
  const paths = new Set(tipFiles.map((f) => f.path));
  const rows = await q.all<{ path: string }>('SELECT DISTINCT path FROM git_file_changes WHERE repo_id = ?', [
    repoId,
  ]);
  for (const row of rows) paths.add(row.path);
  return [...paths];
}

/** Replaces the repository's tip blobs and attributes, adds new blob profiles and drops unreferenced ones. */
export async function replaceTipContent(
  q: Queryable,
  repoId: number,
  files: readonly { path: string; oid: string }[],
  profiles: readonly BlobProfile[],
  attributes: readonly PathAttributes[],
): Promise<void> {
  await q.run('DELETE FROM git_head_blobs WHERE repo_id = ?', [repoId]);
  for (let i = 0; i < files.length; i += CHUNK) {
    await q.run(
      `INSERT INTO git_head_blobs (repo_id, path, oid) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)`,
      [repoId, JSON.stringify(files.slice(i, i + CHUNK).map((f) => [f.path, f.oid]))],
    );
  }
  for (let i = 0; i < profiles.length; i += CHUNK) {
    const rows = profiles
      .slice(i, i + CHUNK)
      .map((p) => [p.oid, p.binary ? 1 : 0, p.codeLines, p.indentTotal, p.indentMax]);
    await q.run(
      `INSERT OR REPLACE INTO git_blob_indentation (oid, binary, code_lines, indent_total, indent_max)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`,
      [JSON.stringify(rows)],
    );
  }
  await q.run('DELETE FROM git_blob_indentation WHERE oid NOT IN (SELECT oid FROM git_head_blobs)');
  await q.run('DELETE FROM git_path_attributes WHERE repo_id = ?', [repoId]);
  for (let i = 0; i < attributes.length; i += CHUNK) {
    await q.run(
      `INSERT INTO git_path_attributes (repo_id, path, generated, vendored, documentation)
       SELECT ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`,
      [
        repoId,
        JSON.stringify(
          attributes.slice(i, i + CHUNK).map((a) => [a.path, a.generated, a.vendored, a.documentation]),
        ),
      ],
    );
  }
}
