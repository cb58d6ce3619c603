// Builds timed with respect for the user's time: a budget for the whole
// benchmark (no run starts that would not fit), and a failed build kept as a
// finding with the line that names its error. A single build longer than the
// whole budget is stopped where the budget ends, with its process tree, and is
// neither stored as a timing nor as a hang. A build that fails in every run is
// a finding of `audit`, with its first error line, in the terminal, the weekly
// report and the dashboard.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../agent/render/escape.js';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { fixture, running, storedRuns } from './support.js';

let work: string;
let repo: TestRepo;

beforeAll(() => {
  work = tempDir('dx-audit-budget-');
  repo = new TestRepo();
  repo.commit({ files: { 'README.md': '# app\n' } });
});
afterAll(() => {
  repo.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('build budget', () => {
  it('stops before a run that would pass the budget, keeping what was measured', async () => {
    const dbPath = join(work, 'budget.db');
    // each run sleeps 2 s (≈ 2.1 s with the shell's start); budget 7.5 s:
    // warm-up ends ≈ 2.1, run 1 ends ≈ 4.2, run 2 ends ≈ 6.3; run 3 would end ≈ 8.4 > 7.5
    const started = Date.now();
    const result = await runCli(
      [
        'build',
        repo.path,
        '--runs',
        '5',
        '--warmup',
        '1',
        '--budget',
        '0.125',
        '--json',
        '--',
        fixture('sleep.sh'),
        '2000',
      ],
      { cwd: work, env: { DX_AUDIT_DB: dbPath } },
    );
    const elapsed = (Date.now() - started) / 1000;
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as {
      runs: { outcome: string; wall: number }[];
      budget: { minutes: number; stopped: boolean; afterSeconds: number; nextRunSeconds: number };
    };
    // warm-up + 3 runs of 2 s each would be 8 s > 7.5 s: at most 2 timed runs fit, at least 1
    const n = json.runs.length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(2);
    expect(json.runs.every((r) => r.outcome === 'success' && r.wall >= 2)).toBe(true);
    expect([json.budget.minutes, json.budget.stopped]).toEqual([0.125, true]);
    // the rule that stopped it: what was spent plus one more run passes the budget
    expect(json.budget.afterSeconds + json.budget.nextRunSeconds).toBeGreaterThan(7.5);
    // the estimate is the mean of the runs so far (warm-up included): each is at least the 2 s sleep
    expect(json.budget.nextRunSeconds).toBeGreaterThanOrEqual(2);
    expect(json.budget.afterSeconds).toBeGreaterThanOrEqual(2 * (n + 1));
    expect(result.stderr).toContain(`stopped after ${n === 1 ? '1 timed run' : `${n} timed runs`} (`);
    expect(result.stderr).toContain(
      'would pass the build budget of 0.125 min — raise it with --build-budget for more runs',
    );
    // far less than the 12 s that warm-up + 5 runs take
    expect(elapsed).toBeLessThan(12);
    expect((await storedRuns(dbPath)).length).toBe(n);
  });

  it('with a budget smaller than two builds, the warm-up is kept as the one measurement', async () => {
    // each build ≈ 2.2 s, budget 3.6 s: the warm-up fits, a second build would not
    const dbPath = join(work, 'tiny.db');
    const result = await runCli(
      [
        'build',
        repo.path,
        '--runs',
        '3',
        '--warmup',
        '1',
        '--budget',
        '0.06',
        '--json',
        '--',
        fixture('sleep.sh'),
        '2000',
      ],
      { cwd: work, env: { DX_AUDIT_DB: dbPath } },
    );
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as {
      runs: { run: number; outcome: string }[];
      stats: { n: number };
    };
    expect(json.runs.map((r) => [r.run, r.outcome])).toEqual([[1, 'success']]);
    expect(json.stats.n).toBe(1);
    expect(result.stderr).toMatch(/stopped after 1 timed run \(/);
  });

  it('refuses a budget that is not a positive number of minutes (exit 2)', async () => {
    const result = await runCli(['build', repo.path, '--budget', 'soon', '--', 'true'], {
      cwd: work,
      env: { DX_AUDIT_DB: join(work, 'bad.db') },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'dx-audit: the build budget "soon" is not a number of minutes > 0 — e.g. --build-budget 10 (audit) or --budget 10 (build)',
    );
  });
});

describe('a failed build is a finding', () => {
  it('keeps the exit code and the line that names the error, in the report’s build summary', async () => {
    const dbPath = join(work, 'failed.db');
    const script =
      'echo compiling; echo "main.c:3:1: error: expected \';\' before \'}\' token" >&2; echo "make: *** [all] Error 2" >&2; exit 2';
    const result = await runCli(
      ['build', repo.path, '--runs', '2', '--warmup', '0', '--', 'sh', '-c', script],
      {
        cwd: work,
        env: { DX_AUDIT_DB: dbPath },
      },
    );
    expect(result.exitCode).toBe(1);
    const runs = await storedRuns(dbPath);
    expect(runs.map((r) => r.outcome)).toEqual(['failure', 'failure']);
    const report = await runCli(['report', '--format', 'json', '--db', dbPath, '--since', '1d'], {
      cwd: work,
    });
    expect(report.exitCode).toBe(0);
    const summary = JSON.parse(report.stdout).builds.summary;
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ runs: 2, failures: 2, median: null });
    expect(summary[0].lastFailure).toEqual({
      outcome: 'failure',
      exitCode: 2,
      firstErrorLine: "main.c:3:1: error: expected ';' before '}' token",
      at: (runs[1] as unknown as { started_at: string }).started_at,
    });
  });
});

describe('a build longer than the budget', () => {
  it('is stopped at the budget with its process tree, exit 1, nothing stored', async () => {
    const dbPath = join(work, 'stop.db');
    const pids = join(work, 'pids.json');
    // budget 0.05 min = 3 s; the build would run 600 s
    const started = Date.now();
    const result = await runCli(
      [
        'build',
        repo.path,
        '--runs',
        '3',
        '--warmup',
        '1',
        '--budget',
        '0.05',
        '--',
        process.execPath,
        fixture('hang.mjs'),
        pids,
      ],
      { cwd: work, env: { DX_AUDIT_DB: dbPath } },
    );
    const elapsed = (Date.now() - started) / 1000;
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `dx-audit: one build of ${basename(repo.path)} ran past the build budget of 0.05 min and was stopped with its process tree; nothing was timed — give it more time: dx-audit build --budget MINUTES (audit: --build-budget MINUTES)`,
    );
    // stopped at 3 s, not at the 3,600 s --timeout; generous for a loaded machine
    expect(elapsed).toBeGreaterThanOrEqual(3);
    expect(elapsed).toBeLessThan(30);
    const [parent, child] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    expect([running(parent!), running(child!)]).toEqual([false, false]);
    expect(await storedRuns(dbPath)).toEqual([]);
  });
});

describe('a build that always fails', () => {
  it('is one of the audit findings, with its first error line, in the terminal and the weekly report', async () => {
    const failing = new TestRepo();
    try {
      // make, not npm: npm's own start would add about 1 s of CPU to each of the four runs
      failing.commit({
        files: {
          Makefile:
            'all:\n\t@echo compiling\n\t@echo "src/main.ts(1,7): error TS1005: \';\' expected." >&2\n\t@exit 2\n',
        },
      });
      const folder = tempDir('dx-audit-failing-build-');
      const result = await runCli(['audit', failing.path, '--no-github', '--build-budget', '2'], {
        cwd: folder,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const finding = `The local build "make" in ${basename(failing.path)} failed in all 3 runs (first error: src/main.ts(1,7): error TS1005: ';' expected.): fix it before its time can be measured.`;
      expect(result.stdout).toContain(`. ${finding}`);
      // the build step's line says the runs failed, not that they timed the build
      expect(result.stdout.split('\n')).toContain(
        'Build timing:  1 of 1 repository timed (3 runs, all failed) within the build budget of 2 min (--build-budget MINUTES).',
      );
      const report = join(folder, '.dx-audit', 'report.md');
      expect(existsSync(report)).toBe(true);
      expect(readFileSync(report, 'utf8')).toContain(finding);
      // and in the dashboard's verdict
      expect(readFileSync(join(folder, '.dx-audit', 'dashboard.html'), 'utf8')).toContain(
        escapeHtml(finding),
      );
      rmSync(folder, { recursive: true, force: true });
    } finally {
      failing.remove();
    }
  });
});
