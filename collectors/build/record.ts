// The raw fact a timed build leaves behind: what ran, where, on which machine,
// and how it ended. Shared by `build`, `wrap`, the pending folder and the store;
// types only, so importing it costs nothing.

/** How a run ended. `not_started`: the command could not be executed at all. */
export type BuildOutcome = 'success' | 'failure' | 'signal' | 'timeout' | 'not_started';

/** warm: as is; cold: after a clean step; wrapped: a real build run through `dx-audit wrap`. */
export type BuildMode = 'warm' | 'cold' | 'wrapped';

export type BuildKind = 'build' | 'test';

/** The machine a run happened on. `id` is a stable fingerprint of the hardware and host. */
export interface MachineInfo {
  id: string;
  hostname: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  osRelease: string;
  arch: string;
  nodeVersion: string;
  /** Tool → version, for the tools the build uses (npm, make, cargo, ...). */
  tools: Record<string, string>;
}

/** The git state a run was measured at (null fields: unknown). */
export interface GitState {
  /** Absolute work-tree root; the repository is found or created by this path. */
  root: string;
  name: string;
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
}

/** One timed run, ready to store. */
export interface BuildRecord {
  /** Unique per run, generated when measured: makes re-ingestion idempotent. */
  runKey: string;
  cwd: string;
  /** The command as a user would type it. */
  command: string;
  argv: string[];
  kind: BuildKind;
  mode: BuildMode;
  outcome: BuildOutcome;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  wallSeconds: number;
  userSeconds: number | null;
  sysSeconds: number | null;
  peakRssBytes: number | null;
  startedAt: string;
  finishedAt: string;
  /** null when the command ran outside a git repository (possible with `wrap`). */
  git: GitState | null;
  machine: MachineInfo;
  /** The collection run of a `build` benchmark; null for `wrap`. */
  runId: number | null;
  /** For a failed run: the line of its output that names the error (absent in older spool files). */
  firstErrorLine?: string | null;
}

/**
 * The line of a failed build's output that says what went wrong: the first
 * line that reads as an error (compilers, make, npm, go, cargo, gradle all
 * print one), else the last line printed; null without output.
 */
export function firstErrorLine(output: string): string | null {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.find((line) =>
    /\b(error|fatal|failed|failure|cannot|undefined reference|not found|no such file|exception)\b/i.test(
      line,
    ),
  );
  const line = error ?? lines.at(-1) ?? null;
  return line === null ? null : line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
