// What the dashboard, report and audit commands share: the one analysis of a
// command (window from the context, anonymized on request), where an output
// file goes (checked before any work, so a bad --out fails fast with exit 2;
// `-` is standard output), and how it is written (atomically).
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyse, HOW_TO_COLLECT } from '../analysis/analyse.js';
import type { EmptyState, Report } from '../analysis/model.js';
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
  const analysed = await analyse(db, {
    since: context.since,
    until: context.until,
    now: context.now,
    detail: request.detail ?? false,
    top: request.top ?? 50,
    week: request.week ?? null,
    config: context.loaded.config,
  });
  const report = await withGithubSteps(analysed, context);
  if (!request.anonymize) return report;
  const pseudonymizer = await loadPseudonymizer(db);
  return { ...pseudonymizer.apply(report), anonymized: true };
}

/** Whether the GitHub collector will find a token (the same lookup it uses). Never printed or stored. */
export async function githubTokenAvailable(context: Context): Promise<boolean> {
  const { findToken, resolveEndpoints } = await import('../../collectors/github/endpoints.js');
  let apiUrl = 'https://api.github.com';
  try {
    apiUrl = resolveEndpoints(undefined, context.loaded.config.github.url, context.env).apiUrl;
  } catch {
    // a bad URL is reported by the collection step itself
  }
  return (await findToken(context.env, apiUrl)) !== null;
}

const GITHUB_SECTIONS = ['pullRequests', 'ci', 'diagnosis'] as const;

/**
 * The next steps for GitHub data, made concrete with what is known here: the
 * repositories' owner/repo from their remotes, and whether a token is found.
 * With a token, the step is to re-run the audit; without one, to set one and
 * collect the named repositories. The token itself is never part of it.
 */
async function withGithubSteps(report: Report, context: Context): Promise<Report> {
  const generic = GITHUB_SECTIONS.filter((section) => report.empty[section] === HOW_TO_COLLECT[section]);
  const slugs = [...new Set(report.repositories.flatMap((r) => (r.github ? [r.github] : [])))];
  if (generic.length === 0 || slugs.length === 0) return report;
  const names = slugs.join(', ');
  const token = await githubTokenAvailable(context);
  const what: Record<(typeof GITHUB_SECTIONS)[number], string> = {
    pullRequests: `no pull requests or reviews are collected for ${names}`,
    ci: `no GitHub Actions runs are collected for ${names}`,
    diagnosis: `the diagnosis and its hour costs need the pull requests, reviews and CI runs of ${names}`,
  };
  const step = (section: (typeof GITHUB_SECTIONS)[number]): EmptyState =>
    token
      ? {
          missing: `${what[section]} yet (a GitHub token is found: re-run the audit)`,
          command: 'dx-audit audit',
        }
      : {
          missing: `${what[section]} (no GitHub token found: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login)`,
          command: `dx-audit collect github ${slugs.join(' ')}`,
        };
  const replaced = new Map<EmptyState, EmptyState>(
    generic.map((section) => [report.empty[section]!, step(section)]),
  );
  const swap = (state: EmptyState | null) => (state ? (replaced.get(state) ?? state) : state);
  const empty = { ...report.empty };
  for (const section of generic) empty[section] = swap(empty[section]);
  return {
    ...report,
    empty,
    verdict: { ...report.verdict, next: report.verdict.next.map((n) => swap(n)!) },
  };
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
