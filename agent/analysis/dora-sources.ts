// Successful production deployments of one repository, read from one of four
// sources: GitHub Deployments (first `success` status in a production
// environment), Actions runs of deploy workflows on the default branch,
// published releases, or version tags of the local clone. Each source also
// says what it looked at, so "no deployments found" can name what was tried.
import type { DeploymentSource, DoraSettings } from '../config.js';
import type { Queryable } from '../store/db.js';

/** One successful production deployment. */
export interface Deployment {
  /** What it is in its source: deployment id, run id, release tag or tag name. */
  ref: string;
  sha: string;
  /** When it reached production (Unix seconds). */
  at: number;
}

/** A failed or errored status of a production deployment (a change-failure signal). */
export interface FailedStatus {
  ref: string;
  state: string;
  at: number;
}

/** What one source found for one repository. */
export interface SourceResult {
  source: DeploymentSource;
  deployments: Deployment[];
  failedStatuses: FailedStatus[];
  /** What was looked at, for the "no deployments found" explanation. */
  tried: string;
  /** Problems noticed in the data (unknown environments, ...). */
  notes: string[];
}

const SUCCESS = new Set(['SUCCESS', 'success']);
const FAILED = new Set(['FAILURE', 'ERROR', 'failure', 'error']);

/** Reads the deployments of `repoId` from `source`. `branch` is the default branch, when known. */
export async function readSource(
  q: Queryable,
  repoId: number,
  source: DeploymentSource,
  settings: DoraSettings,
  branch: string | null,
): Promise<SourceResult> {
  if (source === 'deployments') return githubDeployments(q, repoId, settings);
  if (source === 'actions') return actionsRuns(q, repoId, settings, branch);
  if (source === 'releases') return releases(q, repoId);
  return tags(q, repoId, settings);
}

async function githubDeployments(
  q: Queryable,
  repoId: number,
  settings: DoraSettings,
): Promise<SourceResult> {
  const rows = await q.all<{
    id: number;
    environment: string | null;
    sha: string;
    state: string | null;
    at: number | null;
  }>(
    `SELECT d.id, d.environment, d.sha, s.state, s.created_at AS at
     FROM github_deployments d LEFT JOIN github_deployment_statuses s ON s.repo_id = d.repo_id AND s.deployment_id = d.id
     WHERE d.repo_id = ?`,
    [repoId],
  );
  const production = new Set(settings.environments.map((e) => e.toLowerCase()));
  const byId = new Map<
    number,
    { sha: string; environment: string; success: number | null; failed: FailedStatus[] }
  >();
  const others = new Map<string, Set<number>>();
  for (const r of rows) {
    const environment = r.environment ?? '';
    if (!production.has(environment.toLowerCase())) {
      const ids = others.get(environment) ?? new Set<number>();
      ids.add(r.id);
      others.set(environment, ids);
      continue;
    }
    let d = byId.get(r.id);
    if (!d) {
      d = { sha: r.sha, environment, success: null, failed: [] };
      byId.set(r.id, d);
    }
    if (r.state === null || r.at === null) continue;
    // Statuses may be listed in any order: the first success is the earliest one.
    if (SUCCESS.has(r.state)) d.success = d.success === null ? r.at : Math.min(d.success, r.at);
    else if (FAILED.has(r.state))
      d.failed.push({ ref: `deployment ${r.id}`, state: r.state.toLowerCase(), at: r.at });
  }
  const deployments: Deployment[] = [];
  const failedStatuses: FailedStatus[] = [];
  for (const [id, d] of byId) {
    if (d.success !== null) deployments.push({ ref: `deployment ${id}`, sha: d.sha, at: d.success });
    failedStatuses.push(...d.failed);
  }
  const notes: string[] = [];
  if (others.size > 0) {
    const list = [...others].map(([env, ids]) => `${env || '(none)'}: ${ids.size}`).join(', ');
    notes.push(
      `deployments to environments not counted as production were left out (${list}); add an environment to dora.environments to count it`,
    );
  }
  return {
    source: 'deployments',
    deployments,
    failedStatuses,
    tried: `GitHub deployments with a success status in ${settings.environments.join('/')} (${deployments.length}${others.size ? `; ${[...others.values()].reduce((n, s) => n + s.size, 0)} to other environments` : ''})`,
    notes,
  };
}

