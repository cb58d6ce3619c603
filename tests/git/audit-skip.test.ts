// `audit A B` where A's git fails: B is still audited, the outputs are
// written, A is listed as skipped with the reason; only when nothing can be
// audited does the audit fail.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

/** A clone that lost the blob of its first commit's file, as a broken clone does. */
function brokenClone(): { repo: TestRepo; blob: string } {
  const repo = new TestRepo();
  cleanup.push(() => repo.remove());
  repo.commit({ files: { 'f.txt': 'a\n' } });
  const blob = repo.git('rev-parse', 'HEAD:f.txt');
  repo.commit({ files: { 'f.txt': 'b\n' } });
  rmSync(join(repo.path, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
  return { repo, blob };
}

function healthy(): TestRepo {
  const repo = new TestRepo();
  cleanup.push(() => repo.remove());
  for (let i = 0; i < 4; i += 1) repo.commit({ files: { [`g${i}.txt`]: `${i}\n` } });
  return repo;
}

describe('audit with a failing repository', () => {
  it('audits the healthy one, writes the outputs and lists the broken one as skipped with the reason', async () => {
    const { repo: broken, blob } = brokenClone();
    const good = healthy();
    const work = tempDir();
    const result = await runCli(['audit', broken.path, good.path, '--no-build', '--no-github', '--json'], {
      cwd: work,
      env: { DX_AUDIT_DB: join(work, 'dx.db') },
    });
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout);
    const reason = `the clone at ${broken.path} is broken: git cannot read some of its objects (fatal: unable to read ${blob}) — clone it again, or run \`git fetch --refetch\` there, then run again`;
    expect(json.failures).toEqual([
      { repository: broken.path, name: broken.path.split('/').pop(), step: 'git', reason },
    ]);
    expect(json.skipped).toContain(
      `${broken.path.split('/').pop()} (its git history could not be read: ${reason})`,
    );
    for (const file of [json.dashboard, json.report.markdown, json.report.html])
      expect(existsSync(file)).toBe(true);
    // the healthy repository's 4 commits were collected
    const report = await runCli(['report', '--format', 'json', '--db', join(work, 'dx.db')], { cwd: work });
    expect(JSON.parse(report.stdout).git.commits).toBe(4);
  });

  it('fails with exit 1 and one line when no repository can be audited', async () => {
    const { repo: broken, blob } = brokenClone();
    const work = tempDir();
    const result = await runCli(['audit', broken.path, '--no-build', '--no-github'], {
      cwd: work,
      env: { DX_AUDIT_DB: join(work, 'dx.db') },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `dx-audit: no repository could be audited: ${broken.path.split('/').pop()}: the clone at ${broken.path} is broken: git cannot read some of its objects (fatal: unable to read ${blob}) — clone it again, or run \`git fetch --refetch\` there, then run again`,
    ]);
  });
});
