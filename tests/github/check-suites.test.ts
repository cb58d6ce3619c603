// The local GitHub backs the check suites of a commit the way GitHub's schema
// has them: Commit.checkSuites → CheckSuite.workflowRun and
// CheckSuite.checkRuns (every attempt with filterBy ALL, the latest without),
// from the same generated runs it serves over REST, with the points GitHub
// would charge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../support/github-generator.js';
import { type Harness, harness, TOKEN } from './harness.js';

const QUERY = `query Suites($owner: String!, $name: String!, $number: Int!) {
  rateLimit { cost nodeCount }
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      commits(first: 100) {
        nodes { commit { oid checkSuites(first: 10) { nodes {
          id
          workflowRun { databaseId runNumber event createdAt workflow { name } }
          all: checkRuns(first: 50, filterBy: { checkType: ALL }) { totalCount nodes { name conclusion startedAt } }
          latest: checkRuns(first: 50) { totalCount }
        } } } }
      }
    }
  }
}`;

type Suite = {
  id: string;
  workflowRun: {
    databaseId: number;
    runNumber: number;
    event: string;
    createdAt: string;
    workflow: { name: string };
  };
  all: { totalCount: number; nodes: { name: string; conclusion: string | null; startedAt: string | null }[] };
  latest: { totalCount: number };
};

describe('Commit.checkSuites on the local GitHub', () => {
  const org = generateOrg({ seed: 21, repos: 1, prsPerRepo: 40, runsPerRepo: 10, prRuns: true });
  const repo = org.repositories[0]!;
  // A pull request with a re-run run on one of its commits.
  const pr = repo.pullRequests.find((p) =>
    p.commits.some((c) => repo.runs.some((r) => r.headSha === c.sha && r.attempts.length > 1)),
  )!;
  let h: Harness;
  beforeAll(async () => {
    h = await harness(org);
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves every run of each commit with its workflow run and check runs, validated and priced', async () => {
    expect(pr).toBeDefined();
    const response = await fetch(h.server.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: QUERY,
        variables: { owner: repo.owner, name: repo.name, number: pr.number },
      }),
    });
    const body = (await response.json()) as {
      errors?: unknown[];
      data: {
        rateLimit: { cost: number; nodeCount: number };
        repository: {
          pullRequest: { commits: { nodes: { commit: { oid: string; checkSuites: { nodes: Suite[] } } }[] } };
        };
      };
    };
    expect(body.errors).toBeUndefined();
    // connections: commits 1 + checkSuites 100 + 2 × checkRuns per suite 100 × 10 = 2,101 → 21 points;
    // nodes: 100 + 100 × 10 + 2 × 1,000 × 50 = 101,100.
    expect(body.data.rateLimit).toEqual({ cost: 21, nodeCount: 101_100 });
    let reruns = 0;
    for (const { commit } of body.data.repository.pullRequest.commits.nodes) {
      const runs = repo.runs.filter((r) => r.headSha === commit.oid);
      // the suite's node id is the one the REST run names (check_suite_node_id)
      expect(commit.checkSuites.nodes.map((s) => s.id)).toEqual(runs.map((r) => `CS_${r.id + 1}`));
      for (const [i, suite] of commit.checkSuites.nodes.entries()) {
        const run = runs[i]!;
        expect(suite.workflowRun).toEqual({
          // GitHub's databaseId is a 32-bit Int: today's run ids do not fit
          databaseId: run.id <= 2_147_483_647 ? run.id : null,
          runNumber: run.runNumber,
          event: run.event,
          createdAt: new Date(run.createdAt).toISOString().replace('.000Z', 'Z'),
          workflow: { name: run.workflow.name },
        });
        const jobs = run.attempts.flatMap((a) => a.jobs);
        expect(suite.all.totalCount).toBe(jobs.length);
        expect(suite.all.nodes.map((n) => n.name)).toEqual(jobs.map((j) => j.name));
        expect(suite.latest.totalCount).toBe(run.attempts.at(-1)!.jobs.length);
        if (run.attempts.length > 1) reruns += 1;
      }
    }
    expect(reruns).toBeGreaterThan(0);
  });
});
