// GitHub's budgets: --verbose prints per repository the requests, the GraphQL
// points (as the local GitHub charges them) and the budget left per resource;
// under 10 % left, requests are spaced to last until the reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../support/github-generator.js';
import { collectCli, type Harness, harness } from './harness.js';

describe('GitHub budget', () => {
  const org = generateOrg({ seed: 3, repos: 1, prsPerRepo: 40, runsPerRepo: 150 });
  let h: Harness;
  beforeAll(async () => {
    h = await harness(org);
  });
  afterAll(async () => {
    await h.close();
  });

  it('prints requests, points and the budget left per repository with --verbose', async () => {
    const result = await collectCli(h.server, h.dbPath, 'acme/service-1', ['--verbose']);
    expect(result.exitCode).toBe(0);
    // The local GitHub counts down one shared budget from 5,000: what each resource's last answer said.
    const last = (kind: 'graphql' | 'rest') => h.server.log.findLastIndex((e) => e.kind === kind) + 1;
    const line = result.stderr.split('\n').find((l) => l.startsWith('acme/service-1:'));
    expect(line).toContain('acme/service-1: 40 pull requests read (full sync), 150 workflow runs');
    expect(line!.slice(line!.indexOf(';'))).toBe(
      `; ${h.server.requests} requests, ${h.server.points} GraphQL points; budget left: graphql ${5000 - last('graphql')}/5000, core ${5000 - last('rest')}/5000`,
    );
    expect(h.server.points).toBeGreaterThan(h.server.log.filter((e) => e.kind === 'graphql').length);
  });

  it('reads jobs through GraphQL check suites by default, through REST per run with --ci-jobs rest', async () => {
    const finished = org.repositories[0]!.runs.filter(
      (r) => r.attempts.at(-1)!.status === 'completed',
    ).length;
    const jobsRequests = (x: Harness) => x.server.log.filter((e) => /\/runs\/\d+\/jobs/.test(e.path)).length;
    // the default, collected by the test above: REST only for the runs of three or more attempts
    const thrice = org.repositories[0]!.runs.filter(
      (r) => r.attempts.at(-1)!.status === 'completed' && r.attempts.length > 2,
    ).length;
    expect(thrice).toBe(5);
    expect(jobsRequests(h)).toBe(thrice);
    const rest = await harness(org);
    try {
      const result = await collectCli(rest.server, rest.dbPath, 'acme/service-1', ['--ci-jobs', 'rest']);
      expect(result.exitCode).toBe(0);
      expect(jobsRequests(rest)).toBe(finished);
      const [row] = await rest.query<{ n: number; runners: number }>(
        'SELECT count(*) AS n, count(runner) AS runners FROM github_jobs',
      );
      expect(row!.n).toBeGreaterThan(0);
      expect(row!.runners).toBe(row!.n);
    } finally {
      await rest.close();
    }
  });

  it('spaces requests when under 10% of the budget is left, and says so once', async () => {
    const small = await harness(generateOrg({ seed: 3, repos: 1, prsPerRepo: 10, runsPerRepo: 20 }));
    try {
      const notes: string[] = [];
      small.server.setBudget(100, 30);
      const reset = Math.floor(Date.now() / 1000) + 30;
      const started = performance.now();
      await small.sync('acme/service-1', {
        client: small.client({ rateLimitMsPerSecond: 100, note: (t) => notes.push(t) }),
      });
      const elapsed = (performance.now() - started) / 1000;
      const left = reset - Date.now() / 1000;
      const requests = small.server.requests;
      expect(requests).toBeGreaterThan(20);
      // One GraphQL page, then REST: the second REST request is the first to see a known, low budget.
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(
        /^dx-audit: GitHub core budget under 10% \(98 of 5000 left\); spacing requests 0\.\ds apart until the reset$/,
      );
      // Every REST request after the first waited at least (reset − now) / remaining ≥ left / 98, scaled by 0.1.
      expect(elapsed).toBeGreaterThanOrEqual(((requests - 2) * 0.1 * left) / 98);
    } finally {
      await small.close();
    }
  });
});
