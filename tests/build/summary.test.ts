import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../agent/analysis/analyse.js';
import { renderText } from '../../agent/render/text.js';
import { storeBuildRecords } from '../../agent/store/builds.js';
import { Db } from '../../agent/store/db.js';
import type { BuildRecord, MachineInfo } from '../../collectors/build/record.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/git-repo.js';

const laptop: MachineInfo = {
  id: 'laptop-id',
  hostname: 'laptop',
  cpuModel: 'M',
  cores: 8,
  memoryBytes: 16e9,
  os: 'darwin',
  osRelease: '24',
  arch: 'arm64',
  nodeVersion: 'v22',
  tools: { make: 'GNU Make 4.4' },
};
const desktop: MachineInfo = { ...laptop, id: 'desktop-id', hostname: 'desktop', cores: 32 };

let key = 0;
function run(
  partial: Partial<BuildRecord> & Pick<BuildRecord, 'mode' | 'wallSeconds' | 'startedAt'>,
): BuildRecord {
  key += 1;
  return {
    runKey: `run-${key}`,
    cwd: '/src/shop',
    command: 'make',
    argv: ['make'],
    kind: 'build',
    outcome: 'success',
    exitCode: 0,
    signal: null,
    timedOut: false,
    userSeconds: null,
    sysSeconds: null,
    peakRssBytes: null,
    finishedAt: partial.startedAt,
    git: { root: '/src/shop', name: 'shop', commit: 'abc', branch: 'main', dirty: false },
    machine: laptop,
    runId: null,
    ...partial,
  };
}

