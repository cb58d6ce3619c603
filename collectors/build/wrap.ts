// Passive build tracking: runs a developer's real command exactly as if it were
// run directly (same stdio, same exit status, signals forwarded) and records
// how long it took. Only the runner is loaded before the command starts; the
// recording code loads while the command runs. The record goes to the pending
// spool (one small file), never to the database: SQLite is not loaded at all,
// and the next command that opens the database takes the record in.
// Also compiled to CommonJS for the short road (see agent/wrap-entry.ts).
import type { BuildKind, BuildRecord, GitState, MachineInfo } from './record.js';
import { shellStatus, signalNumber, type TimedProcess, timeProcess } from './runner.js';

/** Signals a terminal or a supervisor sends to stop a build; forwarded to the wrapped command. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Signals a terminal's keyboard sends to the whole foreground process group.
 * The command shares our group, so on a terminal it has its own copy already;
 * sending a second would turn one Ctrl-C into two for tools that treat a
 * second Ctrl-C as "force quit".
 */
const FROM_KEYBOARD = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT']);

/** Signals this process re-raises on itself, so its parent sees the command's own death. */
const RERAISED = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGPIPE']);

export interface WrapOptions {
  cwd: string;
  dbPath: string;
  kind: BuildKind;
}

export interface WrapResult {
  run: TimedProcess;
  /** The status a shell would report for the command (code, 128 + signal, 127 not found, 126 not executable). */
  status: number;
  /** The pending file holding the record; null when the command could not be started or nothing could be written. */
  spooled: string | null;
  /** Why the record was lost: no pending folder was writable. */
  saveError: unknown;
}

/** Runs the command with inherited stdio, forwarding stop signals, then records it. */
export async function wrapCommand(argv: readonly string[], options: WrapOptions): Promise<WrapResult> {
  // This process now belongs to the wrapped command: a Ctrl-C is the command's to handle.
  const previous = new Map(FORWARDED.map((signal) => [signal, process.listeners(signal)]));
  for (const signal of FORWARDED) process.removeAllListeners(signal);
  let forward: ((signal: NodeJS.Signals) => void) | null = null;
  // asked when a signal comes, not before: node:tty costs start-up time for every build
  let onTerminal: boolean | undefined;
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      onTerminal ??= onATerminal();
      if (!(onTerminal && FROM_KEYBOARD.has(signal))) forward?.(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  let run: TimedProcess;
  let recorder: Promise<Recorder> | null = null;
  try {
    run = await timeProcess(argv, {
      cwd: options.cwd,
      stdio: 'inherit',
      group: false,
      onSpawn: (child) => {
        forward = (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        };
        // Load the recording code while the command runs (the git state is the one it started at).
        recorder = loadRecorder(options.cwd);
        recorder.catch(() => undefined);
      },
    });
  } finally {
    forward = null;
  }
  const status = shellStatus(run);
  let spooled: string | null = null;
  let saveError: unknown = null;
  if (!run.spawnError) {
    try {
      const loaded = await (recorder ?? loadRecorder(options.cwd));
      spooled = loaded.writePending(options.dbPath, [toRecord(argv, run, options, loaded)]);
    } catch (error) {
      // No pending folder took the record: the command's result still stands.
      saveError = error;
    }
  }
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  if (!run.signal) {
    for (const [signal, listeners] of previous)
      for (const listener of listeners) process.on(signal, listener);
  }
  return { run, status, spooled, saveError };

  function toRecord(
    args: readonly string[],
    timed: TimedProcess,
    opts: WrapOptions,
    loaded: Recorder,
  ): BuildRecord {
    return {
      runKey: loaded.runKey,
      cwd: opts.cwd,
      command: loaded.displayCommand(args),
      argv: [...args],
      kind: opts.kind,
      mode: 'wrapped',
      outcome: timed.signal ? 'signal' : timed.exitCode === 0 ? 'success' : 'failure',
      exitCode: timed.exitCode,
      signal: timed.signal,
      timedOut: false,
      wallSeconds: timed.wallSeconds,
      userSeconds: timed.userSeconds,
      sysSeconds: timed.sysSeconds,
      peakRssBytes: timed.peakRssBytes,
      startedAt: timed.startedAt.toISOString(),
      finishedAt: timed.finishedAt.toISOString(),
      git: loaded.git,
      machine: loaded.machine,
      runId: null,
    };
  }
}

/** Whether any of our standard streams is a terminal (then the keyboard signals the command itself). */
function onATerminal(): boolean {
  const { isatty } = process.getBuiltinModule('node:tty');
  return isatty(0) || isatty(1) || isatty(2);
}

interface Recorder {
  runKey: string;
  git: GitState | null;
  machine: MachineInfo;
  displayCommand: (argv: readonly string[]) => string;
  writePending: typeof import('./spool.js').writePending;
}

async function loadRecorder(cwd: string): Promise<Recorder> {
  const [{ newRunKey }, { readGitState }, { machineInfo }, { displayCommand }, { writePending }] =
    await Promise.all([
      import('./ids.js'),
      import('./git-state.js'),
      import('./machine.js'),
      import('./shell-words.js'),
      import('./spool.js'),
    ]);
  return {
    runKey: newRunKey(),
    git: readGitState(cwd),
    machine: machineInfo(),
    displayCommand,
    writePending,
  };
}

/** Runs and records the command; returns the exit status to leave with (or dies by its signal). */
export async function runWrapped(
  argv: string[],
  options: { cwd: string; dbPath: string; kind: 'build' | 'test'; verbose: boolean },
): Promise<number> {
  const result = await wrapCommand(argv, options);
  if (result.run.spawnError) {
    const what = result.run.spawnError.code === 'ENOENT' ? 'command not found' : 'cannot execute';
    // Like a shell: the command's problem on stderr, 127 or 126, nothing recorded.
    process.stderr.write(`dx-audit: ${argv[0]}: ${what} (${result.run.spawnError.code})\n`);
    return result.status;
  }
  if (options.verbose && result.spooled !== null) {
    process.stderr.write(
      `dx-audit: recorded in ${result.spooled}; the next command that opens the database stores it\n`,
    );
  }
  if (result.saveError !== null) {
    // Rare enough to mention even unasked: the build ran, but its timing is lost.
    const reason = result.saveError instanceof Error ? result.saveError.message : String(result.saveError);
    process.stderr.write(`dx-audit: could not record this build (${reason}); its result is unchanged\n`);
  }
  const signal = result.run.signal;
  if (signal && RERAISED.has(signal)) {
    // Die the way the command died (the shell then prints and reports the same).
    process.kill(process.pid, signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return signal ? 128 + signalNumber(signal) : result.status;
}
