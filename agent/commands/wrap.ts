// `dx-audit wrap [--kind build|test] -- CMD...`: run a real build as usual and record it.
// A plain `wrap -- CMD` never gets here: bin/dx-audit.js takes the short road
// (agent/wrap-entry.ts); this is the full command line's way to the same code.
import { runWrapped } from '../../collectors/build/wrap.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';

interface Options {
  kind?: 'build' | 'test';
  /** The words after `--` (set by the CLI). */
  command?: string[];
}

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
