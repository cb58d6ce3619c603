// `dx-audit build [PATH] [--runs N] [--warmup N] [--cold] [--clean CMD] [--kind build|test]
// [--timeout S] [-- CMD...]`: benchmark a repository's build, store every run, print statistics.
import { runClean } from '../../collectors/build/clean.js';
import { type CleanPlan, type DetectedCommand, detectCommand } from '../../collectors/build/detect.js';
import { newRunKey } from '../../collectors/build/ids.js';
import { machineInfo, toolVersions } from '../../collectors/build/machine.js';
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import {
  type BuildKind,
  type BuildMode,
  type BuildRecord,
  firstErrorLine,
  type GitState,
} from '../../collectors/build/record.js';
import { type TimedProcess, timeProcess } from '../../collectors/build/runner.js';
import { saveRecords } from '../../collectors/build/save.js';
import { displayCommand, shellCommand } from '../../collectors/build/shell-words.js';
import { gitOrNull, inspectRepository, type LocalRepository } from '../../collectors/git/repository.js';
import { type DurationStats, durationStats, madOutliers } from '../analysis/build-stats.js';
import type { Context } from '../context.js';
import { EXIT, InputError, InterruptedError, WorkError } from '../errors.js';
import { clock } from '../progress.js';
import { Db } from '../store/db.js';
import { finishRun, startRun, upsertLocalRepository } from '../store/repositories.js';
import { count } from '../util/plural.js';

interface Options {
  runs?: string;
  warmup?: string;
  cold?: boolean;
  clean?: string;
  kind?: BuildKind;
  timeout?: string;
  showOutput?: boolean;
  /** Minutes for the whole benchmark: no run starts that would not fit (audit gives 10). */
  budget?: string;
  /**
   * Minutes after which a running build is stopped (default: the budget).
   * `audit` gives each repository a share of its budget for planning runs,
   * and all that is left as the deadline, so one build longer than its share
   * is still measured when the budget allows it.
   */
  deadline?: string;
  /** How the budget and the deadline are named in messages (audit names its own budget). */
  budgetName?: string;
  deadlineName?: string;
  /** Told how the benchmark went (audit sums it up). */
  onResult?: (result: BenchmarkResult) => void;
  /** The words after `--` (set by the CLI). */
  command?: string[];
}

/** How one benchmark went, for `audit`'s account of its build budget. */
export interface BenchmarkResult {
  /** Runs stored (a warm-up kept as the one measurement counts). */
  runs: number;
  /** Of those, runs that failed or timed out. */
  failed: number;
  /** The budget ended it before all runs were made. */
  stoppedByBudget: boolean;
}

/** One timed run as printed and returned by --json. */
interface RunReport {
  run: number;
  /** A warm-up that hung (warm-ups are otherwise not recorded). */
  warmup: boolean;
  outcome: BuildRecord['outcome'];
  exitCode: number | null;
  signal: string | null;
  wall: number;
  user: number | null;
  sys: number | null;
  peakRssBytes: number | null;
}

