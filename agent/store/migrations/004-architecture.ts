// Facts about the files at the collected tip that the architecture analysis
// needs beyond line counts: which blob each path holds, the indentation
// profile of each blob (the complexity proxy), and the linguist attributes
// (.gitattributes at the tip) that mark paths as generated or vendored.
import type { Migration } from '../migrate.js';

export const architecture: Migration = {
  version: 4,
  name: 'architecture',
  sql: `
-- The blob behind every file at the collected tip (mode 100644/100755 only).
CREATE TABLE git_head_blobs (
  repo_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  oid TEXT NOT NULL,
  PRIMARY KEY (repo_id, path)
) WITHOUT ROWID;
CREATE INDEX git_head_blobs_oid ON git_head_blobs(oid);

-- Indentation profile of a blob, keyed by its object id, so a blob is read once
-- whatever the number of collections, paths or repositories that hold it.
-- Indentation is counted in columns (a space is 1, a tab is 4) over non-blank lines.
CREATE TABLE git_blob_indentation (
  oid TEXT PRIMARY KEY,
  binary INTEGER NOT NULL,
  code_lines INTEGER NOT NULL,
  indent_total INTEGER NOT NULL,
  indent_max INTEGER NOT NULL
) WITHOUT ROWID;

-- linguist-generated / linguist-vendored as .gitattributes at the tip says:
-- 1 = set or true, 0 = explicitly unset or false; no row = unspecified.
CREATE TABLE git_path_attributes (
  repo_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  generated INTEGER,
  vendored INTEGER,
  PRIMARY KEY (repo_id, path)
) WITHOUT ROWID;
`,
};
