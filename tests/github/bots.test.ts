// Bots are decided at analysis time: the store keeps GitHub's own facts (login,
// actor type Bot), so adding a login to the config's bot list costs no resync,
// and the analysis leaves that login's pull requests out at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestMetrics } from '../../agent/analysis/pull-requests.js';
import { Db } from '../../agent/store/db.js';
import { generateOrg } from '../support/github-generator.js';
import { collectCli, type Harness, harness } from './harness.js';

describe('bot list changes', () => {
  const org = generateOrg({ seed: 12, repos: 1, prsPerRepo: 120, runsPerRepo: 20 });
  const repo = org.repositories[0]!;
  // A human account that turns out to be an automation: the author of the most merged PRs.
  const merged = repo.pullRequests.filter((p) => p.mergedAt !== null && !p.author.bot);
  const counts = new Map<string, number>();
  for (const p of merged) counts.set(p.author.login, (counts.get(p.author.login) ?? 0) + 1);
  const [listed, listedMerged] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  let h: Harness;

  const collect = async (bots: string[]) => {
    const config = join(h.dir, 'dx-audit.config.json');
    writeFileSync(config, JSON.stringify({ bots }));
    h.server.resetLog();
    const result = await collectCli(h.server, h.dbPath, 'acme/service-1', ['--config', config]);
    expect(result.stderr).not.toContain('error');
    expect(result.exitCode).toBe(0);
    return h.server.requests;
  };
  const mergedHumanPrs = async (bots: string[]) => {
    const db = await Db.open(h.dbPath);
    try {
      const metrics = await pullRequestMetrics(
        db,
        { since: null, until: Math.floor(org.now / 1000) + 86_400 },
        { bots, isExcluded: () => false, fragileFiles: new Map() },
      );
      // The merged PRs the stages are computed from (bots left out).
      return metrics.items.filter((i) => i.mergedAt !== null && !i.authorIsBot).length;
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    h = await harness(org);
  });
  afterAll(async () => {
    await h.close();
  });

  it('re-syncs in at most 3 requests after the list changes, and the analysis drops the new bot', async () => {
    expect(listedMerged).toBeGreaterThan(2);
    expect(await collect([])).toBeGreaterThan(3);
    const stored = await h.query<{ n: number }>(
      'SELECT count(*) AS n FROM github_pull_requests WHERE author = ? AND author_is_bot = 0',
      [listed],
    );
    expect(stored[0]!.n).toBe(repo.pullRequests.filter((p) => p.author.login === listed).length);
    expect(await mergedHumanPrs([])).toBe(merged.length);

    expect(await collect([listed.toUpperCase()])).toBeLessThanOrEqual(3);
    // pull requests, the runs list, and DORA's deployments query
    expect(h.server.log.map((e) => e.kind)).toEqual(['graphql', 'rest', 'graphql']);
    expect(await mergedHumanPrs([listed.toUpperCase()])).toBe(merged.length - listedMerged);
  });
});
