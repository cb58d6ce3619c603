// DORA through the real CLI: `collect git` reads the tags, `report --format
// json` carries the dora object; without any deployment the report says so
// and still exits 0; a bad dora setting is one clear line and exit 2.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { H, T, tagAt } from './helpers.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

describe('dx-audit report: dora', () => {
  it('reports the keys from version tags, and "no deployments found" (exit 0) without any', async () => {
    const r = new TestRepo();
    repos.push(r);
    r.commit({ message: 'one', at: T });
    const c2 = r.commit({ message: 'two', at: T + H });
    tagAt(r, 'v1.0.0', c2, T + 2 * H);
    const c3 = r.commit({ message: 'three', at: T + 3 * H });
    tagAt(r, 'v1.1.0', c3, T + 6 * H); // ships "three" after 3 h
    const db = join(tempDir(), 'dx.db');
    const window = [
      '--since',
      new Date(T * 1000).toISOString(),
      '--until',
      new Date((T + 14 * 24 * H) * 1000).toISOString(),
    ];
    expect((await runCli(['collect', 'git', r.path, '--db', db, '--quiet'])).exitCode).toBe(0);
    const report = await runCli(['report', '--format', 'json', '--db', db, ...window]);
    expect(report.exitCode).toBe(0);
    const dora = JSON.parse(report.stdout).dora;
    expect(dora).toMatchObject({
      source: 'tags',
      deployments: 2,
      // the window is clamped to the data (6 hours), and a window under a week counts as one week
      deploymentsPerWeek: 2,
      leadTime: { median: 3 * H, p90: 3 * H, n: 1 },
      changeFailureRate: 0,
      timeToRestore: { median: null, p90: null, n: 0 },
      missing: null,
    });
    expect(dora.edition).toMatch(/2023/);

    const none = new TestRepo();
    repos.push(none);
    none.commit({ message: 'one', at: T });
    const empty = join(tempDir(), 'dx.db');
    await runCli(['collect', 'git', none.path, '--db', empty, '--quiet']);
    const bare = await runCli(['report', '--format', 'json', '--db', empty, ...window]);
    expect(bare.exitCode).toBe(0);
    const missing = JSON.parse(bare.stdout).dora;
    expect(missing.source).toBeNull();
    expect(missing.deploymentsPerWeek).toBeNull();
    expect(missing.missing).toMatch(/^no deployments found .*tried .*To configure: /);
  });

  it('refuses a bad dora setting with one line naming the field', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dx-audit.config.json'), JSON.stringify({ dora: { tagPattern: '[' } }));
    const result = await runCli(['report', '--format', 'json', '--db', join(dir, 'dx.db')], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"dora.tagPattern" is not a valid regular expression: [');
    expect(result.stdout).toBe('');
  });
});
