// DORA end to end on planted scenarios: real git clones (fast-import) whose
// default branch is deployed through GitHub Deployments served by the local
// GitHub, collected by `collect git` and `collect github`'s collectors, then
// analysed. Figures are worked out by hand from the planted times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseDora, type DoraRepository } from '../../agent/analysis/dora.js';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { collectTags } from '../../collectors/git/tags.js';
import { type Harness, harness } from '../github/harness.js';
import { DAY, HOUR, plantDeployments, plantOf } from '../support/deployments-generator.js';
import { importHistory } from '../support/fast-import.js';
import type { TestRepo } from '../support/git-repo.js';
import { generateOrg } from '../support/github-generator.js';

const T0 = Date.UTC(2024, 0, 1); // a Monday, so ISO weeks start with the window
const S = (ms: number) => ms / 1000;
const clones: TestRepo[] = [];
let h: Harness;
let dora: Awaited<ReturnType<typeof analyseDora>>;
const firstSync: { repo: string; requests: number }[] = [];
const secondSync: { repo: string; requests: number; deployments: number }[] = [];

/** A clone of acme/NAME holding `commits`; returns its default-branch shas, oldest first. */
function clone(name: string, commits: { message: string; at: number }[]): { repo: TestRepo; shas: string[] } {
  const repo = importHistory(
    commits.map((c) => ({
      files: { [`${c.message}.txt`]: `${c.message}\n` },
      message: c.message,
      at: S(c.at),
    })),
  );
  repo.git('remote', 'add', 'origin', `https://github.com/acme/${name}.git`);
  clones.push(repo);
  return { repo, shas: repo.git('rev-list', '--reverse', 'main').split('\n') };
}

