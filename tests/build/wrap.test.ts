import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { fixture, storedRuns } from './support.js';

let dir: string;
let dbPath: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = tempDir('dx-audit-wrap-');
  dbPath = join(dir, 'db', 'dx.db');
  env = { DX_AUDIT_DB: dbPath };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = process.execPath;

describe('dx-audit wrap', () => {
  it('passes stdout, stderr and the exit code through, and records the run', async () => {
    for (const code of [0, 3, 255]) {
      const result = await runCli(['wrap', '--', fixture('exit.sh'), String(code)], { cwd: dir, env });
      expect(result).toEqual({ exitCode: code, stdout: `out:${code}`, stderr: `err:${code}` });
    }
    const runs = await storedRuns(dbPath);
    expect(runs.map((r) => [r.mode, r.kind, r.outcome, r.exit_code, r.signal, r.repo_id, r.cwd])).toEqual([
      ['wrapped', 'build', 'success', 0, null, null, dir],
      ['wrapped', 'build', 'failure', 3, null, null, dir],
      ['wrapped', 'build', 'failure', 255, null, null, dir],
    ]);
    expect(JSON.parse(runs[1]!.argv)).toEqual([fixture('exit.sh'), '3']);
    for (const run of runs) expect(run.wall_seconds).toBeGreaterThan(0);
  });

  it('passes stdin through', async () => {
    const result = await runCli(['wrap', '--', node, fixture('upper-stdin.mjs')], {
      cwd: dir,
      env,
      stdin: 'pipe',
      input: 'hello, build\n',
    });
    expect(result).toEqual({ exitCode: 0, stdout: 'HELLO, BUILD', stderr: '' });
  });

  it('leaves every word after -- to the command, global options included', async () => {
    const args = ['--json', '--db', 'other.db', '-q', '--verbose', '--help', '--version', '--', 'x y', ''];
    const prefixes = [
      ['wrap'],
      ['--quiet', 'wrap', '--kind', 'test'],
      // not the short road: the full command line parses these
      ['--since', '30d', 'wrap', '--kind', 'test'],
      ['--config', 'none.json', 'wrap'],
    ];
    for (const prefix of prefixes) {
      const result = await runCli([...prefix, '--', node, fixture('print-args.mjs'), ...args], {
        cwd: dir,
        env,
      });
      if (prefix.includes('--config')) {
        // the full CLI path checks the config flag like every command does
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain('none.json does not exist');
        continue;
      }
      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(args);
    }
    expect(existsSync(join(dir, 'other.db'))).toBe(false);
    const last = (await storedRuns(dbPath)).at(-1)!;
    expect(last.kind).toBe('test');
  });

  it('reports a command killed by a signal as the shell would (128 + n), and records the signal', async () => {
    for (const [signal, status] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
      ['SIGKILL', 137],
    ] as const) {
      const script = (cmd: string) =>
        `${cmd} ${node} ${fixture('signal-self.mjs')} ${signal}; echo "status $?"`;
      const direct = await execa('sh', ['-c', script('')], { cwd: dir, reject: false });
      const wrapped = await execa('sh', ['-c', script(`${node} ${BIN} wrap --`)], {
        cwd: dir,
        reject: false,
        env,
      });
      expect(direct.stdout).toBe(`status ${status}`);
      expect(wrapped.stdout).toBe(`status ${status}`);
      const run = (await storedRuns(dbPath)).at(-1)!;
      expect([run.outcome, run.exit_code, run.signal]).toEqual(['signal', null, signal]);
    }
  });

  it('forwards SIGTERM and SIGINT to the command, which decides how to end', async () => {
    for (const [signal, code] of [
      ['SIGTERM', 43],
      ['SIGINT', 42],
    ] as const) {
      const child = execa(node, [BIN, 'wrap', '--', node, fixture('trap.mjs')], {
        cwd: dir,
        env,
        reject: false,
        stdin: 'ignore',
      });
      await new Promise<void>((ready) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) ready();
        });
      });
      child.kill(signal);
      const result = await child;
      expect(result.exitCode).toBe(code);
      expect(result.stdout).toBe(`ready\ngot ${signal}`);
      const run = (await storedRuns(dbPath)).at(-1)!;
      expect([run.outcome, run.exit_code]).toEqual(['failure', code]);
    }
  });

  it('says when the command does not exist (127, like a shell) and records nothing', async () => {
    const before = (await storedRuns(dbPath)).length;
    const result = await runCli(['wrap', '--', 'dx-audit-no-such-command'], { cwd: dir, env });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toBe('dx-audit: dx-audit-no-such-command: command not found (ENOENT)');
    expect(await storedRuns(dbPath)).toHaveLength(before);
  });

  it('asks for the command after --', async () => {
    for (const args of [['wrap'], ['wrap', 'make'], ['wrap', '--'], ['wrap', 'make', '--', 'make']]) {
      const result = await runCli(args, { cwd: dir, env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(
        'dx-audit: wrap needs the command to run after -- — e.g. `dx-audit wrap -- npm run build`',
      );
    }
  });

  it('records the repository, commit and branch when run inside a clone', async () => {
    const repo = new TestRepo();
    try {
      const sha = repo.commit();
      repo.write('sub/dir/file.txt', 'x\n');
      const result = await runCli(['wrap', '--', fixture('exit.sh'), '0'], {
        cwd: join(repo.path, 'sub', 'dir'),
        env,
      });
      expect(result.exitCode).toBe(0);
      const run = (await storedRuns(dbPath)).at(-1)!;
      expect([run.git_commit, run.git_branch, run.git_dirty]).toEqual([sha, 'main', null]);
      expect(run.repo_id).not.toBeNull();
    } finally {
      repo.remove();
    }
  });

  it('records 20 wraps that finish at the same moment', async () => {
    const many = tempDir('dx-audit-wrap-many-');
    const manyDb = join(many, 'dx.db');
    let release: number | null = null;
    try {
      const go = join(many, 'go');
      execFileSync('mkfifo', [go]);
      const children = Array.from({ length: 20 }, (_, i) =>
        execa(
          node,
          [BIN, 'wrap', '--', fixture('wait-line.sh'), join(many, `ready-${i}`), go, String(i % 3)],
          {
            cwd: many,
            env: { DX_AUDIT_DB: manyDb },
            reject: false,
            stdin: 'ignore',
          },
        ),
      );
      while (readdirSync(many).filter((n) => n.startsWith('ready-')).length < 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // one line per waiter, all at once; read and write open, so this open does not wait for a reader
      release = openSync(go, 'r+');
      writeSync(release, 'go\n'.repeat(20));
      const results = await Promise.all(children);
      expect(results.map((r) => r.exitCode)).toEqual(Array.from({ length: 20 }, (_, i) => i % 3));
      // wrap never opens the database: each record is one file in the pending folder
      const pendingDir = `${manyDb}.pending`;
      expect(existsSync(manyDb)).toBe(false);
      expect(readdirSync(pendingDir).filter((n) => n.endsWith('.json'))).toHaveLength(20);
      // the next command that opens the database takes them all in
      const report = await runCli(['report', '--format', 'json'], {
        cwd: many,
        env: { DX_AUDIT_DB: manyDb },
      });
      expect(report.exitCode).toBe(0);
      const runs = await storedRuns(manyDb, { pending: false });
      expect(runs).toHaveLength(20);
      expect(runs.filter((r) => r.outcome === 'failure').length).toBe(13);
      expect(new Set(runs.map((r) => r.exit_code))).toEqual(new Set([0, 1, 2]));
      expect(readdirSync(pendingDir)).toEqual([]);
    } finally {
      if (release !== null) closeSync(release);
      rmSync(many, { recursive: true, force: true });
    }
  });
});
