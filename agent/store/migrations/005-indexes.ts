// Covering indexes for the report's largest scans: CI attempts and their jobs.
import type { Migration } from '../migrate.js';

export const indexes: Migration = {
  version: 5,
  name: 'indexes',
  sql: `
CREATE INDEX github_jobs_attempt_times ON github_jobs(repo_id, run_id, attempt, started_at, completed_at, created_at);
`,
};
