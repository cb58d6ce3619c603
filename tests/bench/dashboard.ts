// Dashboard benchmark: generation time and file size for the database given,
// and the time Chromium takes to load the page until every chart is drawn
// (the page sets window.__dxReady and __dxReadyAt). A second page is built
// from the benchmark's 200-engineer organisation (a year, ≥ 50,000 PRs,
// ≥ 200,000 CI runs, ≥ 100,000 commits), in 10 teams, so the size and render
// targets are checked on every section.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyse } from '../../agent/analysis/analyse.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { renderDashboard } from '../../agent/render/dashboard.js';
import { Db } from '../../agent/store/db.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { generateOrg } from '../support/github-generator.js';
import { BIG_ORG, buildBigOrg } from '../support/seed-github.js';
import { ROOT } from './util.js';

/** Ten teams of the benchmark organisation's people, by login. */
function bigOrgTeams(): Record<string, string[]> {
  const org = generateOrg({
    seed: BIG_ORG.seed,
    repos: 1,
    people: BIG_ORG.people,
    prsPerRepo: 1,
    runsPerRepo: 0,
  });
  const teams: Record<string, string[]> = {};
  org.people.forEach((p, i) => {
    const team = `team-${i % 10}`;
    teams[team] = [...(teams[team] ?? []), p.login];
  });
  return teams;
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
 * Measures the dashboard for the database at `dbPath` (as `dx-audit dashboard`
 * does), then for the 200-engineer year.
 */
export async function benchDashboard(dbPath: string): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-audit-bench-dashboard-'));
  const out: Record<string, string | number> = {};
  try {
    const now = new Date();
    let started = performance.now();
    let db = await Db.open(dbPath, { pending: false });
    let html: string;
    try {
      const report = await analyse(db, { since: null, until: now, now, detail: false, top: 50 });
      html = renderDashboard(report);
      out['db weeks'] = report.series.weeks.length;
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

    const org = await buildBigOrg(ROOT);
    const until = new Date(org.until);
    started = performance.now();
    db = await Db.open(org.dbPath, { pending: false });
    let synthetic: string;
    try {
      const report = await analyse(db, {
        since: new Date(org.since),
        until,
        now: until,
        detail: false,
        top: 50,
        config: { ...DEFAULT_CONFIG, teams: bigOrgTeams() },
      });
      synthetic = renderDashboard(report);
    } finally {
      await db.close();
    }
    out['200-engineer year: analyse + render ms'] = Math.round(performance.now() - started);
    out['200-engineer year: contents'] =
      `${org.counts.commits} commits, ${org.counts.pullRequests} PRs, ${org.counts.runs} runs, 10 teams`;
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
