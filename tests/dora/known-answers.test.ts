// DORA's keys on hand-built histories with deployments (version tags) at known
// commits: a rollback, a repeated deployment of one commit, a revert, a
// pre-release tag, and a force-pushed default branch. Every figure below is
// worked out by hand from the commit and tag times.
import { afterAll, describe, expect, it } from 'vitest';
import { analyseDora } from '../../agent/analysis/dora.js';
import { TestRepo } from '../support/git-repo.js';
import { collect, H, revertAt, T, tagAt } from './helpers.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

describe('DORA keys from tags of a hand-built history', () => {
  it('ships each commit once: a rollback and a repeat ship nothing, a revert fails the deployment it undoes', async () => {
    const r = new TestRepo();
    repos.push(r);
    r.commit({ message: 'one', at: T });
    const c2 = r.commit({ message: 'two', at: T + H });
    tagAt(r, 'v1.0.0', c2, T + 2 * H); // baseline: what it ships was built before any known deployment
    r.commit({ message: 'three', at: T + 3 * H });
    const c4 = r.commit({ message: 'four', at: T + 4 * H });
    tagAt(r, 'v1.1.0', c4, T + 10 * H); // ships four (6 h) and three (7 h)
    tagAt(r, 'v1.1.1', c4, T + 11 * H); // the same commit again: a repeat, not counted, ships nothing
    const c5 = r.commit({ message: 'Add search', at: T + 12 * H });
    tagAt(r, 'v1.2.0', c5, T + 14 * H); // ships "Add search" (2 h)
    tagAt(r, 'v1.2.1', c4, T + 15 * H); // rollback to an older commit: counted, ships nothing
    const c6 = r.commit({ message: 'six', at: T + 16 * H });
    tagAt(r, 'v1.3.0-rc.1', c6, T + 17 * H); // pre-release: not a deployment
    tagAt(r, 'v1.3.0', c6, T + 20 * H); // ships six only (4 h): "Add search" already shipped with v1.2.0
    const c7 = revertAt(r, c5, T + 26 * H);
    tagAt(r, 'v1.3.1', c7, T + 30 * H); // ships the revert (4 h) and restores service
    const db = await collect(r);
    const dora = await analyseDora(db, { since: T, until: T + 7 * 24 * H });
    await db.close();

    const repo = dora.repositories[0]!;
    expect(repo.source).toBe('tags');
    expect(repo.missing).toBeNull();
    // v1.0.0, v1.1.0, v1.2.0, v1.2.1 (rollback), v1.3.0, v1.3.1 — six in one week
    expect(repo.deployments).toBe(6);
    expect(repo.deploymentsPerWeek).toBe(6);
    expect(repo.deploymentsPerDay).toBeCloseTo(6 / 7, 12);
    // lead times 7 h, 6 h, 2 h, 4 h, 4 h → sorted 2 4 4 6 7: median 4 h; p90 at rank 3.6 → 6 h + 0.6 h
    expect(repo.leadTime).toEqual({ median: 4 * H, p90: 6.6 * H, n: 5 });
    // without pull requests the whole lead time is the wait from landing to deployment
    expect(repo.leadTimeStages.deployWait).toEqual(repo.leadTime);
    expect(repo.leadTimeStages.pickup.n).toBe(0);
    // one failure out of six: v1.2.0, undone by the revert at +26 h, restored by v1.3.1 at +30 h
    expect(repo.failedDeployments).toBe(1);
    expect(repo.changeFailureRate).toBeCloseTo(1 / 6, 12);
    expect(repo.failures).toEqual([
      {
        deployment: 'tag v1.2.0',
        sha: c5,
        deployedAt: new Date((T + 14 * H) * 1000).toISOString(),
        signals: [
          {
            kind: 'revert',
            ref: `revert ${c7.slice(0, 7)}`,
            at: new Date((T + 26 * H) * 1000).toISOString(),
            restoredAt: new Date((T + 30 * H) * 1000).toISOString(),
          },
        ],
        timeToRestore: 4 * H,
      },
    ]);
    expect(repo.timeToRestore).toEqual({ median: 4 * H, p90: 4 * H, n: 1 });
    // 6/week: high; 4 h: elite; 16.7 %: low; 4 h: high → the weakest is low
    expect(repo.bands).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailureRate: 'low',
      timeToRestore: 'high',
    });
    expect(repo.band).toBe('low');
    expect(repo.notes).toEqual(['1 repeated deployment(s) of the commit already deployed were counted once']);
    // the overall figures of a single repository are its own
    expect(dora.deployments).toBe(6);
    expect(dora.leadTime).toEqual(repo.leadTime);
    expect(dora.missing).toBeNull();
  });

  it('after a force push, counts only the commits written after the last deployment it can see', async () => {
    const r = new TestRepo();
    repos.push(r);
    r.commit({ message: 'one', at: T });
    const c2 = r.commit({ message: 'two', at: T + H });
    tagAt(r, 'v1.0.0', c2, T + 2 * H);
    const c3 = r.commit({ message: 'three', at: T + 3 * H });
    tagAt(r, 'v1.1.0', c3, T + 4 * H);
    const db = await collect(r);
    // rewrite "three" (same author time, new commit time), then add "four"
    r.git('reset', '-q', '--hard', c2);
    const c3b = r.commit({ message: 'three', at: T + 3 * H, committedAt: T + 5 * H });
    const c4 = r.commit({ message: 'four', at: T + 6 * H });
    tagAt(r, 'v2.0.0', c4, T + 8 * H);
    await collect(r, db);
    const dora = await analyseDora(db, { since: T, until: T + 7 * 24 * H });
    await db.close();
    const repo = dora.repositories[0]!;
    expect(c3b).not.toBe(c3);
    expect(repo.deployments).toBe(3);
    // "three" may have shipped with v1.1.0, whose commit left the branch: only "four" (8 h − 6 h) counts
    expect(repo.leadTime).toEqual({ median: 2 * H, p90: 2 * H, n: 1 });
    expect(repo.notes).toEqual([
      `1 deployment(s) of commits not in the local clone (${c3.slice(0, 7)}: a shallow clone, another branch or rewritten history) are counted as deployments but left out of lead time`,
      '1 change(s) that may have shipped with a deployment missing from the clone are left out of lead time',
    ]);
  });

  it('says no deployments were found, what was tried and how to configure it', async () => {
    const r = new TestRepo();
    repos.push(r);
    const c1 = r.commit({ message: 'one', at: T });
    tagAt(r, 'release-candidate', c1, T + H);
    const db = await collect(r);
    const dora = await analyseDora(db, { since: null, until: T + 24 * H });
    await db.close();
    expect(dora.source).toBeNull();
    expect(dora.deployments).toBe(0);
    expect(dora.deploymentsPerWeek).toBeNull();
    expect(dora.changeFailureRate).toBeNull();
    expect(dora.leadTime).toEqual({ median: null, p90: null, n: 0 });
    expect(dora.band).toBeNull();
    expect(dora.missing).toMatch(
      /^no deployments found \(no deployments found in .+: tried GitHub deployments with a success status in production\/prod\/live \(0\); successful Actions runs of workflows matching \/deploy\|release\|publish\/i on main \(0\); published GitHub releases, pre-releases left out \(0\); tags of the local clone matching .+ \(0\)\)\. To configure: .*dora\.environments.*dora\.workflowPattern.*dora\.tagPattern/,
    );
  });
});
