import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../support/github-generator.js';
import { expectedAttempts, expectedPullRequest, type Harness, harness } from './harness.js';

describe('GitHub collector against the local GitHub', () => {
  const org = generateOrg({ seed: 7, repos: 1, prsPerRepo: 230, runsPerRepo: 260, largePrRate: 0.05 });
  const repo = org.repositories[0]!;
  let h: Harness;
  beforeAll(async () => {
    h = await harness(org);
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores every pull request with exact values, across page boundaries', async () => {
    const result = await h.sync(`acme/${repo.name}`);
    expect(h.server.schemaProblems).toEqual([]);
    expect(result.pullRequests.pullRequests).toBe(230);
    const rows = await h.query<Record<string, unknown>>(
      `SELECT p.*, (SELECT count(*) FROM github_pr_reviews r WHERE r.repo_id = p.repo_id AND r.pr_number = p.number) AS reviews,
        (SELECT count(*) FROM github_pr_files f WHERE f.repo_id = p.repo_id AND f.pr_number = p.number) AS files,
        (SELECT count(*) FROM github_pr_commits c WHERE c.repo_id = p.repo_id AND c.pr_number = p.number) AS commits
       FROM github_pull_requests p ORDER BY number`,
    );
    expect(rows).toHaveLength(230);
    for (const [i, pr] of repo.pullRequests.entries()) {
      const { repo_id: _r, raw_id: _raw, ...row } = rows[i]!;
      expect(row).toEqual(expectedPullRequest(pr));
    }
    const runs = await h.query<Record<string, unknown>>(
      `SELECT id, attempt, workflow_name, event, branch, head_sha, status, conclusion, created_at, run_started_at,
        updated_at, from_jobs FROM github_workflow_runs ORDER BY id, attempt`,
    );
    const expected = [...repo.runs].sort((a, b) => a.id - b.id).flatMap(expectedAttempts);
    expect(runs).toEqual(expected);
  });
});
