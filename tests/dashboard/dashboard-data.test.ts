// The dashboard data: weekly series per slice, hand-computed from the fixture
// report (SPEC §11 shape) and from a real git repository.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../agent/report/build.js';
import type { FullReport } from '../../agent/report/contract.js';
import {
  assembleDashboard,
  buildDashboardData,
  causeLabel,
  quantile,
} from '../../agent/report/dashboard-data.js';
import { Db } from '../../agent/store/db.js';
import { renderDashboard } from '../../dashboard/render.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';
import { activityRepo, fullReport, gitDays, TEAMS } from './fixtures.js';

const assemble = (report: FullReport = fullReport(), teams: Record<string, string[]> = TEAMS) =>
  assembleDashboard({
    report,
    gitDays: gitDays(),
    fileRevisions: 23,
    teams,
    window: { since: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-14T23:59:59Z') },
    generatedAt: new Date('2024-01-15T00:00:00Z'),
  });

describe('causeLabel', () => {
  it('names known causes and spells out unknown ones, whatever their name', () => {
    expect(causeLabel('fragile_architecture')).toBe('Extra time on PRs touching fragile code');
    expect(causeLabel('slow_disks')).toBe('Slow disks');
    expect(causeLabel('constructor')).toBe('Constructor');
  });
});

describe('quantile', () => {
  it('interpolates linearly between ranks', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([4], 0.9)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4500, 12_600, 14_400], 0.9)).toBeCloseTo(14_040, 6);
  });
});

describe('assembleDashboard', () => {
  const data = assemble();

  it('aligns every series with the ISO weeks of the window', () => {
    expect(data.weeks).toEqual(['2024-W01', '2024-W02']);
    expect(data.repositories).toEqual(['shop', 'billing']);
    expect(data.teams).toEqual(['platform']);
  });

  it('computes PR stage medians and p90 per week and per slice', () => {
    const all = data.pullRequests.data.weekly['all']!;
    // W01: PRs 1-3; W02: PRs 4-5 (see fixtures)
    expect(all.merged).toEqual([3, 2]);
    expect(all.codingMedian).toEqual([3600, 7200]);
    expect(all.pickupMedian).toEqual([3600, 16_200]);
    expect(all.reviewMedian).toEqual([1800, 5400]);
    expect(all.cycleMedian).toEqual([12_600, 28_800]);
    expect(all.cycleP90![0]).toBe(14_040);
    expect(all.sizeMedian).toEqual([30, 300]);
    expect(all.sizeP90![0]).toBe(102);
    expect(all.reviewRoundsMean![0]).toBe(1.33); // 4/3, rounded for the page
    expect(all.reviewRoundsMean![1]).toBe(2);
    // billing (r1): only PR 3 in W01
    expect(data.pullRequests.data.weekly['r1']!.merged).toEqual([1, 0]);
    expect(data.pullRequests.data.weekly['r1']!.cycleMedian).toEqual([4500, null]);
    // platform team (alice, bob): PRs 1, 2 in W01 and 4, 5 in W02
    expect(data.pullRequests.data.weekly['t0']!.codingMedian).toEqual([5400, 7200]);
    expect(data.pullRequests.data.weekly['r0t0']!.merged).toEqual([2, 2]);
    expect(data.pullRequests.data.weekly['r1t0']).toBeUndefined();
    expect(data.pullRequests.data.slowest.map((p) => p.number)).toEqual([4, 5, 2, 1, 3]);
    expect(data.pullRequests.data.slowest[0]).toEqual({
      repo: 0,
      number: 4,
      title: 'Change number 4',
      cycle: 36_000,
      size: 500,
    });
  });

  it('computes CI queue, duration, success and flaky rates per workflow and week', () => {
    expect(data.ci.data.workflows.map((w) => [w.repo, w.name])).toEqual([
      [0, 'CI'],
      [1, 'Tests'],
    ]);
    const ci = data.ci.data.workflows[0]!;
    expect(ci.runs).toEqual([3, 2]);
    expect(ci.queueMedian).toEqual([60, 450]);
    expect(ci.durationMedian).toEqual([300, 510]);
    expect(ci.successRate![0]).toBe(0.6667); // 2/3
    expect(ci.successRate![1]).toBe(1);
    // W01: sha1 failed and passed (flaky), sha2 passed → 1 of 2; W02: sha3 → 0 of 1
    expect(ci.flakyRate).toEqual([0.5, 0]);
    expect(data.ci.data.workflows[1]!.flakyRate).toEqual([null, 0]);
  });

  it('sums git activity per week with distinct authors per slice', () => {
    const all = data.git.data['all']!;
    expect(all.commits).toEqual([3, 1]);
    expect(all.merges).toEqual([0, 1]);
    expect(all.added).toEqual([6, 4]);
    expect(all.deleted).toEqual([1, 0]);
    expect(all.authors).toEqual([2, 1]);
    expect(data.git.data['t0']!.commits).toEqual([3, 0]);
    expect(data.git.data['t0']!.authors).toEqual([2, 0]);
    expect(data.git.data['r1']!.commits).toEqual([0, 1]);
  });

  it('ranks hotspots by score, keeps builds and coupling, and sorts costs', () => {
    expect(data.hotspots.data.files.map((f) => f.path)).toEqual([
      'src/cart.ts',
      'lib/invoice.rb',
      'src/util.ts',
    ]);
    expect(data.builds.data.summary.map((b) => [b.repo, b.kind, b.median, b.machine])).toEqual([
      [0, 'warm', 42, 'laptop'],
      [0, 'cold', 180, 'laptop'],
      [1, 'wrapped', 95, 'ci-box'],
    ]);
    expect(data.builds.data.wrappedPerDay).toEqual([
      { repo: 1, machine: 'ci-box', runs: 20, days: 4, minutesPerDay: 7.9 },
    ]);
    expect(data.coupling.data.modules.map((p) => [p.repo, p.a, p.b, p.degree])).toEqual([
      [0, 'src', 'test', 62.5],
    ]);
    expect(data.coupling.data.files[0]).toEqual({
      repo: 0,
      a: 'src/cart.ts',
      b: 'src/price.ts',
      shared: 6,
      degree: 75,
    });
    expect(data.costs.data.map((c) => [c.label, c.hoursPerWeek])).toEqual([
      ['Waiting for review', 20],
      ['Waiting on CI', 12.5],
    ]);
    expect(data.verdict.status).toBe('diagnosed');
    expect(data.verdict.headline).toBe(
      'Slower delivery here is explained by the system, not the people: review bottleneck (1 team, 1 person).',
    );
    expect(data.verdict.findings).toEqual([
      'Team platform: Review bottleneck.',
      `Person ${data.diagnosis.data[1]!.subject}: Review bottleneck.`,
      'Waiting for review: about 20 engineer-hours per week (10 PRs × 2 h pickup = 20 h).',
    ]);
    for (const section of [data.git, data.pullRequests, data.ci, data.builds, data.hotspots, data.coupling]) {
      expect(section.empty).toBeNull();
    }
  });

  it('gives every missing section an empty state with the command that collects it', () => {
    const gitOnly = fullReport();
    delete gitOnly.pullRequests;
    delete gitOnly.ci;
    delete gitOnly.builds;
    delete gitOnly.costs;
    delete gitOnly.diagnosis;
    gitOnly.git.coupling = [];
    gitOnly.git.moduleCoupling = [];
    const d = assemble(gitOnly, {});
    expect(d.pullRequests.empty?.command).toBe('GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO');
    expect(d.ci.empty?.command).toBe('GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO');
    expect(d.builds.empty?.command).toContain('dx-audit build');
    expect(d.coupling.empty?.missing).toContain('≥ 5 shared commits');
    expect(d.costs.empty).not.toBeNull();
    expect(d.teams).toEqual([]);
    expect(d.verdict.status).toBe('insufficient');
    expect(d.verdict.next.map((n) => n.command)).toEqual([
      'GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO',
      'dx-audit build [PATH]  (or time real builds with: dx-audit wrap -- CMD)',
    ]);
  });
});