let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = tempDir('dx-audit-summary-');
  dbPath = join(dir, 'dx.db');
  const db = await Db.open(dbPath);
  const records: BuildRecord[] = [
    // warm on the laptop: 1 2 3 4 10 succeed, one failure of 100 s and one timeout
    ...[4, 10, 1, 3, 2].map((s, i) =>
      run({ mode: 'warm', wallSeconds: s, startedAt: `2026-03-02T10:0${i}:00.000Z` }),
    ),
    run({
      mode: 'warm',
      wallSeconds: 100,
      startedAt: '2026-03-02T11:00:00.000Z',
      outcome: 'failure',
      exitCode: 2,
    }),
    run({
      mode: 'warm',
      wallSeconds: 60,
      startedAt: '2026-03-02T11:30:00.000Z',
      outcome: 'timeout',
      timedOut: true,
      exitCode: null,
      signal: 'SIGKILL',
    }),
    // the same command on another machine is its own line
    run({ mode: 'warm', wallSeconds: 0.5, startedAt: '2026-03-02T12:00:00.000Z', machine: desktop }),
    // cold, a single run: no stddev
    run({ mode: 'cold', wallSeconds: 42, startedAt: '2026-03-02T13:00:00.000Z' }),
    // wrapped on two days: 60 + 120 s on the 3rd (the 120 s one failed), 180 s on the 4th → 6 min over 2 days;
    // statistics over 60 and 180: mean 120, stddev √((60² + 60²) / 1) = √7200, p90 60 + 0.9 · 120 = 168
    run({ mode: 'wrapped', wallSeconds: 60, startedAt: '2026-03-03T09:00:00.000Z' }),
    run({
      mode: 'wrapped',
      wallSeconds: 120,
      startedAt: '2026-03-03T15:00:00.000Z',
      outcome: 'failure',
      exitCode: 1,
      firstErrorLine: "src/main.c:3:1: error: expected ';' before '}' token",
    }),
    run({ mode: 'wrapped', wallSeconds: 180, startedAt: '2026-03-04T09:00:00.000Z' }),
    // outside the window
    run({ mode: 'wrapped', wallSeconds: 999, startedAt: '2026-01-01T09:00:00.000Z' }),
    // a wrapped test run outside any repository
    run({
      mode: 'wrapped',
      kind: 'test',
      wallSeconds: 30,
      startedAt: '2026-03-04T10:00:00.000Z',
      git: null,
      cwd: '/tmp/x',
      command: 'pytest',
    }),
  ];
  await db.transaction((tx) => storeBuildRecords(tx, records));
  // storing the same records again changes nothing
  expect(await db.transaction((tx) => storeBuildRecords(tx, records))).toBe(0);
  await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('builds section of the report', () => {
  it('summarises per repository, machine, command and kind, with failures counted apart', async () => {
    const db = await Db.open(dbPath);
    try {
      const report = await analyse(db, {
        since: new Date('2026-03-01T00:00:00Z'),
        until: new Date('2026-03-31T00:00:00Z'),
        now: new Date('2026-03-31T00:00:00Z'),
        detail: false,
        top: 10,
      });
      const base = { command: 'make', task: 'build' };
      expect(report.builds.summary).toEqual([
        {
          repo: '/tmp/x',
          command: 'pytest',
          kind: 'wrapped',
          task: 'test',
          machine: 'laptop',
          runs: 1,
          failures: 0,
          median: 30,
          p90: 30,
          min: 30,
          max: 30,
          mean: 30,
          stddev: null,
          lastFailure: null,
        },
        {
          repo: 'shop',
          ...base,
          kind: 'warm',
          machine: 'desktop',
          runs: 1,
          failures: 0,
          median: 0.5,
          p90: 0.5,
          min: 0.5,
          max: 0.5,
          mean: 0.5,
          stddev: null,
          lastFailure: null,
        },
        {
          repo: 'shop',
          ...base,
          kind: 'cold',
          machine: 'laptop',
          runs: 1,
          failures: 0,
          median: 42,
          p90: 42,
          min: 42,
          max: 42,
          mean: 42,
          stddev: null,
          lastFailure: null,
        },
        {
          repo: 'shop',
          ...base,
          kind: 'warm',
          machine: 'laptop',
          runs: 7,
          failures: 2,
          median: 3,
          p90: expect.closeTo(7.6, 12) as number,
          min: 1,
          max: 10,
          mean: 4,
          stddev: expect.closeTo(Math.sqrt(12.5), 12) as number,
          // the later of its two failures: the timeout at 11:30 (no exit code, nothing printed)
          lastFailure: {
            outcome: 'timeout',
            exitCode: null,
            firstErrorLine: null,
            at: '2026-03-02T11:30:00.000Z',
          },
        },
        {
          repo: 'shop',
          ...base,
          kind: 'wrapped',
          machine: 'laptop',
          runs: 3,
          failures: 1,
          median: 120,
          p90: 168,
          min: 60,
          max: 180,
          mean: 120,
          stddev: expect.closeTo(Math.sqrt(7200), 12) as number,
          lastFailure: {
            outcome: 'failure',
            exitCode: 1,
            firstErrorLine: "src/main.c:3:1: error: expected ';' before '}' token",
            at: '2026-03-03T15:00:00.000Z',
          },
        },
      ]);
      const text = renderText({
        ...report,
        repositories: [{ name: 'shop', path: '/src/shop', github: null }],
      });
      expect(text).toContain('  shop on laptop, warm build: median 3.0, p90 7.6 (7 runs, 2 failed) — make\n');
      expect(text).toContain(
        '  waiting on wrapped builds: 3.0 min/day in shop on laptop (3 runs over 2 days)\n',
      );
      expect(report.builds.wrappedPerDay).toEqual([
        { repo: 'shop', machine: 'laptop', runs: 3, days: 2, waitMinutes: 6, minutesPerDay: 3 },
        { repo: '/tmp/x', machine: 'laptop', runs: 1, days: 1, waitMinutes: 0.5, minutesPerDay: 0.5 },
      ]);
    } finally {
      await db.close();
    }
  });

  it('is in `report --format json`, empty lists when nothing was timed', async () => {
    const result = await runCli(
      ['report', '--format', 'json', '--since', '2026-03-04', '--until', '2026-03-05'],
      {
        cwd: dir,
        env: { DX_AUDIT_DB: dbPath },
      },
    );
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { builds: { summary: { repo: string; runs: number }[] } };
    expect(report.builds.summary.map((s) => [s.repo, s.runs])).toEqual([
      ['/tmp/x', 1],
      ['shop', 1],
    ]);
    const empty = tempDir('dx-audit-summary-empty-');
    try {
      const none = await runCli(['report', '--format', 'json'], {
        cwd: empty,
        env: { DX_AUDIT_DB: join(empty, 'dx.db') },
      });
      expect(JSON.parse(none.stdout).builds).toEqual({ summary: [], wrappedPerDay: [] });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
