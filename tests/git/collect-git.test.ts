// `dx-audit collect git` and the git section of the JSON report, against real
// repositories; expected numbers are hand-computed or taken from git itself.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../agent/context.js';
import { renderJson } from '../../agent/render/json.js';
import { analyseForContext } from '../../agent/render/outputs.js';
import { Db } from '../../agent/store/db.js';
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import { runCli } from '../support/cli.js';
import { gitEnv, TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

function repo(): TestRepo {
  const r = new TestRepo();
  cleanup.push(() => r.remove());
  return r;
}

/** `dx-audit report --format json --detail`, the real CLI. */
async function reportCli(db: string) {
  const result = await runCli(['report', '--format', 'json', '--detail', '--db', db]);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

/**
 * The same report in this process: the command's own context, analysis and
 * JSON renderer (reportCli above runs the command itself once). No warning,
 * as the command would print one on stderr.
 */
async function report(db: string, since?: string) {
  const context = createContext({ db, ...(since ? { since } : {}) }, new AbortController().signal);
  const store = await Db.open(context.dbPath);
  try {
    await ingestPendingBuilds(store);
    const analysed = await analyseForContext(store, context, { detail: true, top: 50 });
    expect(analysed.git.warnings).toEqual([]);
    return JSON.parse(renderJson(analysed));
  } finally {
    await store.close();
  }
}

function gitLines(cwd: string, args: string[]): string[] {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv() }, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe('collect git: a small repository with known answers', () => {
  const r = repo();
  const alice = { name: 'Alice', email: 'alice@example.com' };
  const bob = { name: 'Bob', email: 'bob@example.com' };
  // Bob's old identity, unified by the mailmap
  const bobOld = { name: 'bobby', email: 'bob@old.example.com' };
  r.commit({
    files: { 'a.txt': 'one\ntwo\nthree\n', '.mailmap': 'Bob <bob@example.com> <bob@old.example.com>\n' },
    author: alice,
    at: 1_700_000_000,
  });
  r.commit({
    files: { 'a.txt': 'one\nTWO\nthree\nfour\n', 'dir with space/ünï côde.ts': 'x\n' },
    author: bobOld,
    at: 1_700_003_600,
  });
  r.git('checkout', '-q', '-b', 'feature');
  r.commit({
    files: { 'logo.bin': Buffer.from([0, 1, 2, 3, 0, 255]), 'new\nline.txt': 'a\nb\n' },
    author: bob,
    at: 1_700_007_200,
  });
  r.git('checkout', '-q', 'main');
  r.commit({
    files: { 'a.txt': 'one\nTWO\nthree\nfour\nfive\n', 'gone.txt': 'bye\n' },
    author: alice,
    at: 1_700_010_800,
  });
  r.merge('feature', { at: 1_700_014_400 });
  r.commit({
    files: { 'gone.txt': null, 'logo.bin': Buffer.from([9, 9, 0, 9]) },
    author: bob,
    at: 1_700_018_000,
  });
  const db = join(tempDir(), 'dx.db');

  it('ingests commits, merges and file changes exactly', async () => {
    const collect = await runCli(['collect', 'git', r.path, '--db', db, '--json']);
    expect(collect.exitCode).toBe(0);
    const summary = JSON.parse(collect.stdout);
    expect(summary.repositories[0]).toMatchObject({ mode: 'full', commits: 5, merges: 1 });

    const json = await reportCli(db);
    expect(json.schemaVersion).toBe(2);
    // the in-process report the other tests read is the command's, apart from when it was made
    expect({ ...(await report(db)), generatedAt: null }).toEqual({ ...json, generatedAt: null });
    expect(json.repositories).toEqual([{ name: r.path.split('/').pop(), path: r.path, github: null }]);
    // independent counts from git itself
    expect(json.git.commits).toBe(
      Number(gitLines(r.path, ['rev-list', '--count', '--no-merges', 'HEAD'])[0]),
    );
    expect(json.git.commits).toBe(5);
    expect(json.git.merges).toBe(1);
    // alice, bob (bobby@old mapped to bob by the mailmap)
    expect(json.git.authors).toBe(2);

    const byPath = Object.fromEntries(json.git.files.map((f: { path: string }) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(
      ['.mailmap', 'a.txt', 'dir with space/ünï côde.ts', 'gone.txt', 'logo.bin', 'new\nline.txt'].sort(),
    );
    // a.txt: +3 (c1), +2 -1 (c2), +1 (c4) → added 6, deleted 1; 5 lines at HEAD; alice and bob
    expect(byPath['a.txt']).toMatchObject({
      revisions: 3,
      added: 6,
      deleted: 1,
      churn: 7,
      lines: 5,
      authors: 2,
    });
    expect(byPath['a.txt'].lastChanged).toBe(new Date(1_700_010_800 * 1000).toISOString());
    // binary changes count 0 lines; binary files have no line count
    expect(byPath['logo.bin']).toMatchObject({
      revisions: 2,
      added: 0,
      deleted: 0,
      churn: 0,
      lines: null,
      authors: 1,
    });
    // deleted file: history kept, no size
    expect(byPath['gone.txt']).toMatchObject({ revisions: 2, added: 1, deleted: 1, lines: null });
    expect(byPath['new\nline.txt']).toMatchObject({ revisions: 1, added: 2, lines: 2 });
    expect(byPath['dir with space/ünï côde.ts']).toMatchObject({ revisions: 1, added: 1, lines: 1 });
    // ranked: most revisions first
    expect(json.git.files[0].path).toBe('a.txt');
  });

  it('re-runs without reading anything when nothing changed', async () => {
    const again = await runCli(['collect', 'git', r.path, '--db', db, '--json']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout).repositories[0]).toMatchObject({ mode: 'unchanged', commits: 0 });
  });

  it('reads only the new commits on the next run', async () => {
    r.commit({ files: { 'a.txt': 'six\n' }, author: alice, at: 1_700_021_600 });
    const next = await runCli(['collect', 'git', r.path, '--db', db, '--json']);
    expect(JSON.parse(next.stdout).repositories[0]).toMatchObject({
      mode: 'incremental',
      commits: 1,
      merges: 0,
    });
    const json = await report(db);
    expect(json.git.commits).toBe(6);
    const a = json.git.files.find((f: { path: string }) => f.path === 'a.txt');
    // 'one..five' (5 lines) replaced by 'six': +1 -5
    expect(a).toMatchObject({ revisions: 4, added: 7, deleted: 6, lines: 1 });
  });

  it('restricts the report to the window', async () => {
    const json = await report(db, new Date(1_700_010_000 * 1000).toISOString());
    // c4 (10800), c6 (18000), c7 (21600) are non-merge commits in the window; merge at 14400
    expect(json.git.commits).toBe(3);
    expect(json.git.merges).toBe(1);
    // the window starts at the first collected commit inside the requested one (c4)
    expect(json.window.since).toBe(new Date(1_700_010_800 * 1000).toISOString());
  });
});

describe('collect git: history shapes', () => {
  it('treats an empty repository as zero commits, not an error', async () => {
    const r = repo();
    const db = join(tempDir(), 'dx.db');
    const result = await runCli(['collect', 'git', r.path, '--db', db]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('no commits yet');
    const json = await report(db);
    expect(json.git).toMatchObject({ commits: 0, merges: 0, authors: 0, files: [] });
    expect(json.window.since).toBeNull();
  });

  it('works on a detached HEAD and analyses the commit it points to', async () => {
    const r = repo();
    const first = r.commit({ files: { 'x.txt': '1\n' } });
    r.commit({ files: { 'x.txt': '2\n' } });
    r.git('checkout', '-q', '--detach', first);
    const db = join(tempDir(), 'dx.db');
    const result = await runCli(['collect', 'git', r.path, '--db', db]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('detached HEAD');
    expect((await report(db)).git.commits).toBe(1);
  });

  it('works on a shallow clone and says the history is partial', async () => {
    const origin = repo();
    for (let i = 0; i < 5; i += 1) origin.commit({ files: { 'f.txt': `${i}\n` } });
    const clone = join(tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${origin.path}`, clone], {
      env: { ...process.env, ...gitEnv() },
    });
    cleanup.push(() => execFileSync('rm', ['-rf', clone]));
    const db = join(tempDir(), 'dx.db');
    const result = await runCli(['collect', 'git', clone, '--db', db]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('shallow clone');
    expect((await report(db)).git.commits).toBe(2);
  });

  it('collects clones whose paths hold a newline or end in a space, and a bare clone, under their own paths', async () => {
    const origin = repo();
    for (let i = 0; i < 3; i += 1) origin.commit({ files: { 'f.txt': `${i}\n` } });
    const parent = tempDir();
    cleanup.push(() => execFileSync('rm', ['-rf', parent]));
    const paths = [join(parent, 'new\nline'), join(parent, 'space '), join(parent, 'bare\nclone.git')];
    const env = { ...process.env, ...gitEnv() };
    execFileSync('git', ['clone', '-q', origin.path, paths[0]!], { env });
    execFileSync('git', ['clone', '-q', origin.path, paths[1]!], { env });
    execFileSync('git', ['clone', '-q', '--bare', origin.path, paths[2]!], { env });
    const db = join(tempDir(), 'dx.db');
    const result = await runCli(['collect', 'git', ...paths, '--db', db]);
    expect(result.exitCode, result.stderr).toBe(0);
    const stored = await Db.open(db, { readonly: true });
    try {
      const rows = await stored.all<{ path: string }>('SELECT path FROM repositories ORDER BY id');
      expect(rows.map((r) => r.path)).toEqual(paths);
    } finally {
      await stored.close();
    }
    expect((await report(db)).git.commits).toBe(9);
  });

  it('collects another branch with --branch, replacing the previous branch of that clone', async () => {
    const r = repo();
    r.commit({ files: { 'x.txt': '1\n' } });
    r.git('checkout', '-q', '-b', 'topic');
    r.commit({ files: { 'y.txt': '1\n' } });
    r.commit({ files: { 'y.txt': '2\n' } });
    r.git('checkout', '-q', 'main');
    const db = join(tempDir(), 'dx.db');
    await runCli(['collect', 'git', r.path, '--db', db]);
    expect((await report(db)).git.commits).toBe(1);
    const topic = await runCli(['collect', 'git', r.path, '--db', db, '--branch', 'topic']);
    expect(topic.exitCode).toBe(0);
    expect((await report(db)).git.commits).toBe(3);
    const missing = await runCli(['collect', 'git', r.path, '--db', db, '--branch', 'nope']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/"nope" does not exist .* — list the branches/);
  });

  it('starts again when history was rewritten', async () => {
    const r = repo();
    r.commit({ files: { 'x.txt': '1\n' } });
    const second = r.commit({ files: { 'x.txt': '2\n' } });
    const db = join(tempDir(), 'dx.db');
    await runCli(['collect', 'git', r.path, '--db', db]);
    r.git('reset', '-q', '--hard', `${second}~1`);
    r.commit({ files: { 'z.txt': 'z\n' }, message: 'rewritten' });
    const result = await runCli(['collect', 'git', r.path, '--db', db, '--json']);
    expect(JSON.parse(result.stdout).repositories[0].mode).toBe('full');
    const json = await report(db);
    expect(json.git.commits).toBe(2);
    expect(json.git.files.map((f: { path: string }) => f.path).sort()).toEqual(['x.txt', 'z.txt']);
  });

  it('collects all branches with --all-branches', async () => {
    const r = repo();
    r.commit({ files: { 'x.txt': '1\n' } });
    r.git('checkout', '-q', '-b', 'side');
    r.commit({ files: { 'y.txt': '1\n' } });
    r.git('checkout', '-q', 'main');
    const db = join(tempDir(), 'dx.db');
    await runCli(['collect', 'git', r.path, '--db', db, '--all-branches']);
    expect((await report(db)).git.commits).toBe(2);
  });

  it('reads the analysed window only with --since at collection', async () => {
    const r = repo();
    r.commit({ files: { 'x.txt': '1\n' }, at: 1_600_000_000 });
    r.commit({ files: { 'x.txt': '2\n' }, at: 1_700_000_000 });
    const db = join(tempDir(), 'dx.db');
    await runCli(['collect', 'git', r.path, '--db', db, '--since', '2022-01-01']);
    expect((await report(db)).git.commits).toBe(1);
    // widening the window reads the older commits too (the report's default window is the 52 weeks up to the newest)
    const wider = await runCli(['collect', 'git', r.path, '--db', db, '--json', '--since', '2019-01-01']);
    expect(JSON.parse(wider.stdout).repositories[0].mode).toBe('full');
    expect((await report(db)).git.commits).toBe(1);
    expect((await report(db, '2019-01-01')).git.commits).toBe(2);
  });
});
