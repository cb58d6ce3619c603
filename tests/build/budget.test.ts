// Builds timed with respect for the user's time: a budget for the whole
// benchmark (no run starts that would not fit), and a failed build kept as a
// finding with the line that names its error.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { fixture, storedRuns } from './support.js';

const node = process.execPath;
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
    // each run sleeps 2 s (≈ 2.2 s with node's start); budget 7.5 s:
    // warm-up ends ≈ 2.2, run 1 ends ≈ 4.4, run 2 ends ≈ 6.6; run 3 would end ≈ 8.8 > 7.5
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
        node,
        fixture('sleep.mjs'),
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
        node,
        fixture('sleep.mjs'),
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
