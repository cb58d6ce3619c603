// A single build longer than the whole budget is stopped where the budget
// ends, with its process tree, and is neither stored as a timing nor as a
// hang: the user hears that nothing was timed and how to give it more time.
// A build that fails in every run is a finding of `audit`, with its first
// error line, in the terminal and the weekly report.
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
  work = tempDir('dx-audit-budget-stop-');
  repo = new TestRepo();
  repo.commit({ files: { 'README.md': '# app\n' } });
});
afterAll(() => {
  repo.remove();
  rmSync(work, { recursive: true, force: true });
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
      failing.commit({
        files: {
          'package.json': `${JSON.stringify({ name: 'app', scripts: { build: 'node build.js' } })}\n`,
          'build.js':
            "console.log('compiling');\nconsole.error(\"src/main.ts(1,7): error TS1005: ';' expected.\");\nprocess.exit(2);\n",
        },
      });
      const folder = tempDir('dx-audit-failing-build-');
      const result = await runCli(['audit', failing.path, '--no-github', '--build-budget', '2'], {
        cwd: folder,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const finding = `The local build "npm run build" in ${basename(failing.path)} failed in all 3 runs (first error: src/main.ts(1,7): error TS1005: ';' expected.): fix it before its time can be measured.`;
      expect(result.stdout).toContain(`. ${finding}`);
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
