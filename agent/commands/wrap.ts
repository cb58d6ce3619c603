// `dx-audit wrap [--kind build|test] -- CMD...`: run a real build as usual and record it.
// Kept tiny on purpose: everything it imports loads before the wrapped command starts.
import { signalNumber } from '../../collectors/build/runner.js';
import { wrapCommand } from '../../collectors/build/wrap.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';

interface Options {
  kind?: 'build' | 'test';
  /** The words after `--` (set by the CLI). */
  command?: string[];
}

/** Signals this process re-raises on itself, so its parent sees the command's own death. */
const RERAISED = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGPIPE']);

export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const argv = options.command ?? [];
  if (argv.length === 0 || operands.length > argv.length) {
    throw new InputError('wrap needs the command to run after --', {
      fix: 'e.g. `dx-audit wrap -- npm run build`',
    });
  }
  return runWrapped(argv, {
    cwd: context.cwd,
    dbPath: context.dbPath,
    kind: options.kind ?? 'build',
    verbose: context.verbose,
  });
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