export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const runs = wholeNumber(options.runs ?? '5', '--runs', 1);
  const warmup = wholeNumber(options.warmup ?? '1', '--warmup', 0);
  const timeoutSeconds = Number(options.timeout ?? '3600');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new InputError(`--timeout "${options.timeout}" is not a number of seconds > 0`, {
      fix: 'e.g. --timeout 1800',
    });
  }
  const timeoutMs = Math.round(timeoutSeconds * 1000);
  const budgetMinutes = options.budget === undefined ? null : Number(options.budget);
  if (budgetMinutes !== null && (!Number.isFinite(budgetMinutes) || budgetMinutes <= 0)) {
    throw new InputError(`the build budget "${options.budget}" is not a number of minutes > 0`, {
      fix: 'e.g. --build-budget 10 (audit) or --budget 10 (build)',
    });
  }
  const budgetMs = budgetMinutes === null ? null : budgetMinutes * 60_000;
  const deadlineMinutes = options.deadline === undefined ? budgetMinutes : Number(options.deadline);
  if (deadlineMinutes !== null && (!Number.isFinite(deadlineMinutes) || deadlineMinutes <= 0)) {
    throw new InputError(`the build deadline "${options.deadline}" is not a number of minutes > 0`, {
      fix: 'e.g. --build-budget 10 (audit) or --budget 10 (build)',
    });
  }
  const deadlineMs = deadlineMinutes === null ? null : Math.max(deadlineMinutes * 60_000, budgetMs ?? 0);
  const budgetName = options.budgetName ?? `the build budget of ${budgetMinutes} min`;
  const deadlineName = options.deadlineName ?? budgetName;
  const kind: BuildKind = options.kind ?? 'build';
  const mode: BuildMode = options.cold ? 'cold' : 'warm';
  if (options.clean !== undefined && !options.cold) {
    throw new InputError('--clean only applies to cold builds', { fix: 'add --cold, or drop --clean' });
  }
  const given = options.command && options.command.length > 0 ? options.command : null;
  if (options.command && options.command.length === 0) {
    throw new InputError('nothing follows --', { fix: 'put the command after --, e.g. `-- make all`' });
  }
  const paths = given ? operands.slice(0, operands.length - given.length) : operands;
  if (paths.length > 1) {
    throw new InputError(`build takes one repository path, got ${paths.length}: ${paths.join(' ')}`, {
      fix: 'put the command to time after --, e.g. `dx-audit build . -- make all`',
    });
  }

  const repo = await repositoryAt(paths[0] ?? context.cwd);
  const detection = detectCommand(repo.root, kind);
  const config = context.loaded.config.build;
  const configured = kind === 'build' ? config.command : config.testCommand;
  let chosen: { argv: string[]; reason: string; tool: string | null };
  if (given) chosen = { argv: given, reason: 'the command given after --', tool: null };
  else if (configured) {
    chosen = {
      argv: shellCommand(configured),
      reason: `build.${kind === 'build' ? 'command' : 'testCommand'} in ${context.loaded.file}`,
      tool: null,
    };
  } else if (detection.chosen) chosen = detection.chosen;
  else throw unknownBuildSystem(repo.root, kind, detection.notes);
  const clean = options.cold ? cleanPlan(options.clean, config.clean, detection.chosen, chosen.argv) : null;
  const command = displayCommand(chosen.argv);

  const dirtyText = await gitOrNull(repo.root, ['status', '--porcelain', '--untracked-files=no']);
  const git: GitState = {
    root: repo.root,
    name: repo.name,
    commit: repo.tip,
    branch: repo.branch,
    dirty: dirtyText === null ? null : dirtyText !== '',
  };
  const tools = [
    ...new Set([chosen.tool ?? chosen.argv[0]!, detection.chosen?.tool ?? '', 'git'].filter(Boolean)),
  ];
  const machine = machineInfo(await toolVersions(tools, repo.root));

  context.note(`Timing \`${command}\` (${kind}, ${mode}) in ${repo.root}`);
  context.note(`  why this command: ${chosen.reason}`);
  if (clean) context.note(`  clean step before each run: ${clean.reason}`);
  const alternatives = given
    ? []
    : configured && detection.chosen
      ? [detection.chosen, ...detection.others]
      : detection.others;
  for (const other of alternatives) {
    context.note(`  also found: ${displayCommand(other.argv)} (${other.reason}) — use it with -- CMD`);
  }

  const db = await Db.open(context.dbPath);
  await ingestPendingBuilds(db);
  const reports: RunReport[] = [];
  const wall: number[] = [];
  const failures: { name: string; detail: string; tail: string }[] = [];
  let timeouts = 0;
  /** Where the budget stopped the benchmark; `killed`: a run was stopped at the budget, unfinished. */
  let stoppedByBudget: { after: number; perRun: number; killed?: boolean } | null = null;
  let status: 'done' | 'failed' | 'interrupted' = 'done';
  let runId = 0;
  try {
    runId = await startRun(db, 'build', repo.root, `${mode} ${kind}: ${command}`);
    await db.transaction((tx) =>
      upsertLocalRepository(tx, {
        path: repo.root,
        name: repo.name,
        github: repo.github,
        remoteUrl: repo.remoteUrl,
        branch: repo.branch,
      }),
    );
    /** Records one run (stored, reported, and counted as a failure when it failed). */
    const store = async (
      result: TimedProcess,
      outcome: BuildRecord['outcome'],
      number: number,
      timed: boolean,
    ) => {
      const name = `${timed ? 'run' : 'warm-up'} ${number}`;
      if (outcome === 'timeout') timeouts += 1;
      if (outcome !== 'success') {
        failures.push({ name, detail: describeFailure(result, timeoutSeconds), tail: result.outputTail });
      }
      const record: BuildRecord = {
        runKey: newRunKey(),
        cwd: repo.root,
        command,
        argv: chosen.argv,
        kind,
        mode,
        outcome,
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        wallSeconds: result.wallSeconds,
        userSeconds: result.userSeconds,
        sysSeconds: result.sysSeconds,
        peakRssBytes: result.peakRssBytes,
        startedAt: result.startedAt.toISOString(),
        finishedAt: result.finishedAt.toISOString(),
        git,
        machine,
        runId,
        firstErrorLine: outcome === 'success' ? null : firstErrorLine(result.outputTail),
      };
      const saved = await saveRecords(context.dbPath, [record], { db });
      if (saved.where === 'pending') {
        context.note(`  could not store run ${record.runKey} now; it waits in ${saved.file}`);
      }
      reports.push({
        run: number,
        warmup: !timed,
        outcome,
        exitCode: result.exitCode,
        signal: result.signal,
        wall: result.wallSeconds,
        user: result.userSeconds,
        sys: result.sysSeconds,
        peakRssBytes: result.peakRssBytes,
      });
      if (outcome === 'success') wall.push(result.wallSeconds);
    };
    const total = warmup + runs;
    const startedAll = Date.now();
    /** Wall time of every run so far, warm-ups included: the estimate of the next one. */
    const durations: number[] = [];
    let lastWarmup: TimedProcess | null = null;
    const estimate = () =>
      durations.length === 0 ? null : durations.reduce((a, b) => a + b, 0) / durations.length;
    for (let i = 0; i < total; i += 1) {
      const timed = i >= warmup;
      const label = timed ? `run ${i - warmup + 1}/${runs}` : `warm-up ${i + 1}/${warmup}`;
      const perRun = estimate();
      if (budgetMs !== null && perRun !== null && Date.now() - startedAll + perRun > budgetMs) {
        stoppedByBudget = { after: Date.now() - startedAll, perRun };
        break;
      }
      if (clean) {
        context.progress.update(`${label}: cleaning`);
        const cleaned = await runClean(clean, repo.root, { timeoutMs, signal: context.signal });
        if (i === 0 && cleaned.kept.length > 0) context.note(`  kept: ${cleaned.kept.join(', ')}`);
      }
      if (context.signal.aborted) throw context.signal.reason;
      const runStarted = Date.now();
      const showProgress = () =>
        context.progress.update(
          `${label}: ${command} — ${budgetLine(Date.now() - startedAll, Date.now() - runStarted, estimate(), total - i, budgetMs)}`,
        );
      showProgress();
      const ticker = setInterval(showProgress, 1000);
      // a run never outlasts the budget: it is stopped where the budget ends
      const budgetLeft = deadlineMs === null ? null : deadlineMs - (Date.now() - startedAll);
      const stopAtBudget = budgetLeft !== null && budgetLeft < timeoutMs;
      const result = await timeProcess(chosen.argv, {
        cwd: repo.root,
        stdio: options.showOutput ? 'inherit' : 'capture',
        group: true,
        timeoutMs: stopAtBudget ? Math.max(1, Math.round(budgetLeft)) : timeoutMs,
        signal: context.signal,
        sampleMemory: true,
      }).finally(() => clearInterval(ticker));
      context.progress.done();
      durations.push(result.wallSeconds * 1000);
      if (result.spawnError) {
        throw new InputError(
          `cannot run \`${command}\`: ${result.spawnError.code === 'ENOENT' ? 'command not found' : result.spawnError.code}`,
          { fix: 'install it or put it on PATH, or pass another command after --' },
        );
      }
      if (result.interrupted) throw (context.signal.reason as unknown) ?? new InterruptedError('SIGINT');
      if (result.timedOut && stopAtBudget) {
        // not a hang and not a measurement: the build is longer than the time left
        stoppedByBudget = { after: Date.now() - startedAll, perRun: result.wallSeconds * 1000, killed: true };
        break;
      }
      const outcome = outcomeOf(result);
      // Warm-ups are not timed, but a hang is a finding: it is recorded like a run.
      if (!timed && outcome !== 'timeout') {
        lastWarmup = result;
        continue;
      }
      const number = timed ? i - warmup + 1 : i + 1;
      await store(result, outcome, number, timed);
      if (outcome === 'timeout') {
        context.note(`  ${timed ? 'run' : 'warm-up'} ${number} timed out; the remaining runs are skipped`);
        break;
      }
    }
    if (stoppedByBudget?.killed && reports.length === 0 && !lastWarmup) {
      throw new WorkError(
        `one build of ${repo.name} ran past ${deadlineName} and was stopped with its process tree; nothing was timed`,
        { fix: 'give it more time: dx-audit build --budget MINUTES (audit: --build-budget MINUTES)' },
      );
    }
    if (stoppedByBudget && reports.length === 0 && lastWarmup) {
      // the budget left no room for a timed run: the warm-up is the one measurement there is
      await store(lastWarmup, outcomeOf(lastWarmup), 1, true);
    }
  } catch (error) {
    status = error instanceof InterruptedError ? 'interrupted' : 'failed';
    throw error;
  } finally {
    context.progress.done();
    if (runId) {
      await finishRun(db, runId, status, { runs: reports.length, failures: failures.length }).catch(
        () => undefined,
      );
    }
    await db.close();
  }

  options.onResult?.({
    runs: reports.length,
    failed: reports.filter((r) => r.outcome !== 'success').length,
    stoppedByBudget: stoppedByBudget !== null,
  });
  const successes = reports.filter((r) => r.outcome === 'success');
  const stats = durationStats(wall);
  const outliers = madOutliers(wall).map((index) => successes[index]!.run);
  const summary = {
    repository: { path: repo.root, name: repo.name, branch: repo.branch, commit: repo.tip, dirty: git.dirty },
    command,
    argv: chosen.argv,
    reason: chosen.reason,
    kind,
    mode,
    machine: {
      id: machine.id,
      cpuModel: machine.cpuModel,
      cores: machine.cores,
      memoryBytes: machine.memoryBytes,
      os: `${machine.os} ${machine.osRelease}`,
      node: machine.nodeVersion,
      tools: machine.tools,
    },
    runs: reports,
    warmup,
    failures: failures.length,
    timeouts,
    stats: {
      ...stats,
      user: mean(successes.map((r) => r.user)),
      sys: mean(successes.map((r) => r.sys)),
      peakRssBytes: max(successes.map((r) => r.peakRssBytes)),
    },
    outliers,
  };
  if (stoppedByBudget && budgetMinutes !== null) {
    context.note(
      stoppedByBudget.killed
        ? `  stopped after ${count(reports.length, 'timed run')} (${clock(stoppedByBudget.after / 1000)}): the next run was still going at ${deadlineName} and was stopped — raise it with --build-budget for more runs`
        : `  stopped after ${count(reports.length, 'timed run')} (${clock(stoppedByBudget.after / 1000)}): another run of about ${clock(stoppedByBudget.perRun / 1000)} would pass ${budgetName} — raise it with --build-budget for more runs`,
    );
  }
  if (context.json)
    context.out(
      JSON.stringify(
        {
          ...summary,
          budget:
            budgetMinutes === null
              ? null
              : {
                  minutes: budgetMinutes,
                  stopped: stoppedByBudget !== null,
                  afterSeconds: stoppedByBudget ? stoppedByBudget.after / 1000 : null,
                  nextRunSeconds: stoppedByBudget ? stoppedByBudget.perRun / 1000 : null,
                },
        },
        null,
        2,
      ),
    );
  else context.out(renderStats(summary, stats));

  if (failures.length > 0) {
    const first = failures[0]!;
    const tail = first.tail.trim().split('\n').slice(-5).join('\n');
    if (tail && !options.showOutput) context.note(`Last output of ${first.name}:\n${tail}`);
    context.note(
      `dx-audit: ${failures.length} of ${count(reports.length, 'run')} failed (${first.name} ${first.detail}); they are stored but not in the statistics — fix the build, or check the command`,
    );
    return EXIT.failure;
  }
  return EXIT.ok;
}

