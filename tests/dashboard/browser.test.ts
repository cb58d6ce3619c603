/// <reference lib="dom" />
// The dashboard opened from disk in headless Chromium: nothing but the file is
// requested, nothing logs an error, every chart draws, the verdict shows, the
// PNG export downloads a PNG, filters redraw, and hostile strings from
// repositories stay text. Without Chromium the suite is skipped with a notice,
// except under CI=true where that is a failure.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { renderDashboard } from '../../agent/render/dashboard.js';
import { leftOutText } from '../../agent/util/format.js';
import {
  type Browser,
  CHROMIUM,
  chromiumAvailable,
  inkPerCanvas,
  launchChromium,
  openDashboard,
} from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/git-repo.js';
import { fixtureReport, HOSTILE, HOSTILE_FILE, hostile, sharedFixture } from '../support/report-fixture.js';
import { activityRepo } from './fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const available = chromiumAvailable();

if (!available) {
  console.warn(
    `\n*** NOTICE: ${CHROMIUM} is missing, so the dashboard browser tests are SKIPPED. Install it with \`apt-get install chromium\`. ***\n`,
  );
}

describe('Chromium for the browser tests', () => {
  it.runIf(process.env['CI'] === 'true')('is installed on CI', () => {
    expect(available, `${CHROMIUM} must exist on CI`).toBe(true);
  });
});

async function dashboardFile(
  dir: string,
  name: string,
  evil: boolean,
): Promise<{ file: string; report: Report }> {
  const report = await fixtureReport(await sharedFixture(evil));
  const file = join(dir, name);
  writeFileSync(file, renderDashboard(report));
  return { file, report };
}

/** The charts a report must draw: one per section with data, coupling and wrapped builds when present. */
function expectedCharts(report: Report): string[] {
  const ids = [
    'chart-cycle-breakdown',
    'chart-review-wait',
    'chart-pr-size',
    'chart-ci-queue',
    'chart-ci-duration',
    'chart-ci-success',
    'chart-ci-flaky',
    'chart-builds',
    'chart-hotspots',
    'chart-git-commits',
    'chart-git-churn',
  ];
  if (report.dora.deployments > 0) ids.push('chart-dora-deployments', 'chart-dora-lead-stages');
  if (report.git.coupling.length > 0) ids.push('chart-coupling');
  if (report.git.moduleCoupling.length > 0) ids.push('chart-module-coupling');
  if (report.builds.wrappedPerDay.length > 0) ids.push('chart-wrapped-per-day');
  return ids.sort();
}

/** A cell as the page writes it: hours to two decimals, numbers in English notation, '–' for none. */
const hoursCell = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? '–' : Number((seconds / 3600).toFixed(2)).toLocaleString('en');

