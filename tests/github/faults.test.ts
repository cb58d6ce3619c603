import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../support/github-generator.js';
import type { FaultKind } from '../support/github-server/server.js';
import { dumpGithub, harness, TOKEN } from './harness.js';

const org = () => generateOrg({ seed: 5, repos: 1, prsPerRepo: 110, runsPerRepo: 25, largePrRate: 0.05 });

describe('transient faults are survived with identical results', () => {
  let clean: Record<string, unknown[]>;
  beforeAll(async () => {
    const h = await harness(org());
    await h.sync('acme/service-1');
    clean = await dumpGithub(h);
    await h.close();
  });

  const kinds: FaultKind[] = [
    'primary',
    'primary-429',
    'secondary',
    '5xx',
    'reset',
    'slow',
    'stall-body',
    'malformed',
  ];
  for (const kind of kinds) {
    for (const match of ['graphql', 'rest']) {
      it(`${kind} on ${match}`, async () => {
        const h = await harness(org());
        const notes: string[] = [];
        try {
          // a slow answer takes twice the client's timeout; the timeout leaves a busy machine's
          // ordinary answers (tens of milliseconds) far inside it: at 200 ms, a loaded run saw
          // bodies cut off in time
          h.server.inject({
            kind,
            match,
            times: 2,
            skip: 1,
            amount: kind === 'slow' || kind === 'stall-body' ? 3000 : 1,
          });
          const client = h.client({ timeoutMs: 1500, note: (t) => notes.push(t) });
          await h.sync('acme/service-1', { client });
          expect(h.server.log.filter((e) => e.fault === kind)).toHaveLength(2);
          expect(await dumpGithub(h)).toEqual(clean);
          if (kind.startsWith('primary'))
            expect(notes.join('\n')).toMatch(/primary rate limit reached; waiting \d+s/);
          if (kind === 'secondary')
            expect(notes.join('\n')).toMatch(/secondary rate limit reached; waiting 1s/);
        } finally {
          await h.close();
        }
      });
    }
  }

  it('keeps an answer where only a field the token may not read is forbidden', async () => {
    const h = await harness(org());
    const notes: string[] = [];
    try {
      h.server.inject({ kind: 'forbidden-field', match: 'graphql', times: 5 });
      await h.sync('acme/service-1', { client: h.client({ note: (t) => notes.push(t) }) });
      expect(await dumpGithub(h)).toEqual(clean);
      expect(notes).toEqual([
        'dx-audit: note: the token cannot read some GitHub fields (Resource not accessible by integration); they are left empty',
      ]);
    } finally {
      await h.close();
    }
  });

  it('asks for smaller pages when GitHub keeps failing on a large one', async () => {
    const h = await harness(org());
    try {
      // every attempt at the first page fails (4 tries; octokit's own retries start once GitHub has answered)
      h.server.inject({ kind: '5xx', match: 'graphql', times: 4 });
      const result = await h.sync('acme/service-1');
      expect(h.server.log.filter((e) => e.fault === '5xx')).toHaveLength(4);
      expect(result.pullRequests.pages).toBe(3); // 110 pull requests, 50 per page
      expect(await dumpGithub(h)).toEqual(clean);
    } finally {
      await h.close();
    }
  });

  it('gives up on answers that keep stopping midway, saying they timed out, not that they were malformed', async () => {
    const h = await harness(org());
    try {
      h.server.inject({ kind: 'stall-body', match: 'graphql', times: 4, amount: 3000 });
      const error = await h
        .sync('acme/service-1', { client: h.client({ timeoutMs: 1500 }) })
        .catch((e: unknown) => e as Error);
      expect((error as Error).message).toBe(
        `GitHub answered ${h.server.graphqlUrl} with no whole answer within 1.5 s 4 times in a row`,
      );
    } finally {
      await h.close();
    }
  });

  it('gives up on a body that stays malformed, naming the URL and not the token', async () => {
    const h = await harness(org());
    try {
      h.server.inject({ kind: 'malformed', match: 'graphql', times: 100 });
      const error = await h.sync('acme/service-1').catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `GitHub answered ${h.server.graphqlUrl} with a malformed body (69 characters that are not the JSON expected) 4 times in a row`,
      );
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(String((error as Error).stack)).not.toContain(TOKEN);
    } finally {
      await h.close();
    }
  });
});

const STOP_IN_PRS = 6;
const STOP_IN_JOBS = 20;

describe('an interrupted sync', () => {
  let h: Awaited<ReturnType<typeof harness>>;
  afterAll(async () => {
    await h?.close();
  });

  it('resumes without duplicates or gaps', async () => {
    const data = generateOrg({ seed: 8, repos: 1, prsPerRepo: 400, runsPerRepo: 40 });
    const reference = await harness(data);
    await reference.sync('acme/service-1');
    const clean = await dumpGithub(reference);
    await reference.close();

    h = await harness(data);
    // Interrupt during the pull requests, then during the jobs.
    const totalRuns = data.repositories[0]!.runs.reduce((n, r) => n + r.attempts.length, 0);
    for (const stopAt of [STOP_IN_PRS, STOP_IN_JOBS]) {
      const controller = new AbortController();
      h.server.resetLog();
      h.server.onRequest = (_entry, count) => {
        if (count === stopAt) controller.abort(new Error('stopped'));
      };
      await expect(h.sync('acme/service-1', { signal: controller.signal })).rejects.toThrow('stopped');
      const [state] = await h.query<{ prs: number; runs: number; cursor: string }>(
        `SELECT (SELECT count(*) FROM github_pull_requests) AS prs, (SELECT count(*) FROM github_workflow_runs) AS runs,
          (SELECT cursor FROM collection_state WHERE step = 'pull_requests') AS cursor`,
      );
      if (stopAt === STOP_IN_PRS) {
        // part of the pull requests is stored, and the pass knows where to continue
        expect(state!.prs).toBeGreaterThan(0);
        expect(state!.prs).toBeLessThan(400);
        expect(JSON.parse(state!.cursor).pass.after).toEqual(expect.any(String));
        expect(state!.runs).toBe(0);
      } else {
        expect(state!.prs).toBe(400);
        expect(JSON.parse(state!.cursor).pass).toBeNull();
        expect(state!.runs).toBeLessThan(totalRuns);
      }
    }
    h.server.onRequest = null;
    const partial = await h.query<{ n: number }>('SELECT count(*) AS n FROM github_pull_requests');
    expect(partial[0]!.n).toBeGreaterThan(0);
    const result = await h.sync('acme/service-1');
    expect(result.pullRequests.mode).toBe('incremental');
    expect(await dumpGithub(h)).toEqual(clean);
    const runs = await h.query<{ status: string; n: number }>(
      'SELECT status, count(*) AS n FROM collection_runs GROUP BY status ORDER BY status',
    );
    expect(runs).toEqual([
      { status: 'done', n: 1 },
      { status: 'interrupted', n: 2 },
    ]);
  });
});
