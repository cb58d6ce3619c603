// What the dashboard, report and audit commands share: the one analysis of a
// command (window from the context, anonymized on request), where an output
// file goes (checked before any work, so a bad --out fails fast with exit 2;
// `-` is standard output), and how it is written (atomically).
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyse } from '../analysis/analyse.js';
import type { Report } from '../analysis/model.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import type { Db } from '../store/db.js';
import { loadPseudonymizer } from './anonymize.js';

/** `--out -`: write to standard output. */
export const STDOUT = '-';

/** Folder of the default outputs, under the working directory. */
export const OUTPUT_FOLDER = '.dx-audit';

/**
 * Resolves `--out` (or the default file under .dx-audit/, whose folder is
 * created) and checks that its folder exists and is writable.
 */
export function resolveOutput(context: Context, out: string | undefined, defaultName: string): string {
  if (out === STDOUT) return STDOUT;
  if (!out) {
    const folder = join(context.cwd, OUTPUT_FOLDER);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new InputError(
        `cannot create the output folder ${folder} (${(error as NodeJS.ErrnoException).code})`,
        { fix: 'run from a writable folder or pass --out FILE', cause: error },
      );
    }
    return join(folder, defaultName);
  }
  const file = resolve(context.cwd, out);
  const folder = dirname(file);
  let folderStat: ReturnType<typeof statSync>;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new InputError(`the folder of --out ${file} does not exist`, {
      fix: `create ${folder} first or choose another --out path`,
    });
  }
  if (!folderStat.isDirectory()) {
    throw new InputError(`the folder of --out ${file} is not a folder`, { fix: 'choose another --out path' });
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`the folder of --out ${file} is not writable`, {
      fix: 'choose a writable --out path',
    });
  }
  try {
    if (statSync(file).isDirectory()) {
      throw new InputError(`--out ${file} is a folder`, { fix: 'pass a file path, e.g. --out report.html' });
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  return file;
}

/** Writes `text` to `file` through a temp file and a rename, so readers never see half a file. */
export function writeOutput(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw new InputError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code})`, {
      fix: 'choose a writable --out path',
      cause: error,
    });
  }
}

export interface AnalysisRequest {
  /** Every file, PR and CI attempt in the JSON (report --detail). */
  detail?: boolean;
  /** Files and couplings kept without --detail. */
  top?: number;
  /** The ISO week of the weekly comparison (report --week). */
  week?: string | null;
  anonymize?: boolean;
}

/**
 * The one analysis of a command: the context's window (clamped to the data),
 * the config, and pseudonyms when asked. Every output of the command renders
 * this same object.
 */
export async function analyseForContext(
  db: Db,
  context: Context,
  request: AnalysisRequest = {},
): Promise<Report> {
  const report = await analyse(db, {
    since: context.since,
    until: context.until,
    now: context.now,
    detail: request.detail ?? false,
    top: request.top ?? 50,
    week: request.week ?? null,
    config: context.loaded.config,
  });
  if (!request.anonymize) return report;
  const pseudonymizer = await loadPseudonymizer(db);
  return { ...pseudonymizer.apply(report), anonymized: true };
}

/** Writes an output to its file, or to standard output for `--out -`. */
export function emit(context: Context, file: string, text: string, what: string): void {
  if (file === STDOUT) {
    process.stdout.write(text);
    return;
  }
  writeOutput(file, text);
  context.note(`${what} written to ${file}`);
}
