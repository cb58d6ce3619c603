// Repositories, collection bookkeeping, and git history.
import type { Migration } from '../migrate.js';

export const core: Migration = {
  version: 1,
  name: 'core',
  sql: `
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  path TEXT UNIQUE,
  github TEXT UNIQUE,
  remote_url TEXT,
  branch TEXT,
  created_at TEXT NOT NULL
);

-- One row per collection: every raw fact points back to the run that read it.
CREATE TABLE collection_runs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  scope TEXT NOT NULL,
  command TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
  detail TEXT
);

-- Incremental collection: one cursor per (source, scope, step), with the hash of
-- the settings it was taken under; changed settings mean a full resync.
CREATE TABLE collection_state (
  source TEXT NOT NULL,
  scope TEXT NOT NULL,
  step TEXT NOT NULL,
  cursor TEXT,
  config_hash TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, scope, step)
) WITHOUT ROWID;

CREATE TABLE git_commits (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  sha TEXT NOT NULL,
  parents TEXT NOT NULL,
  is_merge INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  raw_author_name TEXT NOT NULL,
  raw_author_email TEXT NOT NULL,
  author_time INTEGER NOT NULL,
  author_tz INTEGER NOT NULL,
  commit_time INTEGER NOT NULL,
  subject TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES collection_runs(id),
  PRIMARY KEY (repo_id, sha)
) WITHOUT ROWID;
CREATE INDEX git_commits_time ON git_commits(repo_id, commit_time);

CREATE TABLE git_file_changes (
  repo_id INTEGER NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,
  added INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  binary INTEGER NOT NULL,
  PRIMARY KEY (repo_id, sha, path)
) WITHOUT ROWID;

-- Line counts of the files that exist at the collected HEAD.
CREATE TABLE git_head_files (
  repo_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  lines INTEGER,
  binary INTEGER NOT NULL,
  PRIMARY KEY (repo_id, path)
) WITHOUT ROWID;
`,
};