async function actionsRuns(
  q: Queryable,
  repoId: number,
  settings: DoraSettings,
  branch: string | null,
): Promise<SourceResult> {
  const pattern = new RegExp(settings.workflowPattern, 'i');
  const target = branch ?? 'main';
  // Match workflow names first, so only the deploy workflows' runs are read (through the index on
  // workflow names, which the planner would otherwise pass over for a scan of every run of the repository).
  const names = (
    await q.all<{ name: string }>(
      'SELECT DISTINCT workflow_name AS name FROM github_workflow_runs WHERE repo_id = ?',
      [repoId],
    )
  )
    .map((r) => r.name)
    .filter((name) => pattern.test(name));
  const rows = names.length
    ? await q.all<{ id: number; sha: string; at: number }>(
        `SELECT r.id, r.head_sha AS sha,
           coalesce((SELECT max(j.completed_at) FROM github_jobs j WHERE j.repo_id = r.repo_id AND j.run_id = r.id
                     AND j.attempt = r.attempt), r.updated_at) AS at
         FROM github_workflow_runs r INDEXED BY github_workflow_runs_workflow
         WHERE r.repo_id = ? AND r.workflow_name IN (SELECT value FROM json_each(?)) AND r.branch = ?
           AND r.event != 'pull_request' AND r.conclusion = 'success' AND r.from_jobs = 0
           AND NOT EXISTS (SELECT 1 FROM github_workflow_runs x WHERE x.repo_id = r.repo_id AND x.id = r.id
                           AND x.attempt > r.attempt)`,
        [repoId, JSON.stringify(names), target],
      )
    : [];
  const deployments = rows.map((r) => ({ ref: `run ${r.id}`, sha: r.sha, at: r.at }));
  return {
    source: 'actions',
    deployments,
    failedStatuses: [],
    tried: `successful Actions runs of workflows matching /${settings.workflowPattern}/i on ${target} (${deployments.length})`,
    notes: [],
  };
}

async function releases(q: Queryable, repoId: number): Promise<SourceResult> {
  const rows = await q.all<{ tag: string; sha: string | null; at: number }>(
    `SELECT r.tag_name AS tag, coalesce(r.sha, t.sha) AS sha, coalesce(r.published_at, r.created_at) AS at
     FROM github_releases r LEFT JOIN git_tags t ON t.repo_id = r.repo_id AND t.name = r.tag_name
     WHERE r.repo_id = ? AND r.draft = 0 AND r.prerelease = 0`,
    [repoId],
  );
  const deployments = rows
    .filter((r) => r.sha)
    .map((r) => ({ ref: `release ${r.tag}`, sha: r.sha!, at: r.at }));
  return {
    source: 'releases',
    deployments,
    failedStatuses: [],
    tried: `published GitHub releases, pre-releases left out (${deployments.length})`,
    notes: [],
  };
}

async function tags(q: Queryable, repoId: number, settings: DoraSettings): Promise<SourceResult> {
  const pattern = new RegExp(settings.tagPattern, 'i');
  const rows = await q.all<{ name: string; sha: string; at: number }>(
    'SELECT name, sha, tagged_at AS at FROM git_tags WHERE repo_id = ?',
    [repoId],
  );
  const deployments = rows
    .filter((r) => pattern.test(r.name))
    .map((r) => ({ ref: `tag ${r.name}`, sha: r.sha, at: r.at }));
  return {
    source: 'tags',
    deployments,
    failedStatuses: [],
    tried: `tags of the local clone matching /${settings.tagPattern}/ (${deployments.length})`,
    notes: [],
  };
}
