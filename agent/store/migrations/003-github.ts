// GitHub: raw API responses, and the pull requests, reviews and Actions runs/jobs
// normalised from them. Every normalised row points to the raw response it came
// from; keys are GitHub's natural ids so a re-sync rewrites rather than duplicates.
// Times are Unix seconds (UTC), like the git tables.
import type { Migration } from '../migrate.js';

export const github: Migration = {
  version: 3,
  name: 'github',
  sql: `
-- One row per API response kept: body is the zlib-deflated response text.
CREATE TABLE github_raw (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES collection_runs(id),
  repo_id INTEGER REFERENCES repositories(id),
  kind TEXT NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER NOT NULL,
  etag TEXT,
  fetched_at TEXT NOT NULL,
  body BLOB
);
CREATE INDEX github_raw_repo ON github_raw(repo_id, kind);

CREATE TABLE github_pull_requests (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  author TEXT,
  author_is_bot INTEGER NOT NULL,
  state TEXT NOT NULL,
  draft INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  ready_at INTEGER,
  closed_at INTEGER,
  merged_at INTEGER,
  base_ref TEXT NOT NULL,
  head_ref TEXT NOT NULL,
  head_sha TEXT NOT NULL,
  additions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  changed_files INTEGER NOT NULL,
  commits_count INTEGER NOT NULL,
  comments_count INTEGER NOT NULL,
  first_commit_at INTEGER,
  updated_at INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, number)
) WITHOUT ROWID;
CREATE INDEX github_pull_requests_created ON github_pull_requests(repo_id, created_at);

CREATE TABLE github_pr_reviews (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  id INTEGER NOT NULL,
  author TEXT,
  author_is_bot INTEGER NOT NULL,
  state TEXT NOT NULL,
  submitted_at INTEGER,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, id)
) WITHOUT ROWID;

-- Who was asked to review and when (from the timeline); pending = still requested.
CREATE TABLE github_pr_review_requests (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  reviewer_kind TEXT NOT NULL,
  requested_at INTEGER,
  pending INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, reviewer)
) WITHOUT ROWID;

-- The PR's own commits in PR order (position 0 = oldest).
CREATE TABLE github_pr_commits (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  sha TEXT NOT NULL,
  position INTEGER NOT NULL,
  authored_at INTEGER NOT NULL,
  committed_at INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, sha)
) WITHOUT ROWID;

CREATE TABLE github_pr_files (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  path TEXT NOT NULL,
  additions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, path)
) WITHOUT ROWID;

-- ready_for_review, converted_to_draft and head_ref_force_pushed events.
CREATE TABLE github_pr_events (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  kind TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  actor TEXT,
  detail TEXT,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, kind, created_at)
) WITHOUT ROWID;

-- One row per (run, attempt). The latest attempt comes from the runs list;
-- earlier attempts are rebuilt from their jobs (from_jobs = 1).
CREATE TABLE github_workflow_runs (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  workflow_id INTEGER NOT NULL,
  workflow_name TEXT NOT NULL,
  event TEXT NOT NULL,
  branch TEXT,
  head_sha TEXT NOT NULL,
  status TEXT NOT NULL,
  conclusion TEXT,
  created_at INTEGER NOT NULL,
  run_started_at INTEGER,
  updated_at INTEGER NOT NULL,
  from_jobs INTEGER NOT NULL,
  jobs_collected INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, id, attempt)
) WITHOUT ROWID;
CREATE INDEX github_workflow_runs_created ON github_workflow_runs(repo_id, created_at);
CREATE INDEX github_workflow_runs_sha ON github_workflow_runs(repo_id, head_sha);

CREATE TABLE github_jobs (
  repo_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  run_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT NOT NULL,
  runner TEXT,
  labels TEXT,
  status TEXT NOT NULL,
  conclusion TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, id)
) WITHOUT ROWID;
CREATE INDEX github_jobs_run ON github_jobs(repo_id, run_id, attempt);
`,
};
