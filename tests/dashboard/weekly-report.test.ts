import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleDashboard } from '../../agent/report/dashboard-data.js';
import { renderHtml } from '../../agent/render/html.js';
import { escapeMarkdown, renderMarkdown } from '../../agent/render/markdown.js';
import { buildWeeklyReport, movements } from '../../agent/report/weekly.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';
import { activityRepo, fullReport, gitDays, hostile, TEAMS } from './fixtures.js';

function weekly(evil: boolean) {
  const data = assembleDashboard({
    report: fullReport(evil),
    gitDays: gitDays(evil),
    fileRevisions: 23,
    teams: TEAMS,
    window: { since: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-14T23:59:59Z') },
    generatedAt: new Date('2024-01-15T00:00:00Z'),
  });
  return buildWeeklyReport(
    '2024-W02',
    '2024-W01',
    { start: new Date('2024-01-08T00:00:00Z'), end: new Date('2024-01-15T00:00:00Z') },
    data,
    data,
  );
}

describe('weekly report model', () => {
  it('compares the week with the one before and judges each move', () => {
    const report = weekly(false);
    const row = (label: string) => report.comparisons.find((c) => c.label === label)!;
    expect(row('PR cycle time (median)')).toMatchObject({
      lastWeek: 12_600,
      thisWeek: 28_800,
      judgement: 'worse',
    });
    expect(row('PR cycle time (median)').change).toBeCloseTo(16_200 / 12_600, 10);
    expect(row('Coding time (median)')).toMatchObject({
      lastWeek: 3600,
      thisWeek: 7200,
      change: 1,
      judgement: 'worse',
    });
    expect(row('Commits')).toMatchObject({ lastWeek: 3, thisWeek: 1, judgement: 'n/a' });
    expect(row('CI shop · CI: flaky commits')).toMatchObject({
      lastWeek: 50,
      thisWeek: 0,
      change: -1,
      judgement: 'better',
    });
    expect(row('CI shop · CI: queue (median)')).toMatchObject({
      lastWeek: 60,
      thisWeek: 450,
      judgement: 'worse',
    });
    expect(report.hasData).toBe(true);
    expect(report.causes.map((c) => c.hoursPerWeek)).toEqual([20, 12.5]);
    const { better, worse } = movements(report);
    expect(better).toEqual(['CI shop · CI: flaky commits: 50.0 % → 0.0 % (−100 %)']);
    expect(worse).toContain('PR cycle time (median): 3.5 h → 8.0 h (+129 %)');
  });

  it('renders Markdown whose tables survive hostile strings', () => {
    expect(escapeMarkdown('a | b *c* <d> [e](f) `g` \\ h\ni')).toBe(
      'a \\| b \\*c\\* \\<d\\> \\[e\\](f) \\`g\\` \\\\ h i',
    );
    const md = renderMarkdown(weekly(true));
    expect(md).toContain('# DX weekly report — 2024-W02');
    expect(md).toContain('| Waiting for review | 20 | ');
    // every table row has exactly its columns: no `|` from the data got through unescaped
    const costRows = md.split('\n').filter((l) => l.startsWith('| Waiting'));
    expect(costRows).toHaveLength(2);
    for (const line of costRows) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    expect(md).not.toMatch(/(?<!\\)<\/?(script|img)/);
    expect(md).toContain('\\<img src=x onerror="window.\\_\\_pwned=2;alert(1)"\\>');
    expect(md).not.toMatch(/[\u2028\u2029]/);
  });

  it('renders HTML with every data string escaped and links into the dashboard', () => {
    const html = renderHtml(weekly(true));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;window.__pwned=1&#60;/script&#62;');
    expect(html).toContain('<a href="dashboard.html#cycle-time">PR cycle time (median)</a>');
    expect(html).toContain('<a href="dashboard.html#ci">');
    expect(html).toContain(`${hostile('cost').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}`);
  });
});

describe('dx-audit report --format md|html|json on a real repository', () => {
  let repo: TestRepo;
  let work: string;
  let db: string;
  beforeAll(async () => {
    repo = activityRepo();
    work = tempDir('dx-audit-weekly-');
    db = join(work, 'dx.db');
    expect((await runCli(['--db', db, 'collect', 'git', repo.path], { cwd: work })).exitCode).toBe(0);
  });
  afterAll(() => {
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes this week against last week in Markdown', async () => {
    const result = await runCli(['--db', db, 'report', '--format', 'md', '--week', '2024-W03'], {
      cwd: work,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const md = result.stdout;
    expect(md).toContain('Week 2024-W03 (2024-01-15 to 2024-01-21, UTC) against 2024-W02');
    expect(md).toContain('| Commits | 1 | 2 | +100 % |');
    expect(md).toContain('| Merges | 0 | 1 | – |');
    expect(md).toContain('| Lines changed | 4 | 8 | +100 % |');
    expect(md).toContain('| People committing | 1 | 2 | +100 % |');
    expect(md).toContain('No cost can be computed yet');
    expect(md).toContain('`GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO`');
  });

  it('infers the format from --out, writes HTML, and keeps JSON for the week', async () => {
    const out = join(work, 'weekly.html');
    const html = await runCli(['--db', db, 'report', '--week', '2024-W03', '--out', out], { cwd: work });
    expect(html.exitCode, html.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<title>DX weekly report — 2024-W03</title>');
    const json = await runCli(['--db', db, 'report', '--format', 'json', '--week', '2024-W02'], {
      cwd: work,
    });
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as {
      schemaVersion: number;
      git: { commits: number };
      window: unknown;
    };
    expect(report.schemaVersion).toBe(1);
    expect(report.git.commits).toBe(1);
    expect(report.window).toEqual({ since: '2024-01-08T00:00:00.000Z', until: '2024-01-14T23:59:59.000Z' });
    const text = await runCli(['--db', db, 'report', '--format', 'text'], { cwd: work });
    expect(text.stdout).toContain('Git: 6 commits, 1 merges, 3 authors');
  });

  it('says so for a week with no data, and for an empty database (exit 0)', async () => {
    const quiet = await runCli(['--db', db, 'report', '--format', 'md', '--week', '2023-W10'], { cwd: work });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).toContain('**No activity was collected for 2023-W10.**');
    const empty = await runCli(['--db', join(work, 'empty.db'), 'report', '--format', 'md'], { cwd: work });
    expect(empty.exitCode).toBe(0);
    expect(empty.stdout).toContain('No data collected yet: run "dx-audit audit" in a git clone.');
  });

  it('rejects a bad --week and an --out folder that does not exist or is not a folder (exit 2)', async () => {
    const week = await runCli(['--db', db, 'report', '--format', 'md', '--week', '2021-W53'], { cwd: work });
    expect(week.exitCode).toBe(2);
    expect(week.stderr).toBe(
      'dx-audit: --week "2021-W53": 2021 has no week 53 — pass an ISO week like 2025-W07 (Monday-first weeks, as `date +%G-W%V` prints)',
    );
    const missing = join(work, 'nope', 'r.md');
    const noFolder = await runCli(['--db', db, 'report', '--out', missing], { cwd: work });
    expect(noFolder.exitCode).toBe(2);
    expect(noFolder.stderr).toBe(
      `dx-audit: the folder of --out ${missing} does not exist — create ${join(work, 'nope')} first or choose another --out path`,
    );
    const dash = await runCli(['--db', db, 'dashboard', '--out', join(work, 'dx.db', 'x.html')], {
      cwd: work,
    });
    expect(dash.exitCode).toBe(2);
    expect(dash.stderr).toContain('is not a folder');
    const dir = await runCli(['--db', db, 'dashboard', '--out', work], { cwd: work });
    expect(dir.exitCode).toBe(2);
    expect(dir.stderr).toBe(`dx-audit: --out ${work} is a folder — pass a file path, e.g. --out report.html`);
  });
});