/**
 * "1:23 elapsed, about 4:10 left": the whole benchmark's time so far, and the
 * time left for the runs the budget still lets start at the rate so far.
 */
export function budgetLine(
  elapsedMs: number,
  runElapsedMs: number,
  perRunMs: number | null,
  runsLeft: number,
  budgetMs: number | null,
): string {
  const elapsed = `${clock(elapsedMs / 1000)} elapsed`;
  if (perRunMs === null) return `${elapsed}, estimating from this first run`;
  const fit =
    budgetMs === null
      ? runsLeft
      : Math.min(runsLeft, Math.max(1, Math.floor((budgetMs - elapsedMs + runElapsedMs) / perRunMs)));
  const left = Math.max(0, fit * perRunMs - runElapsedMs);
  return `${elapsed}, about ${clock(left / 1000)} left`;
}

function wholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${flag} "${text}" must be a whole number ≥ ${min}`, {
      fix: `e.g. ${flag} ${Math.max(min, flag === '--runs' ? 5 : 1)}`,
    });
  }
  return value;
}

async function repositoryAt(path: string): Promise<LocalRepository> {
  try {
    return await inspectRepository(path);
  } catch (error) {
    if (error instanceof InputError && /is not a git repository/.test(error.message)) {
      throw new InputError(
        `${error.message.replace(/ is not a git repository$/, '')} is not a git repository`,
        {
          fix: 'build times the build of a repository: pass the folder of a clone, or time any command with `dx-audit wrap -- CMD`',
        },
      );
    }
    throw error;
  }
}

function unknownBuildSystem(root: string, kind: BuildKind, notes: string[]): InputError {
  const looked =
    'package.json scripts, Makefile, gradlew/build.gradle, pom.xml, Cargo.toml, go.mod, *.sln/*.csproj, pyproject.toml/setup.py';
  const why = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  return new InputError(`no known ${kind} system in ${root} (looked for ${looked}${why})`, {
    fix: `pass the command after --, e.g. \`dx-audit build${kind === 'test' ? ' --kind test' : ''} -- ./build.sh\``,
  });
}

