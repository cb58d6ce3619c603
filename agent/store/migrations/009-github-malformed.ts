// API objects the normalise stage left out because they were malformed (e.g. a
// job without created_at), each named with its reason and the stored response
// it came from, so the report counts them instead of hiding them. Re-derived
// by `rebuild` like every normalised table.
import type { Migration } from '../migrate.js';

export const githubMalformed: Migration = {
  version: 9,
  name: 'github-malformed',
  sql: `
CREATE TABLE github_malformed (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  description TEXT NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, kind, ref)
) WITHOUT ROWID;
`,
};
