// Long collections show how far they are: a first collection counts its pull
// requests and workflow runs towards the totals GitHub gives (the connection's
// totalCount, the runs list's total_count), with the time left extrapolated;
// an update, whose total is unknown, shows the count and the elapsed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../support/github-generator.js';
import { type Harness, harness } from './harness.js';

describe('collection progress', () => {
  const org = generateOrg({ seed: 12, repos: 1, prsPerRepo: 60, runsPerRepo: 40, days: 20 });
  const repo = org.repositories[0]!;
  const lines: string[] = [];
  let h: Harness;

  beforeAll(async () => {
    h = await harness(org);
    await h.sync('acme/service-1', { jobsVia: 'graphql', onProgress: (text) => lines.push(text) });
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('counts towards the totals GitHub gives, with the time left', () => {
    const prs = repo.pullRequests.length;
    const runs = repo.runs.length;
    const clock = '\\d+:\\d\\d';
    expect(lines.filter((l) => l.includes('pull requests')).at(-1)).toMatch(
      new RegExp(
        `^acme/service-1: ${prs} of ${prs} pull requests \\(100%\\), ${clock} elapsed, about 0:00 left$`,
      ),
    );
    expect(lines.filter((l) => l.includes('workflow runs')).at(-1)).toMatch(
      new RegExp(
        `^acme/service-1: ${runs} of ${runs} workflow runs \\(100%\\), ${clock} elapsed, about 0:00 left$`,
      ),
    );
  });

  it('shows the count and the elapsed time on an update, whose total is unknown', async () => {
    lines.length = 0;
    const pr = repo.pullRequests[0]!;
    pr.updatedAt = Date.now();
    pr.title = `${pr.title} (edited)`;
    await h.sync('acme/service-1', { jobsVia: 'graphql', onProgress: (text) => lines.push(text) });
    // the edited pull request, and the newest of the last pass (the floor is inclusive)
    expect(lines.filter((l) => l.includes('pull request')).at(-1)).toMatch(
      /^acme\/service-1: 2 pull requests, \d+:\d\d elapsed$/,
    );
  });
});