beforeAll(async () => {
  const org = generateOrg({ seed: 5, repos: 3, prsPerRepo: 1, runsPerRepo: 1 });
  const [daily, weekly, reverting] = org.repositories as [never, never, never];

  // service-1 deploys every day at 18:00 what was committed at 09:00 and 14:00.
  const dailyCommits = Array.from({ length: 56 }, (_, i) => ({
    message: `daily ${i}`,
    at: T0 + Math.floor(i / 2) * DAY + (i % 2 ? 14 : 9) * HOUR,
  }));
  const one = clone('service-1', dailyCommits);
  plantDeployments(daily, {
    commits: one.shas.map((sha, i) => ({ sha, at: dailyCommits[i]!.at })),
    deployAfter: (i) => i % 2 === 1,
    delay: 4 * HOUR,
  });

  // service-2 commits daily at 10:00 and deploys each seventh commit two days later.
  const weeklyCommits = Array.from({ length: 28 }, (_, i) => ({
    message: `weekly ${i}`,
    at: T0 + i * DAY + 10 * HOUR,
  }));
  const two = clone('service-2', weeklyCommits);
  plantDeployments(weekly, {
    commits: two.shas.map((sha, i) => ({ sha, at: weeklyCommits[i]!.at })),
    deployAfter: (i) => i % 7 === 6,
    delay: 2 * DAY,
  });

  // service-3 ships a feature at 12:00 each day; features 1, 3, 5 and 7 are reverted at 15:00 and shipped at 17:00.
  const reverted = new Set([1, 3, 5, 7]);
  const revertCommits: { message: string; at: number }[] = [];
  for (let d = 0; d <= 10; d += 1) {
    revertCommits.push({ message: `feature ${d}`, at: T0 + d * DAY + 10 * HOUR });
    if (reverted.has(d))
      revertCommits.push({ message: `Revert "feature ${d}"`, at: T0 + d * DAY + 15 * HOUR });
  }
  const three = clone('service-3', revertCommits);
  plantDeployments(reverting, {
    commits: three.shas.map((sha, i) => ({ sha, at: revertCommits[i]!.at })),
    deployAfter: () => true,
    delay: 2 * HOUR,
  });
  const plant = plantOf(reverting);
  // day 8: an incident opened two hours after the 12:00 deployment, closed at 20:00
  plant.issues.push({
    number: 5001,
    title: 'Checkout is down',
    labels: ['Incident', 'p1'],
    createdAt: T0 + 8 * DAY + 14 * HOUR,
    closedAt: T0 + 8 * DAY + 20 * HOUR,
    updatedAt: T0 + 8 * DAY + 20 * HOUR,
  });
  // an issue without the label: no signal
  plant.issues.push({
    number: 5002,
    title: 'Typo',
    labels: ['docs'],
    createdAt: T0 + 2 * DAY + 13 * HOUR,
    closedAt: null,
    updatedAt: T0 + 2 * DAY + 13 * HOUR,
  });
  // day 9: a deployment attempt at 13:00 errors (it never succeeds); day 10's deployment restores
  const feature9 = three.shas[revertCommits.findIndex((c) => c.message === 'feature 9')]!;
  plant.deployments.push({
    id: 9999,
    environment: 'production',
    sha: feature9,
    ref: 'main',
    createdAt: T0 + 9 * DAY + 12 * HOUR + 30 * 60_000,
    statuses: [
      { state: 'ERROR', at: T0 + 9 * DAY + 13 * HOUR },
      { state: 'PENDING', at: T0 + 9 * DAY + 12 * HOUR + 30 * 60_000 },
    ],
  });

  h = await harness(org);
  const db = await Db.open(h.dbPath);
  try {
    for (const c of clones) {
      const local = await inspectRepository(c.path);
      const result = await collectGit(db, local, { since: null });
      await collectTags(db, local.root, result.repoId, local.tip);
    }
  } finally {
    await db.close();
  }
  for (const name of ['service-1', 'service-2', 'service-3']) {
    const result = await h.sync(`acme/${name}`);
    firstSync.push({ repo: name, requests: result.dora.requests });
  }
  h.server.resetLog();
  for (const name of ['service-1', 'service-2', 'service-3']) {
    const before = h.server.requests;
    const result = await h.sync(`acme/${name}`);
    secondSync.push({
      repo: name,
      requests: h.server.requests - before,
      deployments: result.dora.deployments,
    });
  }
  const read = await Db.open(h.dbPath, { readonly: true });
  try {
    dora = await analyseDora(read, { since: S(T0), until: S(T0 + 35 * DAY) });
  } finally {
    await read.close();
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
  for (const c of clones) c.remove();
});

const repo = (name: string): DoraRepository => dora.repositories.find((r) => r.repo === `acme/${name}`)!;

describe('DORA on planted scenarios', () => {
  it('a daily-deploying repository: 28 deployments in 5 weeks, lead times of 4 h and 9 h', () => {
    const r = repo('service-1');
    expect(r.source).toBe('deployments');
    expect(r.deployments).toBe(28);
    expect(r.deploymentsPerWeek).toBeCloseTo(28 / 5, 12);
    // day 0 is the baseline; days 1–27 ship a 09:00 commit (9 h) and a 14:00 commit (4 h):
    // 27 of each, so the median falls between them and the p90 on 9 h
    expect(r.leadTime).toEqual({ median: (6.5 * HOUR) / 1000, p90: (9 * HOUR) / 1000, n: 54 });
    expect(r.changeFailureRate).toBe(0);
    expect(r.timeToRestore).toEqual({ median: null, p90: null, n: 0 });
    expect(r.bands.deploymentFrequency).toBe('high');
    expect(r.bands.leadTime).toBe('elite');
    expect(r.bands.changeFailureRate).toBe('elite');
    expect(r.bands.timeToRestore).toBeNull();
    // staging deployments are not production: left out and said so
    expect(r.notes).toEqual([
      'deployments to environments not counted as production were left out (staging: 28); add an environment to dora.environments to count it',
    ]);
    // weeks of 2024-W01 … W05: 7 deployments a week for four weeks, none in the fifth
    expect(r.weekly.map((w) => w.deployments)).toEqual([7, 7, 7, 7, 0]);
  });

  it('a weekly repository with a slow merge → deploy wait: 4 deployments, 2 to 8 days of lead time', () => {
    const r = repo('service-2');
    expect(r.deployments).toBe(4);
    expect(r.deploymentsPerWeek).toBeCloseTo(0.8, 12);
    // three weeks after the baseline, each shipping commits 2, 3, …, 8 days old
    expect(r.leadTime).toEqual({ median: (5 * DAY) / 1000, p90: (8 * DAY) / 1000, n: 21 });
    expect(r.leadTimeStages.deployWait).toEqual(r.leadTime);
    expect(r.bands).toEqual({
      deploymentFrequency: 'medium',
      leadTime: 'high',
      changeFailureRate: 'elite',
      timeToRestore: null,
    });
    expect(r.band).toBe('medium');
  });

  it('a repository with frequent reverts: which signal fired for each failure, and when service came back', () => {
    const r = repo('service-3');
    // features 0–10 and four reverts, each deployed once
    expect(r.deployments).toBe(15);
    // days 1, 3, 5, 7 (reverted), 8 (incident), 9 (errored deployment attempt)
    expect(r.failedDeployments).toBe(6);
    expect(r.changeFailureRate).toBeCloseTo(0.4, 12);
    expect(
      r.failures.map((f) => [f.deployedAt.slice(0, 10), f.signals.map((s) => s.kind), f.timeToRestore]),
    ).toEqual([
      ['2024-01-02', ['revert'], 2 * 3600],
      ['2024-01-04', ['revert'], 2 * 3600],
      ['2024-01-06', ['revert'], 2 * 3600],
      ['2024-01-08', ['revert'], 2 * 3600],
      ['2024-01-09', ['incident'], 6 * 3600],
      ['2024-01-10', ['failed_deployment'], 23 * 3600],
    ]);
    expect(r.failures[4]!.signals[0]!.ref).toBe('issue #5001');
    expect(r.failures[5]!.signals[0]!.ref).toBe('deployment 9999 error');
    // 2 2 2 2 6 23 h: median 2 h; p90 at rank 4.5 → 6 h + 0.5 × 17 h
    expect(r.timeToRestore).toEqual({ median: 2 * 3600, p90: 14.5 * 3600, n: 6 });
    // every feature and revert reaches production two hours after it is written
    expect(r.leadTime).toEqual({ median: 2 * 3600, p90: 2 * 3600, n: 14 });
    expect(r.bands.changeFailureRate).toBe('low');
    expect(r.bands.timeToRestore).toBe('high');
  });

  it('overall: deployments summed, lead times and restores pooled', () => {
    expect(dora.source).toBe('deployments');
    expect(dora.deployments).toBe(28 + 4 + 15);
    expect(dora.deploymentsPerWeek).toBeCloseTo(47 / 5, 12);
    expect(dora.leadTime.n).toBe(54 + 21 + 14);
    expect(dora.changeFailureRate).toBeCloseTo(6 / 47, 12);
    expect(dora.timeToRestore.n).toBe(6);
    expect(dora.missing).toBeNull();
    expect(dora.thresholds.deploymentFrequency[0]!.band).toBe('elite');
  });

  it('collects in one request per repository, and re-syncs an unchanged one in at most 3 in all', () => {
    expect(firstSync).toEqual([
      { repo: 'service-1', requests: 1 },
      { repo: 'service-2', requests: 1 },
      { repo: 'service-3', requests: 1 },
    ]);
    for (const s of secondSync) expect(s.requests).toBeLessThanOrEqual(3);
    // deployments created from three days before the newest one on are re-read (a status may still change):
    // service-1 from day 24 17:50 (production of day 24, both of days 25–27), service-2 from day 26 09:50
    // (the last staging and production), service-3 from day 7 11:50 (1 + 2 + 2 + 3 with the errored one + 2)
    expect(secondSync.map((s) => s.deployments)).toEqual([7, 2, 10]);
  });
});
