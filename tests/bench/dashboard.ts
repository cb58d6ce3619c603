// Dashboard benchmark: generation time and file size for the database given,
// and the time Chromium takes to load the page until every chart is drawn
// (the page sets window.__dxReady and __dxReadyAt). A second page is built
// from a synthetic report of a 200-engineer year with every section filled
// (≥ 50,000 PRs, ≥ 200,000 CI runs), so the size and render targets are
// checked for the sections the database may not have yet.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReport } from '../../agent/report/build.js';
import type { CiRunItem, FullReport, PullRequestItem } from '../../agent/report/contract.js';
import { assembleDashboard, buildDashboardData, type GitDayRow } from '../../agent/report/dashboard-data.js';
import { Db } from '../../agent/store/db.js';
import { renderDashboard } from '../../dashboard/render.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { Random } from '../support/random.js';

const DAY = 86_400;

/** The shared seeded generator (mulberry32), as a function. */
function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next();
}

/** A year of a 200-engineer organisation: 20 repositories, 10 teams, 52,000 PRs, 208,000 CI runs. */
export function syntheticYear(until: Date): {
  report: FullReport;
  teams: Record<string, string[]>;
  gitDays: GitDayRow[];
} {
  const rand = random(7);
  const start = until.getTime() / 1000 - 364 * DAY;
  const iso = (t: number) => new Date(t * 1000).toISOString();
  const repos = Array.from({ length: 20 }, (_, i) => `service-${i}`);
  const people = Array.from({ length: 200 }, (_, i) => `engineer${i}`);
  const teams: Record<string, string[]> = {};
  people.forEach((p, i) => {
    const team = `team-${i % 10}`;
    teams[team] = [...(teams[team] ?? []), p];
  });
  // 100,000 commits: one day row per commit (the database groups by repository, day and author)
  const gitDays: GitDayRow[] = [];
  for (let i = 0; i < 100_000; i++) {
    const person = Math.floor(rand() * people.length);
    gitDays.push({
      repo: repos[(person + (i % 2)) % repos.length]!,
      day: Math.floor((start + rand() * 364 * DAY) / DAY),
      email: `${people[person]}@example.com`,
      commits: 1,
      merges: 0,
      added: Math.floor(rand() * 100),
      deleted: Math.floor(rand() * 40),
    });
  }
  const items: PullRequestItem[] = [];
  for (let i = 0; i < 52_000; i++) {
    const merged = start + rand() * 364 * DAY;
    const coding = 3600 * (1 + rand() * 40);
    const pickup = 3600 * rand() * 30;
    const review = 3600 * rand() * 20;
    items.push({
      repo: repos[i % repos.length]!,
      number: i + 1,
      title: `Change ${i + 1}`,
      author: people[Math.floor(rand() * people.length)]!,
      createdAt: iso(merged - pickup - review),
      readyAt: iso(merged - pickup - review),
      firstCommitAt: iso(merged - pickup - review - coding),
      firstReviewAt: iso(merged - review),
      mergedAt: iso(merged),
      additions: Math.floor(rand() * 400),
      deletions: Math.floor(rand() * 200),
      reviewRounds: 1 + Math.floor(rand() * 3),
      coding,
      pickup,
      review,
      cycle: coding + pickup + review,
      ciWait: 600 + rand() * 1200,
    });
  }
  const runs: CiRunItem[] = [];
  for (let i = 0; i < 208_000; i++) {
    const created = start + rand() * 364 * DAY;
    const repo = repos[i % repos.length]!;
    runs.push({
      repo,
      id: i + 1,
      workflow: ['build', 'test', 'lint'][Math.floor(i / repos.length) % 3]!,
      headSha: `sha${Math.floor(i / 2)}`,
      attempt: 1 + (i % 2),
      conclusion: rand() < 0.1 ? 'failure' : 'success',
      createdAt: iso(created),
      startedAt: iso(created + 30),
      completedAt: iso(created + 600),
      queue: rand() * 300,
      duration: 300 + rand() * 900,
    });
  }
  const report: FullReport = {
    schemaVersion: 1,
    generatedAt: until.toISOString(),
    window: { since: iso(start), until: until.toISOString() },
    repositories: repos.map((name) => ({ name, path: `/src/${name}`, github: `acme/${name}` })),
    git: {
      commits: 100_000,
      merges: 0,
      authors: 200,
      filesChanged: 5000,
      files: Array.from({ length: 100 }, (_, i) => ({
        repo: repos[i % repos.length]!,
        path: `src/module-${i % 7}/file-${i}.ts`,
        revisions: 500 - i * 4,
        added: 10_000 - i * 50,
        deleted: 4000 - i * 20,
        churn: 14_000 - i * 70,
        lines: 300 + ((i * 37) % 2000),
        authors: 1 + (i % 30),
        lastChanged: until.toISOString(),
        hotspotScore: 1 - i / 100,
      })),
      coupling: Array.from({ length: 100 }, (_, i) => ({
        repo: repos[i % repos.length]!,
        a: `src/module-${i % 7}/file-${i}.ts`,
        b: `src/module-${(i + 1) % 7}/file-${i + 1}.ts`,
        shared: 40 - Math.floor(i / 4),
        degree: 95 - i * 0.6,
      })),
      moduleCoupling: Array.from({ length: 40 }, (_, i) => ({
        repo: repos[i % repos.length]!,
        a: `src/module-${i % 7}`,
        b: `src/module-${(i + 3) % 7}`,
        shared: 80 - i,
        degree: 90 - i,
      })),
    },
    builds: {
      summary: repos.flatMap((repo) =>
        (['warm', 'cold', 'wrapped'] as const).map((kind, k) => ({
          repo,
          command: 'npm run build',
          kind,
          task: 'build',
          machine: 'laptop',
          runs: 10,
          failures: 0,
          median: 60 * (k + 1),
          p90: 90 * (k + 1),
        })),
      ),
      wrappedPerDay: repos.map((repo) => ({
        repo,
        machine: 'laptop',
        runs: 100,
        days: 50,
        minutesPerDay: 12,
      })),
    },
    pullRequests: {
      count: items.length,
      merged: items.length,
      stages: {
        coding: { median: null, p90: null, n: 0 },
        pickup: { median: null, p90: null, n: 0 },
        review: { median: null, p90: null, n: 0 },
        cycle: { median: null, p90: null, n: 0 },
      },
      items,
    },
    ci: { runs: runs.length, workflows: [], items: runs },
    diagnosis: [
      ...Object.keys(teams).map((team) => ({
        subject: team,
        kind: 'team' as const,
        prs: 5200,
        cycleMedian: 80_000,
        excess: 3600,
        verdict: 'review_bottleneck',
        causes: [{ cause: 'review_bottleneck', share: 0.6, hoursPerWeek: 12, evidence: 'pickup 9 h vs 6 h' }],
      })),
      ...people.map((p) => ({
        subject: p,
        kind: 'person' as const,
        prs: 260,
        cycleMedian: 80_000,
        excess: 0,
        verdict: 'none',
        causes: [],
      })),
    ],
    costs: [
      { cause: 'review_wait', hoursPerWeek: 310, evidence: '1,000 PRs/week × 0.31 h extra pickup' },
      { cause: 'ci_wait', hoursPerWeek: 220, evidence: '4,000 runs/week × 3.3 min' },
    ],
  };
  for (const members of Object.values(teams)) members.push(...members.map((m) => `${m}@example.com`));
  return { report, teams, gitDays };
}

