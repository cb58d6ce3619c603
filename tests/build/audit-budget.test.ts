// The build budget as `audit` spends it, on real builds of real clones: by
// default 10 minutes for the whole step, stated in the summary with what it
// timed; a build that runs past what is left is stopped, and the repositories
// after it are not started, each stated with its reason and counted.
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { storedRuns } from './support.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

/**
 * A clone whose build (`make`, its Makefile's default target) sleeps `ms`
 * milliseconds and succeeds. make and sleep, not `npm run build` or node:
 * their own start adds 0.1–0.4 s of CPU to each of the eight runs, which the
 * budget does not need.
 */
function sleeper(ms: number): TestRepo {
  const repo = new TestRepo();
  cleanup.push(() => repo.remove());
  repo.commit({ files: { Makefile: `all:\n\tsleep ${(ms / 1000).toFixed(3)}\n` } });
  return repo;
}

function folder(): string {
  const dir = tempDir('dx-audit-audit-budget-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const lines = (text: string) => text.split('\n');

describe('audit --build-budget', () => {
  it('gives the build step 10 minutes by default, and states what they timed', async () => {
    const a = sleeper(150);
    const b = sleeper(150);
    const work = folder();
    const result = await runCli(['audit', a.path, b.path, '--no-github'], { cwd: work });
    expect(result.exitCode, result.stderr).toBe(0);
    // a warm-up and 3 runs each: far within 10 minutes, so nothing is cut
    expect(lines(result.stdout)).toContain(
      'Build timing:  2 of 2 repositories timed (6 runs) within the build budget of 10 min (--build-budget MINUTES).',
    );
    const runs = await storedRuns(join(work, '.dx-audit', 'dx.db'));
    expect(runs.map((r) => [basename(r.cwd), r.outcome])).toEqual([
      ...Array.from({ length: 3 }, () => [basename(a.path), 'success']),
      ...Array.from({ length: 3 }, () => [basename(b.path), 'success']),
    ]);
    expect(result.stdout).not.toContain('was spent');
    expect(result.stdout).not.toContain('build timing of');
  }, 120_000);

  it('stops a build at the end of the budget and does not start the next repository', async () => {
    const slow = sleeper(20_000);
    const fast = sleeper(100);
    const work = folder();
    const started = Date.now();
    // 0.05 min = 3 s in all: the slow build is stopped at 3 s, and nothing is left for the second clone
    const result = await runCli(['audit', slow.path, fast.path, '--no-github', '--build-budget', '0.05'], {
      cwd: work,
    });
    const elapsed = (Date.now() - started) / 1000;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines(result.stdout)).toContain(
      'Build timing:  0 of 2 repositories timed (0 runs) within the build budget of 0.05 min (--build-budget MINUTES); 1 stopped at the budget with nothing timed; 1 not started: the budget was spent.',
    );
    expect(lines(result.stdout).at(-1)).toBe(
      `Skipped: build timing of ${basename(slow.path)} (one build of ${basename(slow.path)} ran past what was left of the build budget of 0.05 min (3 s) and was stopped with its process tree; nothing was timed); build timing of ${basename(fast.path)} (the build budget of 0.05 min was spent); GitHub (--no-github).`,
    );
    expect(await storedRuns(join(work, '.dx-audit', 'dx.db'))).toEqual([]);
    // stopped at the budget, not after the 20 s the build wanted
    expect(elapsed).toBeLessThan(20);
    // --json gives the same counts
    const json = await runCli(
      ['--json', 'audit', slow.path, fast.path, '--no-github', '--build-budget', '0.05'],
      { cwd: work },
    );
    expect(JSON.parse(json.stdout).build).toEqual({
      budgetMinutes: 0.05,
      repositories: 2,
      timed: 0,
      runs: 0,
      failed: 0,
      stoppedAtBudget: 1,
      notStarted: 1,
    });
  }, 120_000);
});
