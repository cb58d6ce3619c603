// The weekly report: the reported week against the one before, from the
// analysis's weekly series, rendered as Markdown and HTML that survive hostile
// strings; and `dx-audit report` on a real repository.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { renderHtml } from '../../agent/render/html.js';
import { escapeMarkdown, renderMarkdown } from '../../agent/render/markdown.js';
import { movements } from '../../agent/render/weekly-view.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';
import { fixtureReport, hostile, sharedFixture } from '../support/report-fixture.js';
import { activityRepo } from './fixtures.js';

describe('weekly report model', () => {
  let report: Report;
  let evil: Report;
  beforeAll(async () => {
    report = await fixtureReport(await sharedFixture(false));
    evil = await fixtureReport(await sharedFixture(true));
  });

  it('compares the last week of the window with the one before, read from the weekly series', () => {
    const week = report.week;
    expect(week.week).toBe('2024-W06');
    expect(week.previousWeek).toBe('2024-W05');
    const i = report.series.weeks.indexOf('2024-W06');
    expect(i).toBe(report.series.weeks.length - 1);
    const all = report.series.pullRequests['all']!;
    const row = (label: string) => week.comparisons.find((c) => c.label === label)!;
    expect(row('PR cycle time (median)')).toMatchObject({
      thisWeek: all.cycleMedian[i],
      lastWeek: all.cycleMedian[i - 1],
    });
    expect(row('PRs merged')).toMatchObject({
      thisWeek: all.merged[i],
      lastWeek: all.merged[i - 1],
      judgement: 'n/a',
    });
    const cycle = row('PR cycle time (median)');
    expect(cycle.change).toBeCloseTo((cycle.thisWeek! - cycle.lastWeek!) / cycle.lastWeek!, 10);
    // a change of 10 % or more is judged; lower is better for durations
    expect(cycle.judgement).toBe(
      Math.abs(cycle.change!) < 0.1 ? 'same' : cycle.change! > 0 ? 'worse' : 'better',
    );
    const git = report.series.git['all']!;
    expect(row('Commits')).toMatchObject({ thisWeek: git.commits[i], lastWeek: git.commits[i - 1] });
    expect(week.hasData).toBe(true);
    const { better, worse } = movements(report);
    expect(better.length + worse.length).toBe(
      week.comparisons.filter((c) => c.judgement === 'better' || c.judgement === 'worse').length,
    );
  });

  it('renders Markdown whose tables survive hostile strings', () => {
    expect(escapeMarkdown('a | b *c* <d> [e](f) `g` \\ h\ni')).toBe(
      'a \\| b \\*c\\* \\<d\\> \\[e\\](f) \\`g\\` \\\\ h i',
    );
    const md = renderMarkdown(evil);
    expect(md).toContain('# DX weekly report — 2024-W06');
    // every comparison row has exactly its columns: no `|` from the data got through unescaped
    const rows = md.split('\n').filter((l) => l.startsWith('| CI '));
    expect(rows.length).toBeGreaterThan(0);
    for (const line of rows) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    expect(md).not.toMatch(/(?<!\\)<\/?(script|img)/);
    expect(md).toContain('\\<img src=x onerror="window.\\_\\_pwned=2;alert(1)"\\>');
    expect(md).not.toMatch(/[\u2028\u2029]/);
  });

  it('renders HTML with every data string escaped and links into the dashboard', () => {
    const html = renderHtml(evil);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;window.__pwned=1&#60;/script&#62;');
    expect(html).toContain('<a href="dashboard.html#cycle-time">PR cycle time (median)</a>');
    expect(html).toContain('<a href="dashboard.html#ci">');
    expect(html).toContain(
      hostile('workflow')
        .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
        .slice(0, 40),
    );
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

  it('writes the last complete week of the data against the week before in Markdown, by default', async () => {
    for (const args of [[], ['--week', '2024-W03']]) {
      const result = await runCli(['--db', db, 'report', '--format', 'md', ...args], { cwd: work });
      expect(result.exitCode, result.stderr).toBe(0);
      const md = result.stdout;
      expect(md).toContain('Week 2024-W03 (2024-01-15 to 2024-01-21, UTC) against 2024-W02');
      expect(md).toContain('| Commits | 1 | 2 | +100 % |');
      expect(md).toContain('| Merges | 0 | 1 | – |');
      expect(md).toContain('| Lines changed | 4 | 8 | +100 % |');
      expect(md).toContain('| People committing | 1 | 2 | +100 % |');
      expect(md).toContain('No cause with a measurable cost in the window.');
      expect(md).toContain(
        '- no pull requests or reviews are collected inside the window (needs a GitHub remote and a token: GITHUB\\_TOKEN, GH\\_TOKEN or gh auth login): `dx-audit audit`',
      );
    }
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
      window: { since: string; until: string };
    };
    expect(report.schemaVersion).toBe(2);
    // --week ends the window with that week; the window starts at the first collected commit
    expect(report.window.since).toBe('2024-01-01T10:00:00.000Z');
    expect(report.window.until).toBe('2024-01-09T10:00:00.000Z');
    expect(report.git.commits).toBe(4);
    const text = await runCli(['--db', db, 'report', '--format', 'text'], { cwd: work });
    expect(text.stdout).toContain('Git: 6 commits, 1 merge, 3 authors');
  });

  it('says so for a week with no data, and for an empty database (exit 0)', async () => {
    const quiet = await runCli(['--db', db, 'report', '--format', 'md', '--week', '2023-W10'], { cwd: work });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).toContain('No activity was collected in 2023-W10.');
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