async function renderInChromium(file: string): Promise<{ loadMs: number; scriptMs: number } | null> {
  if (!chromiumAvailable()) return null;
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const started = performance.now();
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => (window as unknown as { __dxReady?: boolean }).__dxReady === true,
      null,
      {
        timeout: 60_000,
      },
    );
    const loadMs = performance.now() - started;
    const scriptMs = await page.evaluate(() => (window as unknown as { __dxReadyAt: number }).__dxReadyAt);
    return { loadMs, scriptMs };
  } finally {
    await browser.close();
  }
}

/**
 * Measures the dashboard for the database at `dbPath` (its whole history, as
 * `dx-audit dashboard` does), then for the synthetic 200-engineer year.
 */
export async function benchDashboard(dbPath: string): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-audit-bench-dashboard-'));
  const out: Record<string, string | number> = {};
  try {
    const now = new Date();
    let started = performance.now();
    const db = await Db.open(dbPath);
    let html: string;
    try {
      const data = await buildDashboardData(db, { since: null, until: now, now, teams: {} }, (since, until) =>
        buildReport(db, { since, until, now, detail: true, top: 100 }),
      );
      html = renderDashboard(data);
      out['db weeks'] = data.weeks.length;
    } finally {
      await db.close();
    }
    out['db generation ms'] = Math.round(performance.now() - started);
    const file = join(dir, 'db.html');
    writeFileSync(file, html);
    out['db file bytes'] = Buffer.byteLength(html);
    const dbRender = await renderInChromium(file);
    out['db render ms (load → all charts drawn)'] = dbRender
      ? Math.round(dbRender.loadMs)
      : 'skipped: no chromium';

    const { report, teams, gitDays } = syntheticYear(now);
    started = performance.now();
    const data = assembleDashboard({
      report,
      gitDays,
      fileRevisions: 500_000,
      teams,
      window: { since: new Date(Date.parse(report.window.since!)), until: now },
      generatedAt: now,
    });
    const synthetic = renderDashboard(data);
    out['200-engineer year: assemble + render ms (100k commits, 52k PRs, 208k runs)'] = Math.round(
      performance.now() - started,
    );
    out['200-engineer year: file bytes'] = Buffer.byteLength(synthetic);
    out['200-engineer year: file / 2 MB target'] = Number(
      (Buffer.byteLength(synthetic) / 2_000_000).toFixed(3),
    );
    const syntheticFile = join(dir, 'synthetic.html');
    writeFileSync(syntheticFile, synthetic);
    const render = await renderInChromium(syntheticFile);
    if (render) {
      out['200-engineer year: render ms (load → all charts drawn)'] = Math.round(render.loadMs);
      out['200-engineer year: render / 2 s target'] = Number((render.loadMs / 2000).toFixed(3));
      out['200-engineer year: page script ms'] = Math.round(render.scriptMs);
    } else out['200-engineer year: render ms'] = 'skipped: no chromium';
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
