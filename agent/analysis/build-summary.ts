// builds.summary of the report (SPEC §5 "Local builds", §11): per repository,
// machine, command and kind, the statistics of successful runs; and for
// wrapped builds, the minutes per day developers spent waiting on them.
import type { Queryable } from '../store/db.js';
import { durationStats } from './build-stats.js';

/** One line of builds.summary. Durations in seconds, computed over successful runs only. */
export interface BuildSummaryRow {
  /** Repository name; the folder path for a wrapped command run outside any repository. */
  repo: string;
  command: string;
  /** warm | cold | wrapped */
  kind: 'warm' | 'cold' | 'wrapped';
  /** What was timed: build or test. */
  task: 'build' | 'test';
  /** Host name of the machine (timings from different machines are never pooled). */
  machine: string;
  /** Every recorded run, failed ones included. */
  runs: number;
  /** Runs that exited non-zero, were killed by a signal or timed out: counted, not averaged in. */
  failures: number;
  median: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation; null with fewer than two successful runs. */
  stddev: number | null;
  /**
   * The latest failed run (non-zero exit, signal or timeout) with the line of
   * its output that names the error; null when no run failed. A benchmark
   * whose runs all failed is a finding, not "no build timed yet".
   */
  lastFailure: BuildFailure | null;
}

/** A failed build run, as the report shows it. */
export interface BuildFailure {
  outcome: 'failure' | 'signal' | 'timeout' | 'not_started';
  /** null when it was killed by a signal or timed out. */
  exitCode: number | null;
  /** null when the run printed nothing (or its output was shown, not kept). */
  firstErrorLine: string | null;
  /** When the run started (ISO). */
  at: string;
}

/** Waiting on wrapped builds, per repository and machine. */
export interface WrappedPerDayRow {
  repo: string;
  machine: string;
  /** Wrapped runs, failed ones included (a failed build is waited on too). */
  runs: number;
  /** Days (UTC) with at least one wrapped run. */
  days: number;
  /** Total wall time of the wrapped runs, in minutes. */
  waitMinutes: number;
  /** waitMinutes / days. */
  minutesPerDay: number;
}

export interface BuildsSection {
  summary: BuildSummaryRow[];
  wrappedPerDay: WrappedPerDayRow[];
}

interface RunRow {
  repo_name: string | null;
  cwd: string;
  machine: string;
  command: string;
  mode: BuildSummaryRow['kind'];
  kind: BuildSummaryRow['task'];
  outcome: string;
  wall_seconds: number;
  started_at: string;
  exit_code: number | null;
  first_error_line: string | null;
}

/** The builds section for runs started inside the window. */
export async function buildsSection(
  q: Queryable,
  window: { since: Date | null; until: Date },
): Promise<BuildsSection> {
  const rows = await q.all<RunRow>(
    `SELECT r.name AS repo_name, b.cwd, m.hostname AS machine, b.command, b.mode, b.kind, b.outcome,
            b.wall_seconds, b.started_at, b.exit_code, b.first_error_line
       FROM build_runs b
       JOIN machines m ON m.id = b.machine_id
       LEFT JOIN repositories r ON r.id = b.repo_id
      WHERE b.started_at >= ? AND b.started_at <= ?
      ORDER BY b.started_at`,
    [window.since ? window.since.toISOString() : '', window.until.toISOString()],
  );
  const groups = new Map<string, RunRow[]>();
  const waits = new Map<string, RunRow[]>();
  for (const row of rows) {
    const repo = row.repo_name ?? row.cwd;
    push(groups, JSON.stringify([repo, row.machine, row.command, row.mode, row.kind]), row);
    if (row.mode === 'wrapped') push(waits, JSON.stringify([repo, row.machine]), row);
  }

  const summary: BuildSummaryRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const stats = durationStats(group.filter((r) => r.outcome === 'success').map((r) => r.wall_seconds));
    const failed = group.filter((r) => r.outcome !== 'success').at(-1);
    summary.push({
      repo: first.repo_name ?? first.cwd,
      command: first.command,
      kind: first.mode,
      task: first.kind,
      machine: first.machine,
      runs: group.length,
      failures: group.filter((r) => r.outcome !== 'success').length,
      median: stats.median,
      p90: stats.p90,
      min: stats.min,
      max: stats.max,
      mean: stats.mean,
      stddev: stats.stddev,
      lastFailure: failed
        ? {
            outcome: failed.outcome as BuildFailure['outcome'],
            exitCode: failed.exit_code,
            firstErrorLine: failed.first_error_line,
            at: failed.started_at,
          }
        : null,
    });
  }
  summary.sort(
    (a, b) =>
      compare(a.repo, b.repo) ||
      compare(a.machine, b.machine) ||
      compare(a.kind, b.kind) ||
      compare(a.task, b.task) ||
      compare(a.command, b.command),
  );

  const wrappedPerDay: WrappedPerDayRow[] = [];
  for (const group of waits.values()) {
    const first = group[0]!;
    const days = new Set(group.map((r) => r.started_at.slice(0, 10))).size;
    const waitMinutes = group.reduce((sum, r) => sum + r.wall_seconds, 0) / 60;
    wrappedPerDay.push({
      repo: first.repo_name ?? first.cwd,
      machine: first.machine,
      runs: group.length,
      days,
      waitMinutes,
      minutesPerDay: waitMinutes / days,
    });
  }
  wrappedPerDay.sort((a, b) => b.minutesPerDay - a.minutesPerDay || compare(a.repo, b.repo));
  return { summary, wrappedPerDay };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
