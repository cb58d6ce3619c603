// DORA's raw facts: GitHub deployments with their statuses, releases, labelled
// issues (incidents) and pull-request labels (hotfixes), plus the tags and
// revert links read from the local clone. Times are Unix seconds (UTC).
import type { Migration } from '../migrate.js';

export const dora: Migration = {
  version: 8,
  name: 'dora',
  sql: `
CREATE TABLE github_deployments (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  id INTEGER NOT NULL,
  environment TEXT,
  sha TEXT NOT NULL,
  ref TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, id)
) WITHOUT ROWID;

-- Every status a deployment went through, in any order GitHub lists them.
CREATE TABLE github_deployment_statuses (
  repo_id INTEGER NOT NULL,
  deployment_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, deployment_id, position)
) WITHOUT ROWID;

CREATE TABLE github_releases (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  id INTEGER NOT NULL,
  tag_name TEXT NOT NULL,
  sha TEXT,
  prerelease INTEGER NOT NULL,
  draft INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  published_at INTEGER,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, id)
) WITHOUT ROWID;

-- Issues carrying the incident label (labels kept as a JSON list).
CREATE TABLE github_issues (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  labels TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  closed_at INTEGER,
  updated_at INTEGER NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, number)
) WITHOUT ROWID;

-- Labels of the pull requests carrying a hotfix label.
CREATE TABLE github_pr_labels (
  repo_id INTEGER NOT NULL,
  pr_number INTEGER NOT NULL,
  label TEXT NOT NULL,
  raw_id INTEGER NOT NULL REFERENCES github_raw(id),
  PRIMARY KEY (repo_id, pr_number, label)
) WITHOUT ROWID;

-- Tags of the local clone, peeled to their commit; tagged_at = tagger date, or the commit date of a lightweight tag.
CREATE TABLE git_tags (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  name TEXT NOT NULL,
  sha TEXT NOT NULL,
  tagged_at INTEGER NOT NULL,
  PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;

-- "This reverts commit X" links read from commit messages of the local clone.
CREATE TABLE git_reverts (
  repo_id INTEGER NOT NULL REFERENCES repositories(id),
  sha TEXT NOT NULL,
  reverted_sha TEXT NOT NULL,
  PRIMARY KEY (repo_id, sha, reverted_sha)
) WITHOUT ROWID;
`,
};
