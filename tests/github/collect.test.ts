import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inflateBody } from '../../agent/store/github.js';
import { PULL_REQUESTS_QUERY } from '../../collectors/github/pr-collector.js';
import { generateOrg } from '../support/github-generator.js';
import { staticLimits } from '../support/github-server/graphql.js';
import { expectedAttempts, expectedPullRequest, type Harness, harness } from './harness.js';

const sec = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

describe('GitHub collector against the local GitHub', () => {
  // 230 PRs = three GraphQL pages; 5% large PRs need follow-up pages for files.
  const org = generateOrg({ seed: 7, repos: 1, prsPerRepo: 230, runsPerRepo: 260, largePrRate: 0.05 });
  const repo = org.repositories[0]!;
  let h: Harness;
  beforeAll(async () => {
    h = await harness(org);
    await h.sync(`acme/${repo.name}`);
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves only bodies that match GitHub’s published schemas', () => {
    expect(h.server.schemaProblems).toEqual([]);
    expect(h.server.log.every((e) => e.status === 200)).toBe(true);
  });

  it('stores every pull request with exact values, across page boundaries', async () => {
    const rows = await h.query<Record<string, unknown>>(
      `SELECT p.*, (SELECT count(*) FROM github_pr_reviews r WHERE r.repo_id = p.repo_id AND r.pr_number = p.number) AS reviews,
        (SELECT count(*) FROM github_pr_files f WHERE f.repo_id = p.repo_id AND f.pr_number = p.number) AS files,
        (SELECT count(*) FROM github_pr_commits c WHERE c.repo_id = p.repo_id AND c.pr_number = p.number) AS commits
       FROM github_pull_requests p ORDER BY number`,
    );
    expect(rows).toHaveLength(230);
    expect(repo.pullRequests.some((pr) => pr.files.length > 100)).toBe(true);
    for (const [i, pr] of repo.pullRequests.entries()) {
      const { repo_id: _r, raw_id: _raw, ...row } = rows[i]!;
      expect(row).toEqual(expectedPullRequest(pr));
    }
  });

  it('stores reviews with bot flags, review requests, commits in order, files and events', async () => {
    const reviews = await h.query(
      'SELECT pr_number, id, author, author_is_bot, state, submitted_at FROM github_pr_reviews ORDER BY pr_number, id',
    );
    expect(reviews).toEqual(
      repo.pullRequests.flatMap((pr) =>
        [...pr.reviews]
          .sort((a, b) => a.id - b.id)
          .map((r) => ({
            pr_number: pr.number,
            id: r.id,
            author: r.author.login,
            author_is_bot: r.author.bot ? 1 : 0,
            state: r.state,
            submitted_at: sec(r.submittedAt),
          })),
      ),
    );
    expect(reviews.some((r) => (r as { author_is_bot: number }).author_is_bot === 1)).toBe(true);
    const commits = await h.query(
      'SELECT pr_number, sha, position, authored_at, committed_at FROM github_pr_commits ORDER BY pr_number, position',
    );
    expect(commits).toEqual(
      repo.pullRequests.flatMap((pr) =>
        pr.commits.map((c, position) => ({
          pr_number: pr.number,
          sha: c.sha,
          position,
          authored_at: sec(c.authoredAt),
          committed_at: sec(c.committedAt),
        })),
      ),
    );
    const files = await h.query(
      'SELECT pr_number, path, additions, deletions FROM github_pr_files ORDER BY pr_number, path',
    );
    expect(files).toEqual(
      repo.pullRequests.flatMap((pr) =>
        [...pr.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ pr_number: pr.number, ...f })),
      ),
    );
    const events = await h.query(
      'SELECT pr_number, kind, created_at FROM github_pr_events ORDER BY pr_number, created_at, kind',
    );
    expect(events).toEqual(
      repo.pullRequests.flatMap((pr) =>
        pr.events
          .filter((e) => e.kind !== 'review_requested')
          .map((e) => ({ pr_number: pr.number, kind: e.kind, created_at: sec(e.at) }))
          .sort((a, b) => a.created_at! - b.created_at! || (a.kind < b.kind ? -1 : 1)),
      ),
    );
    expect(events.some((e) => (e as { kind: string }).kind === 'head_ref_force_pushed')).toBe(true);
    const requests = await h.query(
      'SELECT pr_number, reviewer, requested_at, pending FROM github_pr_review_requests ORDER BY pr_number, reviewer',
    );
    expect(requests).toEqual(
      repo.pullRequests.flatMap((pr) =>
        pr.events
          .filter((e) => e.kind === 'review_requested')
          .map((e) => ({
            pr_number: pr.number,
            reviewer: e.reviewer!.login,
            requested_at: sec(e.at),
            pending: pr.pendingReviewers.some((p) => p.login === e.reviewer!.login) ? 1 : 0,
          }))
          .sort((a, b) => (a.reviewer < b.reviewer ? -1 : 1)),
      ),
    );
  });

  it('stores every run attempt (earlier ones rebuilt from jobs) and every job', async () => {
    const runs = await h.query(
      `SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at,
        updated_at, from_jobs FROM github_workflow_runs ORDER BY id, attempt`,
    );
    expect(runs).toEqual([...repo.runs].sort((a, b) => a.id - b.id).flatMap(expectedAttempts));
    expect(repo.runs.some((r) => r.attempts.length > 1)).toBe(true);
    const jobs = await h.query(
      'SELECT id, run_id, attempt, name, runner, status, conclusion, created_at, started_at, completed_at FROM github_jobs ORDER BY id',
    );
    expect(jobs).toEqual(
      repo.runs
        .flatMap((run) =>
          run.attempts.flatMap((a) =>
            a.jobs.map((j) => ({
              id: j.id,
              run_id: run.id,
              attempt: a.attempt,
              name: j.name,
              runner: j.runner,
              status: j.status,
              conclusion: j.conclusion,
              created_at: sec(j.createdAt),
              started_at: j.status === 'queued' ? null : sec(j.startedAt),
              completed_at: sec(j.completedAt),
            })),
          ),
        )
        .sort((a, b) => a.id - b.id),
    );
  });

  it('links every normalised row to a stored raw response', async () => {
    for (const table of ['github_pull_requests', 'github_pr_files', 'github_workflow_runs', 'github_jobs']) {
      const [orphans] = await h.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${table} t LEFT JOIN github_raw r ON r.id = t.raw_id WHERE r.id IS NULL`,
      );
      expect(orphans!.n).toBe(0);
    }
  });

  it('keeps each raw response, so a stored number can be traced to GitHub’s answer', async () => {
    const [row] = await h.query<{ body: Buffer; kind: string; number: number; title: string }>(
      `SELECT r.body, r.kind, p.number, p.title FROM github_pull_requests p JOIN github_raw r ON r.id = p.raw_id
       WHERE p.number = 42`,
    );
    expect(row!.kind).toBe('graphql:pull_requests');
    const body = JSON.parse(inflateBody(row!.body)) as {
      repository: { pullRequests: { nodes: { number: number; title: string }[] } };
    };
    const node = body.repository.pullRequests.nodes.find((n) => n.number === 42);
    expect(node?.title).toBe(row!.title);
  });

  it('keeps the page query inside GitHub’s node limit', () => {
    const { nodes } = staticLimits(parse(PULL_REQUESTS_QUERY), { first: 100 });
    expect(nodes).toBeLessThanOrEqual(50_000);
  });
});

describe('request budget', () => {
  it('uses at most 20 requests per 1,000 pull requests, and one jobs request per run', async () => {
    const org = generateOrg({ seed: 11, repos: 1, prsPerRepo: 1000, runsPerRepo: 120 });
    const h = await harness(org);
    try {
      const result = await h.sync('acme/service-1');
      const graphql = h.server.log.filter((e) => e.kind === 'graphql').length;
      const jobs = h.server.log.filter((e) => e.path.includes('/jobs')).length;
      expect(result.pullRequests.pullRequests).toBe(1000);
      expect(graphql).toBeLessThanOrEqual(20);
      expect(jobs).toBe(120);
      expect(result.requests).toBe(h.server.requests);
    } finally {
      await h.close();
    }
  });
});