describe('buildDashboardData on a real repository', () => {
  let repo: TestRepo;
  let work: string;
  let db: Db;

  beforeAll(async () => {
    repo = activityRepo();
    work = tempDir('dx-audit-dashdata-');
    const result = await runCli(['--db', join(work, 'dx.db'), 'collect', 'git', repo.path], { cwd: work });
    expect(result.exitCode).toBe(0);
    db = await Db.open(join(work, 'dx.db'));
  });
  afterAll(async () => {
    await db?.close();
    repo?.remove();
  });

  const build = (since: Date | null, until: Date) =>
    buildDashboardData(db, { since, until, now: new Date('2024-02-01T00:00:00Z'), teams: {} }, (s, u) =>
      buildReport(db, { since: s, until: u, now: new Date('2024-02-01T00:00:00Z'), detail: true, top: 100 }),
    );

  it('aggregates commits, merges, churn and authors by ISO week', async () => {
    const data = await build(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-21T23:59:59Z'));
    expect(data.weeks).toEqual(['2024-W01', '2024-W02', '2024-W03']);
    const all = data.git.data['all']!;
    // W01: alice a.ts +3, b.ts +2; bob a.ts +1 −1. W02: carol c.ts +4. W03: bob d.ts +5, alice a.ts +1 −2, a merge.
    expect(all.commits).toEqual([3, 1, 2]);
    expect(all.merges).toEqual([0, 0, 1]);
    expect(all.added).toEqual([6, 4, 6]);
    expect(all.deleted).toEqual([1, 0, 2]);
    expect(all.authors).toEqual([2, 1, 2]);
    // hotspotScore is the report's (null while the report computes none)
    const { hotspotScore, ...top } = data.hotspots.data.files[0]!;
    expect(top).toEqual({ repo: 0, path: 'src/a.ts', revisions: 3, churn: 8, lines: 2, authors: 2 });
    expect(hotspotScore === null || hotspotScore >= 0).toBe(true);
    expect(data.verdict.findings).toEqual([
      '6 commits over 3 weeks (3 with activity) in 1 repository; up to 2 people committed in one week.',
      'Top hotspot: src/a.ts, changed in 3 commits, 2 lines, 8 lines churned.',
    ]);
    expect(data.pullRequests.empty).not.toBeNull();
  });

  it('defaults to the 52 weeks up to the last activity, and stays small', async () => {
    const data = await build(null, new Date('2026-06-01T00:00:00Z'));
    expect(data.weeks).toHaveLength(52);
    expect(data.weeks.at(-1)).toBe('2024-W03');
    expect(data.window.until).toBe('2024-01-21T23:59:59.000Z');
    expect(data.git.data['all']!.commits.slice(-3)).toEqual([3, 1, 2]);
    const html = renderDashboard(data);
    expect(Buffer.byteLength(html)).toBeLessThan(300_000);
  });
});
