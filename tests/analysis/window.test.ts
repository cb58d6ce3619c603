// One window per run: the last weeks up to the newest collected data, clamped
// to the data, stated once; and the weekly report's week, never the current,
// unfinished one. On a real git repository collected into a real SQLite file.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../agent/analysis/analyse.js';
import { isoWeekOf } from '../../agent/analysis/iso-week.js';
import type { Report } from '../../agent/analysis/model.js';
import { reportedWeek } from '../../agent/analysis/week.js';
import { resolveWindow } from '../../agent/analysis/window.js';
import { Db } from '../../agent/store/db.js';
import { activityRepo } from '../dashboard/fixtures.js';
import { runCli } from '../support/cli.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';

describe('the analysis window', () => {
  let repo: TestRepo;
  let work: string;
  let db: Db;
  beforeAll(async () => {
    repo = activityRepo();
    work = tempDir('dx-audit-window-');
    expect(
      (await runCli(['--db', join(work, 'dx.db'), 'collect', 'git', repo.path], { cwd: work })).exitCode,
    ).toBe(0);
    db = await Db.open(join(work, 'dx.db'));
  });
  afterAll(async () => {
    await db?.close();
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('ends at the newest collected data and starts at the oldest inside the default 52 weeks', async () => {
    // commits: 2024-01-01 10:00 (first) … the merge on 2024-01-18 10:00 (last)
    const w = await resolveWindow(db, { since: null, until: new Date('2026-11-30T00:00:00Z') });
    expect(w.report.since).toBe('2024-01-01T10:00:00.000Z');
    expect(w.report.until).toBe('2024-01-18T10:00:00.000Z');
    expect(w.report.weeks).toBe(2.43); // 17 days ÷ 7
    expect(w.report.statement).toBe(
      '2024-01-01 → 2024-01-18 (2.4 weeks: the last 52 weeks, ending at the newest collected data, starting at the oldest collected data inside it)',
    );
  });

  it('clamps a requested window larger than the data, so no empty weeks are drawn', async () => {
    const report = await analyse(db, {
      since: new Date('2022-01-01T00:00:00Z'),
      until: new Date('2026-11-30T00:00:00Z'),
      now: new Date('2026-11-30T00:00:00Z'),
      detail: false,
      top: 10,
    });
    expect(report.series.weeks).toEqual(['2024-W01', '2024-W02', '2024-W03']);
    expect(report.window.since).toBe('2024-01-01T10:00:00.000Z');
    expect(report.window.basis).toBe(
      'ending at the newest collected data, starting at the oldest collected data inside it',
    );
    const none = { commits: 0, pullRequests: 0, ciRuns: 0, first: null, last: null };
    expect(report.outsideWindow).toEqual({
      commits: 0,
      pullRequests: 0,
      ciRuns: 0,
      before: none,
      after: none,
    });
  });

  it('keeps a requested window inside the data, and counts what lies outside it', async () => {
    const report = await analyse(db, {
      since: new Date('2024-01-08T00:00:00Z'),
      until: new Date('2024-01-14T23:59:59Z'),
      now: new Date('2026-11-30T00:00:00Z'),
      detail: false,
      top: 10,
    });
    // carol's commit on 2024-01-09 is the only one inside; 5 commits and the merge lie outside
    expect(report.git.commits).toBe(1);
    expect(report.window.since).toBe('2024-01-09T10:00:00.000Z');
    expect(report.window.until).toBe('2024-01-09T10:00:00.000Z');
    expect(report.outsideWindow.commits).toBe(6);
    // alice's two and bob's commit of W01 before it; bob's topic commit, alice's and the merge of W03 after it
    expect(report.outsideWindow.before).toEqual({
      commits: 3,
      pullRequests: 0,
      ciRuns: 0,
      first: '2024-01-01T10:00:00.000Z',
      last: '2024-01-03T10:00:00.000Z',
    });
    expect(report.outsideWindow.after).toEqual({
      commits: 3,
      pullRequests: 0,
      ciRuns: 0,
      first: '2024-01-16T10:00:00.000Z',
      last: '2024-01-18T10:00:00.000Z',
    });
    expect(report.series.weeks).toEqual(['2024-W02']);
  });

  it('says what is collected outside a window that holds nothing, on which side and when, and how to move it', async () => {
    const report = await analyse(db, {
      since: new Date('2025-01-01T00:00:00Z'),
      until: new Date('2025-03-01T00:00:00Z'),
      now: new Date('2026-11-30T00:00:00Z'),
      detail: false,
      top: 10,
    });
    // all 7 commits (6 and the merge) are from January 2024
    expect(report.verdict.status).toBe('empty');
    expect(report.verdict.headline).toBe(
      `Nothing was collected inside the window ${report.window.statement}; 7 commits are collected before it (2024-01-01 → 2024-01-18): move its start with --since.`,
    );
    // each empty section says where its facts are, and the window that reaches them
    expect(report.empty.git).toEqual({
      missing: 'no commits inside the window; 7 commits are collected before it (2024-01-01 → 2024-01-18)',
      command: 'dx-audit audit --since 2024-01-01',
    });
    expect(report.empty.hotspots).toEqual(report.empty.git);
  });

  it('reports the last complete week: never the current one', () => {
    const now = new Date('2026-11-30T09:00:00Z'); // a Monday, week 2026-W49
    expect(isoWeekOf(now)).toBe('2026-W49');
    // data up to this morning: the report covers last week
    expect(reportedWeek(now, now, isoWeekOf)).toBe('2026-W48');
    // data that ended in an earlier week: that week is complete
    expect(reportedWeek(new Date('2024-01-18T10:00:00Z'), now, isoWeekOf)).toBe('2024-W03');
  });

  it('reports last week when this week has activity and last week has none, and calls it quiet, not uncollected', async () => {
    const fresh = activityRepo();
    const dir = tempDir('dx-audit-window-now-');
    try {
      const now = Math.floor(Date.now() / 1000);
      fresh.commit({
        files: { 'src/today.ts': 'x\n' },
        author: { name: 'Dana', email: 'dana@example.com' },
        at: now - 60,
        message: 'this week',
      });
      const dbPath = join(dir, 'dx.db');
      const audit = await runCli(['--db', dbPath, 'audit', fresh.path, '--no-build', '--no-github'], {
        cwd: dir,
      });
      expect(audit.exitCode, audit.stderr).toBe(0);
      const lastWeek = isoWeekOf(new Date((now - 7 * 86_400) * 1000));
      const cli = async (...args: string[]) => {
        const result = await runCli(['--db', dbPath, ...args], { cwd: dir });
        expect(result.exitCode, result.stderr).toBe(0);
        return result.stdout;
      };
      const outputs = {
        terminal: audit.stdout,
        markdown: readFileSync(join(dir, '.dx-audit', 'report.md'), 'utf8'),
        html: readFileSync(join(dir, '.dx-audit', 'report.html'), 'utf8'),
        dashboard: readFileSync(join(dir, '.dx-audit', 'dashboard.html'), 'utf8'),
        text: await cli('report', '--format', 'text'),
        json: await cli('report', '--format', 'json'),
        md: await cli('report', '--format', 'md'),
      };
      expect(outputs.md).toContain(`# DX weekly report — ${lastWeek}`);
      // the true statements: that week was quiet, and the window (the last 52 weeks up to today's commit) holds git history
      expect(outputs.md).toContain(`No activity was collected in ${lastWeek}.`);
      expect(outputs.html).toContain(`<p>No activity was collected in ${lastWeek}.</p>`);
      const json = JSON.parse(outputs.json) as Report;
      expect(json.week.hasData).toBe(false);
      expect(json.git.commits).toBe(1);
      expect(json.empty.git).toBeNull();
      expect(json.empty.hotspots).toBeNull();
      expect(outputs.terminal).toContain("  1. 1 commit in the window's ");
      expect(outputs.text).toContain('Git: 1 commit, 0 merges, 1 author, 1 file changed');
      // and nothing anywhere says git history is missing
      for (const [name, text] of Object.entries(outputs)) {
        expect(text, name).not.toMatch(/no git history is collected/i);
        expect(text, name).not.toMatch(/only git history/i);
        expect(text, name).not.toContain('No data collected yet');
      }
    } finally {
      fresh.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to standard output with --out -, and reports an empty folder without creating .dx-audit/', async () => {
    const dir = tempDir('dx-audit-window-out-');
    try {
      const json = await runCli(['report', '--format', 'json', '--out', '-'], {
        cwd: dir,
        env: { DX_AUDIT_DB: '' },
      });
      expect(json.exitCode, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout).verdict.headline).toBe(
        'No data collected yet: run "dx-audit audit" in a git clone to start.',
      );
      expect(existsSync(join(dir, '.dx-audit'))).toBe(false);
      expect(existsSync(join(dir, '-'))).toBe(false);
      const page = await runCli(['--db', join(work, 'dx.db'), 'dashboard', '--out', '-'], { cwd: dir });
      expect(page.exitCode, page.stderr).toBe(0);
      expect(page.stdout.startsWith('<!doctype html>')).toBe(true);
      expect(existsSync(join(dir, '-'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
