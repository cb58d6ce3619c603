// What an extractor needs to re-read a raw response exactly as the collector
// did (the `since` a page was filtered by, the run a jobs page belongs to),
// kept beside the body so `rebuild` never refetches. A run also keeps its
// check suite's node id, through which GraphQL tells cheaply whether an old
// run was re-run.
import type { Migration } from '../migrate.js';

export const githubRawParams: Migration = {
  version: 6,
  name: 'github-raw-params',
  sql: `
ALTER TABLE github_raw ADD COLUMN params TEXT;
ALTER TABLE github_workflow_runs ADD COLUMN check_suite_node_id TEXT;
`,
};
