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
import { assembleDashboard } from '../../agent/report/dashboard-data.js';
import { renderDashboard } from '../../dashboard/render.js';
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
import { activityRepo, fullReport, gitDays, HOSTILE, hostile, TEAMS } from './fixtures.js';

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

function dashboardFile(
  dir: string,
  name: string,
  evil: boolean,
  teams: Record<string, string[]> = TEAMS,
): string {
  const data = assembleDashboard({
    report: fullReport(evil),
    gitDays: gitDays(evil),
    fileRevisions: 23,
    teams,
    window: { since: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-14T23:59:59Z') },
    generatedAt: new Date('2024-01-15T00:00:00Z'),
  });
  const file = join(dir, name);
  writeFileSync(file, renderDashboard(data));
  return file;
}

describe.skipIf(!available)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = tempDir('dx-audit-dashboard-');
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart from disk with no request, no error, and exports PNG', async () => {
    const file = dashboardFile(dir, 'full.html', false);
    const { page, log } = await openDashboard(browser, file);
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([`file://${file}`]);

    const ink = await inkPerCanvas(page);
    expect(Object.keys(ink).sort()).toEqual(
      [
        'chart-builds',
        'chart-ci-duration',
        'chart-ci-flaky',
        'chart-ci-queue',
        'chart-coupling',
        'chart-cycle-breakdown',
        'chart-git-churn',
        'chart-git-commits',
        'chart-hotspots',
        'chart-module-coupling',
        'chart-pr-size',
        'chart-review-wait',
        'chart-wrapped-per-day',
      ].sort(),
    );
    for (const [id, pixels] of Object.entries(ink)) expect(pixels, id).toBeGreaterThan(500);

    const headline = page.locator('#verdict-headline');
    await expect(headline.isVisible()).resolves.toBe(true);
    expect(await headline.textContent()).toBe(
      'Slower delivery here is explained by the system, not the people: review bottleneck (1 team, 1 person).',
    );
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

  it('redraws for the repository, team and window filters', async () => {
    const file = dashboardFile(dir, 'filters.html', false);
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
    // All repositories: W01 has PRs 1-3 (coding median 1 h), W02 PRs 4-5 (coding median 2 h).
    expect((await cycleRows()).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['2024-W01', '3', '1'],
      ['2024-W02', '2', '2'],
    ]);
    await page.selectOption('#filter-repo', { label: 'billing' });
    expect((await cycleRows()).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['2024-W01', '1', '0.5'],
      ['2024-W02', '0', '–'],
    ]);
    await page.selectOption('#filter-repo', { label: 'All repositories (2)' });
    await page.selectOption('#filter-team', { label: 'platform' });
    // platform = alice and bob: W01 PRs 1-2 (coding 1 h and 2 h → median 1.5 h)
    expect((await cycleRows()).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['2024-W01', '2', '1.5'],
      ['2024-W02', '2', '2'],
    ]);
    await expect(page.locator('#chart-ci-queue .nodata').textContent()).resolves.toContain(
      'the team filter does not apply here',
    );
    await page.selectOption('#filter-team', { label: 'All teams' });
    expect(await page.locator('#filter-window option').count()).toBe(1);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('keeps hostile repository strings as inert text', async () => {
    const file = dashboardFile(dir, 'hostile.html', true);
    const html = readFileSync(file, 'utf8');
    // Exactly the three scripts of the page; the data cannot add or close one.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<img');
    const json = html.slice(html.indexOf('id="dx-data">'), html.indexOf('</script>'));
    expect(json.length).toBeGreaterThan(1000);
    expect(json.slice('id="dx-data">'.length)).not.toMatch(/[<\u2028\u2029]/);
    const { page, log } = await openDashboard(browser, file);
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([`file://${file}`]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);

    const texts = await page.evaluate(() => ({
      repoOption: document.querySelector('#filter-repo option[value="0"]')?.textContent,
      costs: Array.from(document.querySelectorAll('table.costs td')).map((td) => td.textContent),
      slowest: Array.from(document.querySelectorAll('#slowest-prs td')).map((td) => td.textContent),
      diagnosis: Array.from(document.querySelectorAll('details.diagnosis td')).map((td) => td.textContent),
      title: document.title,
    }));
    expect(texts.repoOption).toBe(hostile('repo'));
    expect(texts.costs).toContain(hostile('cost'));
    expect(texts.slowest).toContain(hostile('title 4'));
    expect(texts.slowest).toContain(hostile('repo'));
    expect(texts.diagnosis).toContain(hostile('alice'));
    expect(texts.title).toContain('repo </script><script>window.__pwned=1</script>');

    // Tables built by the page (hotspot paths, workflow names, build commands) hold the literal strings.
    for (const id of [
      'chart-hotspots',
      'chart-ci-duration',
      'chart-builds',
      'chart-coupling',
      'chart-module-coupling',
    ]) {
      await page.locator(`#${id} details summary`).click();
      await page.locator(`#${id} details tbody tr`).first().waitFor();
    }
    const cells = await page.locator('details.table td').allTextContents();
    for (const expected of [
      hostile('path'),
      hostile('workflow'),
      hostile('cmd'),
      `${hostile('a')} ↔ src/price.ts`,
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
      expect(await page.locator('#verdict-headline').textContent()).toContain(
        'only git history is collected',
      );
      expect(await page.locator('#ci .empty code').textContent()).toBe(
        'GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO',
      );
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
