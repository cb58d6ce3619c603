// The collection state every output reports: complete, interrupted (also a run
// left `running` by a process that died) or failed, per repository and source.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../agent/render/escape.js';
import { escapeMarkdown } from '../../agent/render/markdown.js';
import { collectionStates } from '../../agent/store/collection.js';
import { Db } from '../../agent/store/db.js';
import { BIN, runCli } from '../support/cli.js';
import { longHistory } from '../support/fast-import.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

function count(file: string): Promise<number> {
  return new Promise((ok) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return ok(0);
      db.get('SELECT COUNT(*) AS n FROM git_commits', (error, row: { n: number } | undefined) => {
        db.close();
        ok(error ? 0 : (row?.n ?? 0));
      });
    });
  });
}

async function states(file: string) {
  const db = await Db.open(file, { readonly: true });
  try {
    return await collectionStates(db);
  } finally {
    await db.close();
  }
}

async function runRow(file: string, id: number) {
  const db = await Db.open(file, { readonly: true });
  try {
    return await db.get<{ started_at: string; finished_at: string | null; status: string }>(
      'SELECT started_at, finished_at, status FROM collection_runs WHERE id = ?',
      [id],
    );
  } finally {
    await db.close();
  }
}

/** Three batches of `collect git`: the first is stored long before the last. */
const COMMITS = 12_000;

describe('collection states', () => {
  it('kill -9 during `collect git`: interrupted, with the command that finishes it; complete after it', async () => {
    const r = longHistory(COMMITS);
    cleanup.push(() => r.remove());
    const file = join(tempDir(), 'dx.db');
    const child = spawn(process.execPath, [BIN, 'collect', 'git', r.path, '--db', file], {
      stdio: 'ignore',
      env: { ...process.env, DX_AUDIT_DB: '' },
    });
    const exited = new Promise<NodeJS.Signals | null>((ok) =>
      child.on('close', (_code, signal) => ok(signal)),
    );
    for (let i = 0; i < 2000 && (await count(file)) === 0; i += 1)
      await new Promise((ok) => setTimeout(ok, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const stored = await count(file);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(COMMITS);
    // the dead process left its run `running`
    const row = await runRow(file, 1);
    expect(row).toMatchObject({ status: 'running', finished_at: null });
    expect(await states(file)).toEqual([
      {
        repo: r.path,
        source: 'git',
        state: 'interrupted',
        at: row!.started_at,
        note: `collection of ${r.path} (git) was interrupted at ${row!.started_at}; run \`dx-audit collect git ${r.path}\` again to finish`,
      },
    ]);
    // every output says so, with the command that finishes it: text, Markdown, HTML, JSON and the dashboard
    const note = `collection of ${r.path} (git) was interrupted at ${row!.started_at}; run \`dx-audit collect git ${r.path}\` again to finish`;
    const out = async (args: string[]) => {
      const result = await runCli([...args, '--db', file]);
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout;
    };
    expect(await out(['report', '--format', 'text'])).toContain(`Partial data: ${note}`);
    expect(await out(['report', '--format', 'md'])).toContain(`> **Partial data:** ${escapeMarkdown(note)}`);
    const partialHtml = `<p class="partial"><strong>Partial data:</strong> ${escapeHtml(note)}</p>`;
    expect(await out(['report', '--format', 'html'])).toContain(partialHtml);
    expect(await out(['dashboard', '--out', '-'])).toContain(partialHtml);
    expect(JSON.parse(await out(['report', '--format', 'json'])).collection).toEqual(await states(file));
    const again = await runCli(['collect', 'git', r.path, '--db', file, '--quiet']);
    expect(again.exitCode).toBe(0);
    expect(await count(file)).toBe(COMMITS);
    const second = await runRow(file, 2);
    expect(await states(file)).toEqual([
      { repo: r.path, source: 'git', state: 'complete', at: second!.finished_at, note: null },
    ]);
  }, 180_000);

  it('a failed collection is failed with git’s reason; a live run does not hide the finished one', async () => {
    const r = new TestRepo();
    cleanup.push(() => r.remove());
    r.commit({ files: { 'f.txt': 'a\n' } });
    const blob = r.git('rev-parse', 'HEAD:f.txt');
    r.commit({ files: { 'f.txt': 'b\n' } });
    const file = join(tempDir(), 'dx.db');
    expect((await runCli(['collect', 'git', r.path, '--db', file, '--quiet'])).exitCode).toBe(0);
    r.commit({ files: { 'f.txt': 'c\n' } });
    rmSync(join(r.path, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    // the incremental walk only reads the new commit; a full one is needed to meet the missing blob
    expect(
      (await runCli(['collect', 'git', r.path, '--db', file, '--quiet', '--all-branches'])).exitCode,
    ).toBe(1);
    const failedRow = await runRow(file, 2);
    expect(failedRow?.status).toBe('failed');
    expect(await states(file)).toEqual([
      {
        repo: r.path,
        source: 'git',
        state: 'failed',
        at: failedRow!.finished_at,
        note: `collection of ${r.path} (git) failed at ${failedRow!.finished_at} (the clone at ${r.path} is broken: git cannot read some of its objects (fatal: unable to read ${blob})); run \`dx-audit collect git ${r.path}\` again once that is fixed`,
      },
    ]);

    // a run of a live process (this one) and of a dead one (a finished child) on other scopes
    const dead = spawnSync('true');
    const db = await Db.open(file);
    const insert = (scope: string, source: string, pid: number, started: string) =>
      db.transaction((tx) =>
        tx.run(
          "INSERT INTO collection_runs (source, scope, started_at, status, detail) VALUES (?, ?, ?, 'running', ?)",
          [source, scope, started, JSON.stringify({ pid, host: hostname() })],
        ),
      );
    await db.transaction(async (tx) => {
      // the repository a GitHub collection creates (states are shown for repositories the database holds)
      await tx.run(
        "INSERT INTO repositories (name, github, created_at) VALUES ('r', 'o/r', '2026-01-01T00:00:00.000Z')",
      );
      await tx.run(
        "INSERT INTO collection_runs (source, scope, started_at, finished_at, status, detail) VALUES ('github', 'o/r', '2026-01-01T00:00:00.000Z', '2026-01-01T00:05:00.000Z', 'done', '{}')",
      );
    });
    await insert('o/r', 'github', process.pid, '2026-01-02T00:00:00.000Z');
    await insert('/x', 'build', dead.pid, '2026-01-03T00:00:00.000Z');
    await insert('/y', 'build', process.pid, '2026-01-04T00:00:00.000Z');
    await db.close();
    const all = await states(file);
    expect(all.filter((s) => s.repo !== r.path)).toEqual([
      {
        repo: '/x',
        source: 'builds',
        state: 'interrupted',
        at: '2026-01-03T00:00:00.000Z',
        note: 'build timing of /x was interrupted at 2026-01-03T00:00:00.000Z; run `dx-audit build /x` again to finish',
      },
      {
        repo: '/y',
        source: 'builds',
        state: 'interrupted',
        at: '2026-01-04T00:00:00.000Z',
        note: `build timing of /y is still running (process ${process.pid}, started 2026-01-04T00:00:00.000Z); its data is partial until it finishes`,
      },
      // the live run of o/r leaves the finished one in charge
      { repo: 'o/r', source: 'github', state: 'complete', at: '2026-01-01T00:05:00.000Z', note: null },
    ]);
  });
});
