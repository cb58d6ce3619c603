// REST bodies built from generated data, in the shapes GitHub's OpenAPI
// description requires (the server validates each one before sending it).
import type { GenActor, GenAttempt, GenJob, GenRepository, GenRun } from '../github-generator.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** A REST simple-user for a person or a bot (bots carry the `[bot]` suffix in REST). */
export function simpleUser(base: string, actor: GenActor) {
  const login = actor.bot ? `${actor.login}[bot]` : actor.login;
  const url = `${base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: actor.id,
    node_id: `U_${actor.id}`,
    avatar_url: `https://avatars.example.test/u/${actor.id}`,
    gravatar_id: '',
    url,
    html_url: `https://github.example.test/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: actor.bot ? 'Bot' : 'User',
    site_admin: false,
  };
}

/** A REST minimal-repository. */
export function minimalRepository(base: string, repo: GenRepository) {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${base}/repos/${full}`;
  const owner = simpleUser(base, { login: repo.owner, id: 1, bot: false });
  owner.type = 'Organization';
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    owner,
    private: true,
    html_url: `https://github.example.test/${full}`,
    description: null,
    fork: repo.fork,
    archived: repo.archived,
    disabled: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    default_branch: 'main',
    visibility: 'private',
  };
}

/** A REST workflow-run for one attempt of a run (the runs list shows the latest). */
export function workflowRun(base: string, repo: GenRepository, run: GenRun, attempt: GenAttempt) {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${base}/repos/${full}/actions/runs/${run.id}`;
  const repository = minimalRepository(base, repo);
  return {
    id: run.id,
    name: run.workflow.name,
    node_id: `WFR_${run.id}`,
    check_suite_id: run.id + 1,
    check_suite_node_id: `CS_${run.id + 1}`,
    head_branch: run.branch,
    head_sha: run.headSha,
    path: run.workflow.path,
    run_number: run.runNumber,
    run_attempt: attempt.attempt,
    event: run.event,
    display_title: `${run.workflow.name} on ${run.branch}`,
    status: attempt.status,
    conclusion: attempt.conclusion,
    workflow_id: run.workflow.id,
    url,
    html_url: `https://github.example.test/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: iso(run.createdAt),
    updated_at: iso(attempt.updatedAt),
    actor: simpleUser(base, run.actor),
    triggering_actor: simpleUser(base, run.actor),
    run_started_at: iso(attempt.runStartedAt),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${base}/repos/${full}/check-suites/${run.id + 1}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: attempt.attempt > 1 ? `${url}/attempts/${attempt.attempt - 1}` : null,
    workflow_url: `${base}/repos/${full}/actions/workflows/${run.workflow.id}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha.split('').reverse().join(''),
      message: `${run.workflow.name} commit`,
      timestamp: iso(run.createdAt),
      author: { name: run.actor.login, email: `${run.actor.login}@example.test` },
      committer: { name: run.actor.login, email: `${run.actor.login}@example.test` },
    },
    repository,
    head_repository: repository,
  };
}

/** A REST job. */
export function job(base: string, repo: GenRepository, run: GenRun, attempt: GenAttempt, j: GenJob) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: j.id,
    run_id: run.id,
    run_url: `${base}/repos/${full}/actions/runs/${run.id}`,
    run_attempt: attempt.attempt,
    node_id: `CR_${j.id}`,
    head_sha: run.headSha,
    url: `${base}/repos/${full}/actions/jobs/${j.id}`,
    html_url: `https://github.example.test/${full}/actions/runs/${run.id}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: iso(j.createdAt),
    started_at: iso(j.startedAt ?? j.createdAt),
    completed_at: iso(j.completedAt),
    name: j.name,
    steps: [],
    check_run_url: `${base}/repos/${full}/check-runs/${j.id}`,
    labels: j.labels,
    runner_id: j.runner ? Number(j.runner.replace(/\D/g, '')) || 1 : null,
    runner_name: j.runner,
    runner_group_id: j.runner ? 1 : null,
    runner_group_name: j.runner ? 'Default' : null,
    workflow_name: run.workflow.name,
    head_branch: run.branch,
  };
}
