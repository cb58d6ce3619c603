// Times one process and everything it starts: wall time, CPU time of the
// waited-for process tree, peak memory, and how it ended. A timeout or an
// interrupt kills the whole process group, so a hung build leaves nothing behind.
//
// node:child_process is used directly rather than execa: `wrap` must start fast
// (execa's import graph costs more than the wrapped `true`), and a timeout has to
// signal the process group, where execa signals only the direct child.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

export type Stdio = 'inherit' | 'capture' | 'ignore';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** inherit: the user sees and types as usual; capture: keep the output's tail for error messages. */
  stdio: Stdio;
  /** Start the command in its own process group, so the whole tree can be killed. */
  group: boolean;
  /** Kill the tree after this many milliseconds (null: never). */
  timeoutMs?: number | null;
  /** Time between SIGTERM and SIGKILL when killing the tree. */
  graceMs?: number;
  /** Aborting kills the tree (Ctrl-C on `build`). */
  signal?: AbortSignal;
  /** Sample the peak resident memory of the tree (Linux /proc). */
  sampleMemory?: boolean;
  /** Called once the child exists (wrap forwards signals to it). */
  onSpawn?: (child: ChildProcess) => void;
}

/** What one process run measured. Times in seconds; null where the platform cannot tell. */
export interface TimedProcess {
  startedAt: Date;
  finishedAt: Date;
  wallSeconds: number;
  userSeconds: number | null;
  sysSeconds: number | null;
  peakRssBytes: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  interrupted: boolean;
  /** Set when the command could not be started (ENOENT: not found, EACCES: not executable). */
  spawnError: NodeJS.ErrnoException | null;
  /** Last bytes of stdout and stderr with stdio 'capture' (empty otherwise). */
  outputTail: string;
}

const TAIL_BYTES = 8 * 1024;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports
const MEMORY_SAMPLE_MS = 200;

/**
 * CPU time of this process's reaped children so far (Linux: cutime and cstime of
 * /proc/self/stat). The difference around one run is the user/sys time of the
 * process tree it waited for, like `time` reports.
 */
export function childCpuSeconds(): { user: number; sys: number } | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    const user = Number(fields[13]);
    const sys = Number(fields[14]);
    if (!Number.isFinite(user) || !Number.isFinite(sys)) return null;
    return { user: user / CLOCK_TICKS_PER_SECOND, sys: sys / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** Runs argv[0] with argv[1..] (no shell) and measures it. Never rejects for the command's own failure. */
export function timeProcess(argv: readonly string[], options: RunOptions): Promise<TimedProcess> {
  const [file, ...args] = argv;
  if (!file) throw new Error('timeProcess needs a command');
  const cpuBefore = childCpuSeconds();
  const startedAt = new Date();
  const start = process.hrtime.bigint();
  let child: ChildProcess;
  const tail: Buffer[] = [];
  let tailBytes = 0;
  const keep = (chunk: Buffer) => {
    tail.push(chunk);
    tailBytes += chunk.length;
    while (tailBytes > TAIL_BYTES && tail.length > 1) tailBytes -= tail.shift()!.length;
  };

  return new Promise<TimedProcess>((resolve) => {
    let timedOut = false;
    let interrupted = false;
    let settled = false;
    let peakRss: number | null = null;
    const timers: NodeJS.Timeout[] = [];

    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        // A command in its own group is no longer in the terminal's foreground: it must not read the terminal.
        stdio:
          options.stdio === 'capture'
            ? ['ignore', 'pipe', 'pipe']
            : options.group && options.stdio === 'inherit'
              ? ['ignore', 'inherit', 'inherit']
              : options.stdio,
        detached: options.group,
      });
    } catch (error) {
      // spawn throws synchronously for some invalid inputs (e.g. a NUL byte in an argument)
      finish(null, null, error as NodeJS.ErrnoException);
      return;
    }
    options.onSpawn?.(child);
    if (options.stdio === 'capture') {
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }

    const killTree = (signal: NodeJS.Signals) => {
      const pid = child.pid;
      if (pid === undefined) return;
      try {
        if (options.group) process.kill(-pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killTree('SIGTERM');
      const force = setTimeout(() => killTree('SIGKILL'), options.graceMs ?? 3000);
      force.unref();
      timers.push(force);
    };

    if (options.timeoutMs != null) {
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
      timers.push(timer);
    }
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (options.signal) {
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (options.sampleMemory && child.pid !== undefined) {
      const pid = child.pid;
      const sample = () => {
        const rss = treePeakRss(pid, options.group);
        if (rss !== null && (peakRss === null || rss > peakRss)) peakRss = rss;
      };
      const first = setTimeout(sample, 20);
      const every = setInterval(sample, MEMORY_SAMPLE_MS);
      timers.push(first, every);
    }

    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without 'exit' means the process never started
      if (child.pid === undefined) finish(null, null, error);
    });
    child.once('exit', (code, signal) => {
      // Leftovers of a killed tree must not outlive the run.
      if (timedOut || interrupted) killTree('SIGKILL');
      finish(code, signal, null);
    });

    function finish(
      code: number | null,
      signal: NodeJS.Signals | null,
      spawnError: NodeJS.ErrnoException | null,
    ): void {
      if (settled) return;
      settled = true;
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const finishedAt = new Date();
      const cpuAfter = childCpuSeconds();
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const result: TimedProcess = {
        startedAt,
        finishedAt,
        wallSeconds,
        userSeconds: cpuBefore && cpuAfter ? round(cpuAfter.user - cpuBefore.user) : null,
        sysSeconds: cpuBefore && cpuAfter ? round(cpuAfter.sys - cpuBefore.sys) : null,
        peakRssBytes: peakRss,
        exitCode: code,
        signal,
        timedOut,
        interrupted,
        spawnError,
        outputTail: '',
      };
      if (options.stdio !== 'capture' || spawnError) {
        resolve(result);
        return;
      }
      // Let the pipes drain, but never wait on a grandchild that keeps them open.
      const drained = new Promise<void>((ok) => child.once('close', () => ok()));
      const limit = new Promise<void>((ok) => setTimeout(ok, 1000).unref());
      void Promise.race([drained, limit]).then(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        result.outputTail = Buffer.concat(tail).toString('utf8').slice(-TAIL_BYTES);
        resolve(result);
      });
    }
  });
}

/** The exit status a shell would report: the code, or 128 + the signal number. */
export function shellStatus(run: Pick<TimedProcess, 'exitCode' | 'signal' | 'spawnError'>): number {
  if (run.spawnError) return run.spawnError.code === 'ENOENT' ? 127 : 126;
  if (run.signal) return 128 + signalNumber(run.signal);
  return run.exitCode ?? 1;
}

/** The number of a signal on this platform (SIGTERM → 15). */
export function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}

/**
 * The largest resident-set high-water mark (VmHWM) among the processes of the
 * tree: the process itself, or every process of its group. This is what
 * getrusage reports as the children's maxrss. null outside Linux.
 */
function treePeakRss(pid: number, group: boolean): number | null {
  if (!group) return vmHwm(pid);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let peak: number | null = null;
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // field 5 (pgrp) is the third field after the command name
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3)[2]);
      if (pgrp !== pid) continue;
      const rss = vmHwm(Number(entry));
      if (rss !== null && (peak === null || rss > peak)) peak = rss;
    } catch {
      // the process ended between listing and reading
    }
  }
  return peak;
}

function vmHwm(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