describe.skipIf(!available)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    // Chromium starts while the fixtures may still be building (tests/support/global-setup.ts)
    [browser] = await Promise.all([launchChromium(), sharedFixture(false), sharedFixture(true)]);
    dir = tempDir('dx-audit-dashboard-');
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart from disk with no request, no error, and exports PNG', async () => {
    const { file, report } = await dashboardFile(dir, 'full.html', false);
    const { page, log } = await openDashboard(browser, file);
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([`file://${file}`]);

    const ink = await inkPerCanvas(page);
    expect(Object.keys(ink).sort()).toEqual(expectedCharts(report));
    for (const [id, pixels] of Object.entries(ink)) expect(pixels, id).toBeGreaterThan(500);

    const headline = page.locator('#verdict-headline');
    await expect(headline.isVisible()).resolves.toBe(true);
    expect(await headline.textContent()).toBe(report.verdict.headline);
    // DORA: four tiles with their band and definition, and drawn sparklines (the fixture ships by version tags)
    expect(report.dora.source).toBe('tags');
    expect(await page.locator('#dora .tile').count()).toBe(4);
    expect(await page.locator('#dora-deploymentFrequency .band').textContent()).toBe(
      report.dora.bands.deploymentFrequency,
    );
    expect(await page.locator('#dora-leadTime').getAttribute('title')).toContain('first commit');
    const sparkInk = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas[data-spark]')).map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink += 1;
        return ink;
      }),
    );
    expect(sparkInk).toHaveLength(2);
    for (const ink of sparkInk) expect(ink).toBeGreaterThan(50);
    // the workflow table shows the window's figures, one row per workflow
    expect(await page.locator('#ci-workflows tbody tr').count()).toBe(report.ci!.workflows.length);
    // slowest PRs link to GitHub
    const links = await page
      .locator('#slowest-prs a')
      .evaluateAll((a) => a.map((x) => x.getAttribute('href')));
    expect(links).toEqual(report.series.slowest.map((p) => p.url));
    // Every chart has a title, a "how to read this", a PNG button and a table.
    const cards = await page.locator('.card:has(canvas)').count();
    expect(await page.locator('.card:has(canvas) .how').count()).toBe(cards);
    expect(await page.locator('.card:has(canvas) button.save-png').count()).toBe(cards);
    expect(await page.locator('.card:has(canvas) details.table summary').count()).toBe(cards);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#chart-cycle-breakdown button.save-png').click(),
    ]);
    expect(download.suggestedFilename()).toBe('dx-audit-cycle-breakdown.png');
    const png = readFileSync((await download.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(2000);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-full.png'), fullPage: true });
    expect(log.requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([
      `file://${file}`,
    ]);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('reads without hovering: every coupling label, names on the top hotspots, no "%" on a 0–1 axis', async () => {
    const { file, report } = await dashboardFile(dir, 'labels.html', true);
    const { page, log } = await openDashboard(browser, file);
    expect(log.errors).toEqual([]);
    // the hostile fixture has couplings (file pairs, else module pairs)
    const pairs = report.git.coupling.length > 0 ? report.git.coupling : report.git.moduleCoupling;
    const couplingId = report.git.coupling.length > 0 ? 'chart-coupling' : 'chart-module-coupling';
    expect(pairs.length).toBeGreaterThan(0);
    const charts = await page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
      type Scale = {
        max: number;
        ticks: unknown[];
        options: { title?: { display?: boolean; text?: string } };
      };
      type Instance = {
        data: { labels?: unknown[] };
        scales: Record<string, Scale>;
        config: { plugins?: { id: string }[] };
      };
      return Array.from(document.querySelectorAll('canvas')).flatMap((canvas) => {
        const chart = Chart.getChart(canvas as HTMLCanvasElement) as Instance | undefined;
        if (!chart) return [];
        return [
          {
            id: canvas.closest('.card')?.id ?? '',
            labels: chart.data.labels?.length ?? 0,
            yTicks: chart.scales['y']?.ticks.length ?? 0,
            plugins: (chart.config.plugins ?? []).map((p) => p.id),
            axes: Object.values(chart.scales)
              .filter((scale) => scale.options.title?.display)
              .map((scale) => ({ max: scale.max, title: scale.options.title?.text ?? '' })),
          },
        ];
      });
    });
    const coupling = charts.find((c) => c.id === couplingId)!;
    // one tick per pair: none skipped
    expect(coupling.yTicks).toBe(coupling.labels);
    expect(coupling.labels).toBe(Math.min(pairs.length, 15));
    expect(charts.find((c) => c.id === 'chart-hotspots')!.plugins).toContain('dxBubbleLabels');
    // what hotspots and coupling leave out is said beside them, with the reasons
    const how = await page.$eval('#hotspots p.how', (p) => p.textContent ?? '');
    expect(report.git.excludedFiles).toBeGreaterThan(0);
    expect(how).toContain(
      ` Left out of hotspots and coupling: ${leftOutText(report.git.excludedFiles, report.git.excludedByReason)}.`,
    );
    // an axis titled in % runs to 100, never 0–1 (the rates are drawn as percentages)
    const percentAxes = charts.flatMap((c) =>
      c.axes.filter((a) => a.title.includes('%')).map((a) => ({ id: c.id, ...a })),
    );
    expect(percentAxes.length).toBeGreaterThan(0);
    for (const a of percentAxes) expect(a.max, `${a.id}: ${a.title}`).toBeGreaterThan(1);
  });

  it('redraws for the repository, team and window filters', async () => {
    const { file, report } = await dashboardFile(dir, 'filters.html', false);
    const { page, log } = await openDashboard(browser, file);
    const cycleRows = async () => {
      const details = page.locator('#chart-cycle-breakdown details');
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
        await details.locator('summary').click();
        await details.locator('tbody tr').first().waitFor();
      }
      return details
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
    };
    const expected = (key: string, weeks = report.series.weeks.length) => {
      const s = report.series.pullRequests[key]!;
      const from = report.series.weeks.length - weeks;
      return report.series.weeks
        .slice(from)
        .map((w, i) => [w, hoursCell(s.codingMedian[from + i]), String(s.merged[from + i])]);
    };
    expect((await cycleRows()).map((r) => [r[0], r[1], r[6]])).toEqual(expected('all'));
    const second = report.series.repositories[1]!;
    await page.selectOption('#filter-repo', { label: second });
    expect((await cycleRows()).map((r) => [r[0], r[1], r[6]])).toEqual(expected('r1'));
    await page.selectOption('#filter-repo', {
      label: `All repositories (${report.series.repositories.length})`,
    });
    await page.selectOption('#filter-team', { label: 'platform' });
    const platform = report.series.teams.indexOf('platform');
    expect((await cycleRows()).map((r) => [r[0], r[1], r[6]])).toEqual(expected(`t${platform}`));
    await expect(page.locator('#chart-ci-queue .nodata').textContent()).resolves.toContain(
      'the team filter does not apply here',
    );
    await page.selectOption('#filter-team', { label: 'All teams' });
    // 6 weeks of data: the window filter offers all of them and the last 4
    expect(await page.locator('#filter-window option').allTextContents()).toEqual([
      'All 6 weeks',
      'Last 4 weeks',
    ]);
    await page.selectOption('#filter-window', { label: 'Last 4 weeks' });
    expect((await cycleRows()).map((r) => [r[0], r[1], r[6]])).toEqual(expected('all', 4));
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('keeps hostile repository strings as inert text', async () => {
    const { file, report } = await dashboardFile(dir, 'hostile.html', true);
    const html = readFileSync(file, 'utf8');
    // Exactly the three scripts of the page; the data cannot add or close one.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<img');
    const json = html.slice(html.indexOf('id="dx-report">'), html.indexOf('</script>'));
    expect(json.length).toBeGreaterThan(1000);
    expect(json.slice('id="dx-report">'.length)).not.toMatch(/[<\u2028\u2029]/);
    const { page, log } = await openDashboard(browser, file);
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([`file://${file}`]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);

    const texts = await page.evaluate(() => ({
      slowest: Array.from(document.querySelectorAll('#slowest-prs td')).map((td) => td.textContent),
      workflows: Array.from(document.querySelectorAll('#ci-workflows td')).map((td) => td.textContent),
    }));
    const slowTitle = report.series.slowest[0]!.title;
    expect(slowTitle).toBe(hostile(`title ${report.series.slowest[0]!.number}`));
    expect(texts.slowest).toContain(slowTitle);
    expect(texts.workflows).toContain(hostile('workflow'));

    // Tables built by the page (hotspot paths, workflow names, build commands) hold the literal strings.
    for (const id of ['chart-hotspots', 'chart-ci-duration', 'chart-builds', 'chart-coupling']) {
      await page.locator(`#${id} details summary`).click();
      await page.locator(`#${id} details tbody tr`).first().waitFor();
    }
    const cells = await page.locator('details.table td').allTextContents();
    for (const expected of [
      HOSTILE_FILE,
      hostile('workflow'),
      HOSTILE.script,
      `${HOSTILE_FILE} ↔ price.ts`,
    ]) {
      expect(
        cells.some((c) => c.includes(expected)),
        expected,
      ).toBe(true);
    }
    // Every chart still draws.
    for (const [id, pixels] of Object.entries(await inkPerCanvas(page)))
      expect(pixels, id).toBeGreaterThan(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(log.dialogs).toEqual([]);
    expect(HOSTILE.script).toContain('</script>');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-hostile.png'), fullPage: true });
    await page.close();
  });

  it('shows git charts and helpful empty states for a real repository, and a helpful page for an empty database', async () => {
    const repo = activityRepo();
    const work = tempDir('dx-audit-dash-cli-');
    try {
      const db = join(work, 'dx.db');
      expect((await runCli(['--db', db, 'collect', 'git', repo.path], { cwd: work })).exitCode).toBe(0);
      const out = join(work, 'dash.html');
      const result = await runCli(['--db', db, 'dashboard', '--out', out], { cwd: work });
      expect(result.stderr).toBe(`dashboard written to ${out}`);
      expect(result.exitCode).toBe(0);
      const { page, log } = await openDashboard(browser, out);
      expect(log.errors).toEqual([]);
      expect(log.requests).toEqual([`file://${out}`]);
      const ink = await inkPerCanvas(page);
      expect(Object.keys(ink).sort()).toEqual(['chart-git-churn', 'chart-git-commits', 'chart-hotspots']);
      for (const [id, pixels] of Object.entries(ink)) expect(pixels, id).toBeGreaterThan(500);
      expect(await page.locator('#verdict-headline').textContent()).toBe(
        'From git alone (1 merge): too few changes per person to judge fragile code or oversized changes. Review wait and CI need GitHub data (a token).',
      );
      expect(await page.locator('#ci .empty code').textContent()).toBe('dx-audit audit');
      expect(await page.locator('#builds .empty').isVisible()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-git-only.png'), fullPage: true });
      await page.close();

      const emptyOut = join(work, 'empty.html');
      const empty = await runCli(['--db', join(work, 'empty.db'), 'dashboard', '--out', emptyOut], {
        cwd: work,
      });
      expect(empty.exitCode).toBe(0);
      const opened = await openDashboard(browser, emptyOut);
      expect(opened.log.errors).toEqual([]);
      expect(await opened.page.locator('canvas').count()).toBe(0);
      expect(await opened.page.locator('#verdict-headline').textContent()).toBe(
        'No data collected yet: run "dx-audit audit" in a git clone to start.',
      );
      expect(await opened.page.locator('#git-activity .empty code').textContent()).toBe(
        'dx-audit audit [PATH...]',
      );
      await opened.page.close();
    } finally {
      repo.remove();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
