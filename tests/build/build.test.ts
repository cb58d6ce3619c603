import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { removeOutputFolders } from '../../collectors/build/clean.js';
import { BIN, runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { fixture, running, storedRuns } from './support.js';

const node = process.execPath;
let work: string;
let dbPath: string;
let env: Record<string, string>;
let repo: TestRepo;
let sha: string;

beforeAll(() => {
  work = tempDir('dx-audit-build-');
  dbPath = join(work, 'dx.db');
  env = { DX_AUDIT_DB: dbPath };
  repo = new TestRepo();
  sha = repo.commit({ files: { 'README.md': '# app\n' } });
});
afterAll(() => {
  repo.remove();
  rmSync(work, { recursive: true, force: true });
});

interface BuildJson {
  command: string;
  kind: string;
  mode: string;
  reason: string;
  failures: number;
  timeouts: number;
  runs: { run: number; warmup: boolean; outcome: string; exitCode: number | null; wall: number }[];
  stats: { n: number; median: number | null; mean: number | null; min: number | null; max: number | null };
  repository: { commit: string; branch: string; dirty: boolean };
}

describe('dx-audit build', () => {
  it('times the command N times after warm-up, stores each run with its git state and machine', async () => {
    const result = await runCli(
      ['build', repo.path, '--runs', '3', '--warmup', '1', '--json', '--', fixture('sleep.sh'), '30'],
      { cwd: work, env },
    );
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as BuildJson;
    expect(json.reason).toBe('the command given after --');
    expect([json.mode, json.kind, json.failures, json.stats.n]).toEqual(['warm', 'build', 0, 3]);
    expect(json.runs.map((r) => [r.run, r.outcome, r.exitCode])).toEqual([
      [1, 'success', 0],
      [2, 'success', 0],
      [3, 'success', 0],
    ]);
    const walls = json.runs.map((r) => r.wall).sort((a, b) => a - b);
    expect(json.stats.median).toBe(walls[1]);
    expect(json.stats.min).toBe(walls[0]);
    expect(json.stats.max).toBe(walls[2]);
    expect(json.repository).toMatchObject({ commit: sha, branch: 'main', dirty: false });

    const runs = await storedRuns(dbPath);
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run).toMatchObject({
        mode: 'warm',
        kind: 'build',
        outcome: 'success',
        exit_code: 0,
        git_commit: sha,
        git_branch: 'main',
        git_dirty: 0,
      });
      expect(run.run_id).not.toBeNull();
      expect(run.wall_seconds).toBeGreaterThanOrEqual(0.03);
    }
    expect(runs.map((r) => r.wall_seconds).sort((a, b) => a - b)).toEqual(walls);

    const db = await Db.open(dbPath);
    try {
      const machines = await db.all<{
        id: string;
        cores: number;
        memory_bytes: number;
        node_version: string;
        tools: string;
      }>('SELECT id, cores, memory_bytes, node_version, tools FROM machines');
      expect(machines).toHaveLength(1);
      expect(machines[0]).toMatchObject({
        id: runs[0]!.machine_id,
        cores: cpus().length,
        memory_bytes: totalmem(),
      });
      expect(machines[0]!.node_version).toBe(process.version);
      expect(JSON.parse(machines[0]!.tools)['git']).toMatch(/^git version \d/);
    } finally {
      await db.close();
    }
  });

  it('records failed runs and leaves them out of the statistics', async () => {
    const counter = join(work, 'flaky-count');
    const result = await runCli(
      ['build', repo.path, '--runs', '4', '--warmup', '0', '--json', '--', fixture('flaky.sh'), counter],
      { cwd: work, env },
    );
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout) as BuildJson;
    expect(json.runs.map((r) => [r.outcome, r.exitCode])).toEqual([
      ['success', 0],
      ['failure', 5],
      ['success', 0],
      ['failure', 5],
    ]);
    const ok = json.runs.filter((r) => r.outcome === 'success').map((r) => r.wall);
    expect(json.failures).toBe(2);
    expect(json.stats.n).toBe(2);
    expect(json.stats.mean).toBeCloseTo((ok[0]! + ok[1]!) / 2, 12);
    expect(result.stderr).toContain(
      'dx-audit: 2 of 4 runs failed (run 2 exited with 5); they are stored but not in the statistics',
    );
  });

  it('flags a run far from the others as an outlier', async () => {
    const counter = join(work, 'slow-third-count');
    const command = ['--', fixture('slow-third.sh'), counter];
    const text = await runCli(['build', repo.path, '--runs', '5', '--warmup', '0', ...command], {
      cwd: work,
      env,
    });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(
      /\n {2}Warning: statistical outliers? in run (\d+, )*3(, \d+)* \(median absolute deviation\)/,
    );
    rmSync(counter);
    const json = await runCli(['build', repo.path, '--runs', '5', '--warmup', '0', '--json', ...command], {
      cwd: work,
      env,
    });
    const parsed = JSON.parse(json.stdout) as { outliers: number[]; stats: { max: number } };
    expect(parsed.outliers).toContain(3);
    expect(parsed.stats.max).toBeGreaterThanOrEqual(1);
  });

  it('prints hyperfine-like statistics on a terminal-less run too', async () => {
    const result = await runCli(
      ['build', repo.path, '--runs', '2', '--warmup', '0', '--', fixture('exit.sh'), '0'],
      {
        cwd: work,
        env,
      },
    );
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`Benchmark: ${fixture('exit.sh')} 0  (warm build)`);
    expect(lines[1]).toMatch(/^ {2}Time \(mean ± σ\): +[\d.]+ m?s ± [\d.]+ m?s/);
    expect(lines[2]).toMatch(/^ {2}Time \(median, p90\): +[\d.]+ m?s, [\d.]+ m?s$/);
    expect(lines[3]).toMatch(/^ {2}Range \(min … max\): +[\d.]+ m?s … [\d.]+ m?s +2 successful runs$/);
    // the build's own output is kept out of the statistics
    expect(result.stdout).not.toContain('out:0');
  });

  it('kills a hung build with its whole process tree and records a timeout', async () => {
    const pids = join(work, 'hang-pids.json');
    const result = await runCli(
      [
        'build',
        repo.path,
        '--runs',
        '3',
        '--warmup',
        '0',
        '--timeout',
        '2',
        '--json',
        '--',
        node,
        fixture('hang.mjs'),
        pids,
      ],
      { cwd: work, env },
    );
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout) as BuildJson;
    expect(json.runs.map((r) => r.outcome)).toEqual(['timeout']);
    expect(json.timeouts).toBe(1);
    expect(result.stderr).toContain('run 1 timed out; the remaining runs are skipped');
    expect(result.stderr).toContain(
      '1 of 1 run failed (run 1 hung past --timeout 2 s and was killed with its process tree)',
    );
    const [parent, child] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    expect([running(parent!), running(child!)]).toEqual([false, false]);
    const last = (await storedRuns(dbPath)).at(-1)!;
    expect([last.outcome, last.timed_out, last.exit_code, last.signal]).toEqual([
      'timeout',
      1,
      null,
      'SIGTERM',
    ]);
  });

  it('on Ctrl-C kills the running build with its tree, keeps the stored runs and exits 130', async () => {
    const pids = join(work, 'interrupt-pids.json');
    const child = execa(
      node,
      [BIN, 'build', repo.path, '--runs', '2', '--warmup', '0', '--', node, fixture('hang.mjs'), pids],
      { cwd: work, env: { DX_AUDIT_DB: dbPath }, reject: false, stdin: 'ignore' },
    );
    while (!existsSync(pids)) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr).trim().split('\n').at(-1)).toBe(
      'dx-audit: interrupted by SIGINT; everything committed so far is kept — run the same command again to resume',
    );
    const [parent, grandchild] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    expect([running(parent!), running(grandchild!)]).toEqual([false, false]);
    const db = await Db.open(dbPath);
    try {
      const last = await db.get<{ status: string }>(
        "SELECT status FROM collection_runs WHERE source = 'build' ORDER BY id DESC LIMIT 1",
      );
      expect(last?.status).toBe('interrupted');
    } finally {
      await db.close();
    }
  });

  it('runs the clean step before every run with --cold', async () => {
    const log = join(work, 'cold.log');
    const make = new TestRepo();
    try {
      make.commit({
        files: { Makefile: `all:\n\t@echo build >> ${log}\nclean:\n\t@echo clean >> ${log}\n` },
      });
      const result = await runCli(['build', make.path, '--cold', '--runs', '2', '--warmup', '1', '--json'], {
        cwd: work,
        env,
      });
      expect(result.exitCode).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe('clean\nbuild\nclean\nbuild\nclean\nbuild\n');
      expect(result.stderr).toContain('clean step before each run: the "clean" target of Makefile');
      const json = JSON.parse(result.stdout) as BuildJson;
      expect([json.command, json.mode, json.reason]).toEqual([
        'make',
        'cold',
        'Makefile (its default target)',
      ]);

      rmSync(log);
      const given = await runCli(
        [
          'build',
          make.path,
          '--cold',
          '--clean',
          `echo mine >> ${log}`,
          '--runs',
          '1',
          '--warmup',
          '0',
          '--',
          'make',
        ],
        { cwd: work, env },
      );
      expect(given.exitCode).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe('mine\nbuild\n');
    } finally {
      make.remove();
    }
  });

  it('takes the commands of the config file, and times tests with --kind test', async () => {
    const configDir = tempDir('dx-audit-build-config-');
    const log = join(configDir, 'log');
    try {
      const file = join(configDir, 'dx-audit.config.json');
      writeFileSync(
        file,
        JSON.stringify({ build: { command: `echo build >> ${log}`, testCommand: `echo test >> ${log}` } }),
      );
      for (const kind of ['build', 'test']) {
        const result = await runCli(
          ['build', repo.path, '--kind', kind, '--runs', '1', '--warmup', '0', '--json'],
          {
            cwd: configDir,
            env,
          },
        );
        expect(result.exitCode).toBe(0);
        const json = JSON.parse(result.stdout) as BuildJson;
        expect([json.kind, json.command, json.reason]).toEqual([
          kind,
          `echo ${kind} >> ${log}`,
          `build.${kind === 'build' ? 'command' : 'testCommand'} in ${file}`,
        ]);
      }
      expect(readFileSync(log, 'utf8')).toBe('build\ntest\n');
      const runs = await storedRuns(dbPath);
      expect(runs.slice(-2).map((r) => [r.kind, r.command])).toEqual([
        ['build', `echo build >> ${log}`],
        ['test', `echo test >> ${log}`],
      ]);
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  });

  it('refuses a cold build without a known clean step, and a failing clean step', async () => {
    const noClean = await runCli(['build', repo.path, '--cold', '--', 'true'], { cwd: work, env });
    expect(noClean.exitCode).toBe(2);
    expect(noClean.stderr).toBe(
      'dx-audit: no safe clean step is known for `true` — pass one with --clean CMD (e.g. --clean "make clean"), or set build.clean in the config',
    );
    const failing = await runCli(
      ['build', repo.path, '--cold', '--clean', 'echo nope >&2; exit 3', '--', 'true'],
      {
        cwd: work,
        env,
      },
    );
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain(
      'dx-audit: the clean step `echo nope >&2; exit 3` exited with 3: nope — fix it, or pass a working one with --clean CMD',
    );
  });

  it('rejects bad input with one line and exit 2, storing nothing', async () => {
    const before = (await storedRuns(dbPath)).length;
    const plain = tempDir('dx-audit-plain-');
    const bare = new TestRepo();
    try {
      const cases: [string[], string][] = [
        [
          ['build', repo.path, '--runs', '0', '--', 'true'],
          'dx-audit: --runs "0" must be a whole number ≥ 1 — e.g. --runs 5',
        ],
        [
          ['build', repo.path, '--runs', 'many', '--', 'true'],
          'dx-audit: --runs "many" must be a whole number ≥ 1 — e.g. --runs 5',
        ],
        [
          ['build', repo.path, '--timeout', '-1', '--', 'true'],
          'dx-audit: --timeout "-1" is not a number of seconds > 0 — e.g. --timeout 1800',
        ],
        [
          ['build', plain, '--', 'true'],
          `dx-audit: ${plain} is not a git repository — build times the build of a repository: pass the folder of a clone, or time any command with \`dx-audit wrap -- CMD\``,
        ],
        [
          ['build', bare.path],
          `dx-audit: no known build system in ${bare.path} (looked for package.json scripts, Makefile, gradlew/build.gradle, pom.xml, Cargo.toml, go.mod, *.sln/*.csproj, pyproject.toml/setup.py) — pass the command after --, e.g. \`dx-audit build -- ./build.sh\``,
        ],
        [
          ['build', repo.path, '--', 'dx-audit-no-such-tool'],
          'dx-audit: cannot run `dx-audit-no-such-tool`: command not found — install it or put it on PATH, or pass another command after --',
        ],
      ];
      for (const [args, line] of cases) {
        const result = await runCli(args, { cwd: work, env });
        expect(result.exitCode, args.join(' ')).toBe(2);
        expect(result.stderr.trim().split('\n').at(-1)).toBe(line);
      }
    } finally {
      rmSync(plain, { recursive: true, force: true });
      bare.remove();
    }
    expect(await storedRuns(dbPath)).toHaveLength(before);
  });
});

describe('safe clean of output folders', () => {
  it('removes only folders git ignores and that hold no tracked file', async () => {
    const r = new TestRepo();
    try {
      r.commit({ files: { '.gitignore': 'dist/\nout/\n', 'src/index.js': 'x\n' } });
      for (const folder of ['dist', 'out', 'build', 'src']) {
        mkdirSync(join(r.path, folder), { recursive: true });
        writeFileSync(join(r.path, folder, 'generated.js'), 'y\n');
      }
      r.git('add', '-f', 'out/generated.js');
      const result = await removeOutputFolders(r.path, ['dist', 'out', 'build', 'src', '.next']);
      expect(result).toEqual({
        removed: ['dist'],
        kept: [
          'out (holds files tracked by git)',
          'build (not ignored by git, so it may hold source)',
          'src (holds files tracked by git)',
        ],
      });
      expect(existsSync(join(r.path, 'dist'))).toBe(false);
      expect(existsSync(join(r.path, 'build', 'generated.js'))).toBe(true);
      expect(existsSync(join(r.path, 'src', 'generated.js'))).toBe(true);
    } finally {
      r.remove();
    }
  });
});
