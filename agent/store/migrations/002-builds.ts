// Local build and test timings: every timed run of `build` and `wrap`, and the
// machines they ran on.
import type { Migration } from '../migrate.js';

export const builds: Migration = {
  version: 2,
  name: 'builds',
  sql: `
-- One row per machine, keyed on a fingerprint of its hardware and host name.
-- Tool versions are the latest ones seen there (a JSON object: tool → version).
CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  cores INTEGER NOT NULL,
  memory_bytes INTEGER NOT NULL,
  os TEXT NOT NULL,
  os_release TEXT NOT NULL,
  arch TEXT NOT NULL,
  node_version TEXT NOT NULL,
  tools TEXT NOT NULL DEFAULT '{}',
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL
) WITHOUT ROWID;

-- One row per timed run. run_key is generated when the run is measured, so a
-- record ingested twice (from the pending folder) is stored once.
CREATE TABLE build_runs (
  id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL UNIQUE,
  repo_id INTEGER REFERENCES repositories(id),
  cwd TEXT NOT NULL,
  command TEXT NOT NULL,
  argv TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('build', 'test')),
  mode TEXT NOT NULL CHECK (mode IN ('warm', 'cold', 'wrapped')),
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'signal', 'timeout', 'not_started')),
  exit_code INTEGER,
  signal TEXT,
  timed_out INTEGER NOT NULL DEFAULT 0,
  wall_seconds REAL NOT NULL,
  user_seconds REAL,
  sys_seconds REAL,
  peak_rss_bytes INTEGER,
  git_commit TEXT,
  git_branch TEXT,
  git_dirty INTEGER,
  machine_id TEXT NOT NULL REFERENCES machines(id),
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  run_id INTEGER REFERENCES collection_runs(id)
);
CREATE INDEX build_runs_time ON build_runs(started_at);
CREATE INDEX build_runs_repo ON build_runs(repo_id, mode, started_at);
`,
};