function cleanPlan(
  flag: string | undefined,
  configured: string | null,
  detected: DetectedCommand | null,
  argv: string[],
): CleanPlan {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new InputError('--clean is empty', { fix: 'e.g. --clean "make clean"' });
    return { kind: 'command', argv: shellCommand(flag), reason: `--clean: ${flag}` };
  }
  if (configured)
    return { kind: 'command', argv: shellCommand(configured), reason: `build.clean: ${configured}` };
  if (detected?.clean) return detected.clean;
  throw new InputError(`no safe clean step is known for \`${displayCommand(argv)}\``, {
    fix: 'pass one with --clean CMD (e.g. --clean "make clean"), or set build.clean in the config',
  });
}

function outcomeOf(run: TimedProcess): BuildRecord['outcome'] {
  if (run.timedOut) return 'timeout';
  if (run.signal) return 'signal';
  return run.exitCode === 0 ? 'success' : 'failure';
}

function describeFailure(run: TimedProcess, timeoutSeconds: number): string {
  if (run.timedOut) return `hung past --timeout ${timeoutSeconds} s and was killed with its process tree`;
  if (run.signal) return `was killed by ${run.signal}`;
  return `exited with ${run.exitCode}`;
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

function max(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

interface Printable {
  command: string;
  kind: BuildKind;
  mode: BuildMode;
  runs: RunReport[];
  failures: number;
  timeouts: number;
  outliers: number[];
  stats: { user: number | null; sys: number | null; peakRssBytes: number | null };
}

/** hyperfine-like text: mean ± σ, median and p90, range, failures and outliers. */
function renderStats(summary: Printable, stats: DurationStats): string {
  const lines = [`Benchmark: ${summary.command}  (${summary.mode} ${summary.kind})`];
  if (stats.n === 0) {
    lines.push(`  No successful run out of ${summary.runs.length}: no statistics.`);
  } else {
    const cpu =
      summary.stats.user !== null && summary.stats.sys !== null
        ? `    [User: ${seconds(summary.stats.user)}, System: ${seconds(summary.stats.sys)}]`
        : '';
    lines.push(
      `  Time (mean ± σ):     ${seconds(stats.mean)} ± ${stats.stddev === null ? 'n/a' : seconds(stats.stddev)}${cpu}`,
    );
    lines.push(`  Time (median, p90):   ${seconds(stats.median)}, ${seconds(stats.p90)}`);
    lines.push(
      `  Range (min … max):   ${seconds(stats.min)} … ${seconds(stats.max)}    ${stats.n} successful run${stats.n === 1 ? '' : 's'}`,
    );
    if (summary.stats.peakRssBytes !== null) {
      lines.push(
        `  Peak memory:         ${(summary.stats.peakRssBytes / 1048576).toFixed(1)} MiB (largest process)`,
      );
    }
  }
  if (summary.failures > 0) {
    const timeouts = summary.timeouts > 0 ? `, ${summary.timeouts} timed out` : '';
    lines.push(
      `  Failures:            ${summary.failures} of ${summary.runs.length}${timeouts} (not in the statistics)`,
    );
  }
  if (summary.outliers.length > 0) {
    lines.push(
      `  Warning: statistical outlier${summary.outliers.length === 1 ? '' : 's'} in run ${summary.outliers.join(', ')} (median absolute deviation). Other programs or caches may have interfered; consider --warmup or more --runs.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function seconds(value: number | null): string {
  if (value === null) return 'n/a';
  return value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(3)} s`;
}
