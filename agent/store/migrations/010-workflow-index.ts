// Runs by workflow name within a repository: DORA reads a repository's
// workflow names and then the deploy workflow's runs on its branch.
import type { Migration } from '../migrate.js';

export const workflowIndex: Migration = {
  version: 10,
  name: 'workflow-index',
  sql: `
CREATE INDEX github_workflow_runs_workflow ON github_workflow_runs(repo_id, workflow_name, branch);
`,
};
