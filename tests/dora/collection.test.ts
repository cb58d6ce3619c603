// DORA collection against the local GitHub: the request budget for many
// deployments, and the deployment sources other than GitHub Deployments
// (deploy workflows, releases), checked against the generator's ground truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseDora } from '../../agent/analysis/dora.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';
import { type Harness, harness } from '../github/harness.js';
import { HOUR, plantOf } from '../support/deployments-generator.js';
import { type GenRepository, generateOrg, latestAttempt } from '../support/github-generator.js';

const T0 = Date.UTC(2024, 0, 1);
let h: Harness;
let service1: GenRepository;
let service2: GenRepository;
let service3: GenRepository;

beforeAll(async () => {
  const org = generateOrg({ seed: 9, repos: 3, prsPerRepo: 2, runsPerRepo: 60 });
  [service1, service2, service3] = org.repositories as [GenRepository, GenRepository, GenRepository];
  // service-1: 1,000 production deployments, every 6 hours
  const plant = plantOf(service1);
  for (let i = 0; i < 1000; i += 1) {
    const at = T0 + i * 6 * HOUR;
    plant.deployments.push({
      id: 10_000 + i,
      environment: i % 2 ? 'Production' : 'prod',
      sha: `${i.toString(16).padStart(4, '0')}${'a'.repeat(36)}`,
      ref: 'main',
      createdAt: at,
      statuses: [{ state: 'SUCCESS', at: at + 60_000 }],
    });
  }
  // service-2 ships by release: two published, a pre-release and a draft left out
  const releases = plantOf(service2).releases;
  releases.push(
    {
      id: 1,
      tagName: 'v1.0.0',
      sha: 'b'.repeat(40),
      prerelease: false,
      draft: false,
      createdAt: T0,
      publishedAt: T0 + HOUR,
    },
    {
      id: 2,
      tagName: 'v1.1.0-rc.1',
      sha: 'c'.repeat(40),
      prerelease: true,
      draft: false,
      createdAt: T0 + 2 * HOUR,
      publishedAt: T0 + 2 * HOUR,
    },
    {
      id: 3,
      tagName: 'v1.1.0',
      sha: 'd'.repeat(40),
      prerelease: false,
      draft: false,
      createdAt: T0 + 3 * HOUR,
      publishedAt: T0 + 4 * HOUR,
    },
    {
      id: 4,
      tagName: 'v2.0.0',
      sha: 'e'.repeat(40),
      prerelease: false,
      draft: true,
      createdAt: T0 + 5 * HOUR,
      publishedAt: null,
    },
  );
  h = await harness(org);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('DORA collection', () => {
  it('reads 1,000 deployments in 5 requests, and an unchanged repository again in 1', async () => {
    const first = await h.sync('acme/service-1');
    expect(first.dora.mode).toBe('full');
    expect(first.dora.deployments).toBe(1000);
    // 100 from each end per request: 200 a request
    expect(first.dora.requests).toBe(5);
    const [stored] = await h.query<{ n: number; statuses: number }>(
      'SELECT count(*) AS n, (SELECT count(*) FROM github_deployment_statuses) AS statuses FROM github_deployments',
    );
    expect(stored).toEqual({ n: 1000, statuses: 1000 });
    const second = await h.sync('acme/service-1');
    expect(second.dora).toMatchObject({ mode: 'incremental', requests: 1 });
    // the newest deployment was created 6 h × 999 after T0; the 3-day overlap re-reads 13 of them (12 steps + itself)
    expect(second.dora.deployments).toBe(13);
  });

  it('counts production environments case-insensitively, and deployments whose commit is not in a clone are noted', async () => {
    const db = await Db.open(h.dbPath, { readonly: true });
    try {
      const dora = await analyseDora(db, { since: T0 / 1000, until: (T0 + 250 * 24 * HOUR) / 1000 });
      const r = dora.repositories.find((x) => x.repo === 'acme/service-1')!;
      expect(r.source).toBe('deployments');
      // 1,000 deployments, 6 h apart, in 250 days
      expect(r.deployments).toBe(1000);
      expect(r.deploymentsPerWeek).toBeCloseTo(1000 / (250 / 7), 9);
      expect(r.leadTime.n).toBe(0);
      expect(r.notes[0]).toMatch(
        /^1000 deployment\(s\) of commits not in the local clone \(0000aaa, 0001aaa, 0002aaa, …/,
      );
    } finally {
      await db.close();
    }
  });

  it('falls back to deploy workflows, then to releases without pre-releases and drafts', async () => {
    await h.sync('acme/service-2');
    await h.sync('acme/service-3');
    const db = await Db.open(h.dbPath, { readonly: true });
    try {
      const dora = await analyseDora(db, { since: null, until: Date.UTC(2100, 0, 1) / 1000 });
      const two = dora.repositories.find((x) => x.repo === 'acme/service-2')!;
      const three = dora.repositories.find((x) => x.repo === 'acme/service-3')!;
      // the generator's ground truth: last attempts of Deploy runs that succeeded on the default branch
      const expected = (repo: GenRepository) =>
        repo.runs.filter(
          (run) =>
            /deploy|release|publish/i.test(run.workflow.name) &&
            run.branch === 'main' &&
            run.event !== 'pull_request' &&
            latestAttempt(run).conclusion === 'success',
        ).length;
      expect(expected(service3)).toBeGreaterThan(0);
      expect(three.source).toBe('actions');
      expect(three.deployments).toBe(expected(service3));
      // service-2 has deploy runs too: sources are tried in order, so releases only win when asked first
      expect(two.source).toBe(expected(service2) > 0 ? 'actions' : 'releases');
      const releasesFirst = await analyseDora(
        db,
        { since: null, until: Date.UTC(2100, 0, 1) / 1000 },
        { dora: { ...DEFAULT_CONFIG.dora, sources: ['releases', 'actions'] } },
      );
      const viaReleases = releasesFirst.repositories.find((x) => x.repo === 'acme/service-2')!;
      expect(viaReleases.source).toBe('releases');
      expect(viaReleases.deployments).toBe(2);
      expect(releasesFirst.source).toBe('mixed');
    } finally {
      await db.close();
    }
  });
});
