import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import {
  ingestPending,
  ingestPendingBuilds,
  listPending,
  writePending,
} from '../../collectors/build/pending.js';
import type { BuildRecord } from '../../collectors/build/record.js';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { fixture, storedRuns } from './support.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function folder(): string {
  const dir = tempDir('dx-audit-pending-');
  folders.push(dir);
  return dir;
}

function record(runKey: string, wallSeconds: number): BuildRecord {
  return {
    runKey,
    cwd: '/src/app',
    command: 'make',
    argv: ['make'],
    kind: 'build',
    mode: 'wrapped',
    outcome: 'success',
    exitCode: 0,
    signal: null,
    timedOut: false,
    wallSeconds,
    userSeconds: null,
    sysSeconds: null,
    peakRssBytes: null,
    startedAt: '2026-01-05T10:00:00.000Z',
    finishedAt: '2026-01-05T10:01:00.000Z',
    git: null,
    machine: {
      id: 'm1',
      hostname: 'box',
      cpuModel: 'cpu',
      cores: 2,
      memoryBytes: 1024,
      os: 'linux',
      osRelease: '6',
      arch: 'x64',
      nodeVersion: 'v20',
      tools: {},
    },
    runId: null,
  };
}

describe('pending build records', () => {
  it('ingests each pending record once, even when offered twice', async () => {
    const dir = folder();
    const dbPath = join(dir, 'dx.db');
    writePending(dbPath, [record('a', 1), record('b', 2)]);
    writePending(dbPath, [record('a', 1)]); // the same run again, as after a crash mid-ingestion
    writeFileSync(join(`${dbPath}.pending`, 'broken.json'), '{"format": 1, "rec');
    writeFileSync(
      join(`${dbPath}.pending`, 'odd.json'),
      JSON.stringify({ format: 1, records: [{ runKey: 'c' }] }),
    );
    expect(listPending(dbPath)).toHaveLength(4);
    const db = await Db.open(dbPath, { pending: false });
    try {
      expect(await ingestPending(db, dbPath)).toEqual({ files: 2, records: 2 });
      expect(await ingestPending(db, dbPath)).toEqual({ files: 0, records: 0 });
      const rows = await db.all<{ run_key: string; wall_seconds: number }>(
        'SELECT run_key, wall_seconds FROM build_runs ORDER BY run_key',
      );
      expect(rows).toEqual([
        { run_key: 'a', wall_seconds: 1 },
        { run_key: 'b', wall_seconds: 2 },
      ]);
    } finally {
      await db.close();
    }
    // unreadable files are set aside, not retried forever and not deleted
    expect(readdirSync(`${dbPath}.pending`).sort()).toEqual(['broken.json.bad', 'odd.json.bad']);
  });

  it('is taken in by the explicit ingestion step, only once, and not by opening the database', async () => {
    const dir = folder();
    const dbPath = join(dir, 'dx.db');
    writePending(dbPath, [record('a', 1), record('b', 2)]);
    writePending(dbPath, [record('a', 1)]);
    // opening alone (as `collect git` does) leaves them waiting
    await (await Db.open(dbPath)).close();
    expect(listPending(dbPath)).toHaveLength(2);
    expect((await storedRuns(dbPath)).map((r) => [r.command, r.wall_seconds])).toEqual([
      ['make', 1],
      ['make', 2],
    ]);
    expect(listPending(dbPath)).toEqual([]);
    // a read-only open leaves them waiting
    writePending(dbPath, [record('c', 3)]);
    const readonly = await Db.open(dbPath, { readonly: true });
    await readonly.close();
    expect(listPending(dbPath)).toHaveLength(1);
    expect(await storedRuns(dbPath, { pending: false })).toHaveLength(2);
  });

  it('is taken in by every command that reads build runs', async () => {
    const repo = new TestRepo();
    try {
      repo.commit();
      const dir = folder();
      const commands = [
        ['report', '--format', 'json'],
        ['report', '--format', 'md', '--out', join(dir, 'weekly.md')],
        ['dashboard', '--out', join(dir, 'dashboard.html')],
        ['audit', repo.path, '--no-build', '--no-github', '--quiet'],
        ['build', repo.path, '--runs', '1', '--warmup', '0', '--', 'true'],
      ];
      for (const [index, args] of commands.entries()) {
        const dbPath = join(dir, `dx-${index}.db`);
        writePending(dbPath, [record(`run-${index}`, 5)]);
        const result = await runCli(args, { cwd: dir, env: { DX_AUDIT_DB: dbPath } });
        expect([args[0], result.exitCode]).toEqual([args[0], 0]);
        const keys = (await storedRuns(dbPath, { pending: false })).map((r) => [r.mode, r.wall_seconds]);
        expect([args.join(' '), keys.filter(([mode]) => mode === 'wrapped')]).toEqual([
          args.join(' '),
          [['wrapped', 5]],
        ]);
        expect(listPending(dbPath)).toEqual([]);
      }
    } finally {
      repo.remove();
    }
  });

  it('waits in the pending folder while the database is locked, and the wrapped command is unaffected', async () => {
    const dir = folder();
    const dbPath = join(dir, 'dx.db');
    const env = { DX_AUDIT_DB: dbPath };
    expect((await runCli(['wrap', '--', 'true'], { cwd: dir, env })).exitCode).toBe(0);
    expect(await storedRuns(dbPath)).toHaveLength(1);

    const locker = execa(process.execPath, [fixture('hold-lock.mjs'), dbPath], {
      stdin: 'pipe',
      reject: false,
    });
    await new Promise<void>((locked) => {
      locker.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) locked();
      });
    });
    try {
      const result = await runCli(['wrap', '--', fixture('exit.sh'), '7'], {
        cwd: dir,
        env,
      });
      expect(result).toEqual({ exitCode: 7, stdout: 'out:7', stderr: 'err:7' });
      expect(listPending(dbPath)).toHaveLength(1);
      // ingesting while another process writes neither fails nor drops the record
      const db = await Db.open(dbPath, { readonly: false });
      expect(await ingestPendingBuilds(db)).toEqual({ files: 0, records: 0 });
      await db.close();
      expect(listPending(dbPath)).toHaveLength(1);
    } finally {
      locker.stdin?.end();
      await locker;
    }
    expect(await storedRuns(dbPath, { pending: false })).toHaveLength(1);

    // the next command that opens the database takes the pending record in
    expect((await runCli(['report', '--format', 'json'], { cwd: dir, env })).exitCode).toBe(0);
    const runs = await storedRuns(dbPath, { pending: false });
    expect(runs.map((r) => [r.outcome, r.exit_code])).toEqual([
      ['success', 0],
      ['failure', 7],
    ]);
    expect(listPending(dbPath)).toEqual([]);
  });

  it('falls back to the temp folder when the database folder cannot be written, and never fails the build', async () => {
    const tmp = folder();
    const dbPath = '/dev/null/dx-audit/dx.db'; // a folder inside a file: never creatable
    const cmd = ['wrap', '--', fixture('exit.sh'), '4'];
    const kept = await runCli(cmd, { cwd: tmp, env: { DX_AUDIT_DB: dbPath, TMPDIR: tmp } });
    expect(kept).toEqual({ exitCode: 4, stdout: 'out:4', stderr: 'err:4' });
    const fallback = join(tmp, 'dx-audit-pending');
    expect(readdirSync(fallback)).toHaveLength(1);
    expect(readdirSync(join(fallback, readdirSync(fallback)[0]!))).toHaveLength(1);

    const lost = await runCli(cmd, { cwd: tmp, env: { DX_AUDIT_DB: dbPath, TMPDIR: '/dev/null/tmp' } });
    expect(lost.exitCode).toBe(4);
    expect(lost.stdout).toBe('out:4');
    expect(lost.stderr).toMatch(
      /^err:4\ndx-audit: could not record this build \(.*\); its result is unchanged$/,
    );
  });

  it('keeps the record when the database is not a database at all', async () => {
    const dir = folder();
    const dbPath = join(dir, 'dx.db');
    writeFileSync(dbPath, 'this is not sqlite, and it stays untouched'.repeat(200));
    const result = await runCli(['wrap', '--', fixture('exit.sh'), '0'], {
      cwd: dir,
      env: { DX_AUDIT_DB: dbPath },
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'out:0', stderr: 'err:0' });
    expect(listPending(dbPath)).toHaveLength(1);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });
});
