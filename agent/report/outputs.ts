// What the dashboard, report and audit commands share: where an output file
// goes (checked before any work, so a bad --out fails fast with exit 2), how
// it is written (atomically), and how the data behind each output is built
// from the database, anonymized on request.
import { accessSync, constants, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderDashboard } from '../../dashboard/render.js';
import type { DashboardData } from '../../dashboard/types.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import type { Db } from '../store/db.js';
import { loadPseudonymizer, type Pseudonymizer } from './anonymize.js';
import { buildReport } from './build.js';
import type { FullReport } from './contract.js';
import { buildDashboardData } from './dashboard-data.js';
import { isoWeekOf, previousWeek, weekBounds } from './iso-week.js';
import { buildWeeklyReport, type WeeklyReport } from './weekly.js';

/** Folder of the default outputs, under the working directory. */
export const OUTPUT_FOLDER = '.dx-audit';

/**
 * Resolves `--out` (or the default file under .dx-audit/, whose folder is
 * created) and checks that its folder exists and is writable.
 */
export function resolveOutput(context: Context, out: string | undefined, defaultName: string): string {
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

/** The full report (every item, for weekly aggregation) for a window. */
export async function fullReport(
  db: Db,
  context: Context,
  since: Date | null,
  until: Date,
): Promise<FullReport> {
  const report: FullReport = await buildReport(db, {
    since,
    until,
    now: context.now,
    detail: true,
    top: 100,
    config: context.loaded.config,
  });
  return report;
}

/** The dashboard data for a window, anonymized when asked. */
export async function dashboardData(
  db: Db,
  context: Context,
  window: { since: Date | null; until: Date },
  pseudonymizer: Pseudonymizer | null,
): Promise<DashboardData> {
  const data = await buildDashboardData(
    db,
    { since: window.since, until: window.until, now: context.now, teams: context.loaded.config.teams },
    (since, until) => fullReport(db, context, since, until),
  );
  if (!pseudonymizer) return data;
  return { ...pseudonymizer.apply(data), anonymized: true };
}

/** The pseudonymizer when --anonymize is on, else null. */
export async function pseudonymizerFor(
  db: Db,
  anonymize: boolean | undefined,
): Promise<Pseudonymizer | null> {
  return anonymize ? loadPseudonymizer(db) : null;
}

/** The weekly report of ISO week `week` (against the week before). */
export async function weeklyReportFor(
  db: Db,
  context: Context,
  week: string,
  pseudonymizer: Pseudonymizer | null,
): Promise<WeeklyReport> {
  const bounds = weekBounds(week);
  const previous = previousWeek(week);
  const until = new Date(bounds.end.getTime() - 1000);
  const twoWeeks = await dashboardData(
    db,
    context,
    { since: weekBounds(previous).start, until },
    pseudonymizer,
  );
  const thisWeek = await dashboardData(db, context, { since: bounds.start, until }, pseudonymizer);
  return buildWeeklyReport(week, previous, bounds, twoWeeks, thisWeek);
}

/** The default week of the weekly report: the last complete ISO week before `now` (UTC). */
export function defaultWeek(now: Date): string {
  return previousWeek(isoWeekOf(now));
}

/** The dashboard page for the context's window, and how many weeks it spans. */
export async function renderDashboardPage(
  db: Db,
  context: Context,
  pseudonymizer: Pseudonymizer | null,
): Promise<{ html: string; weeks: number }> {
  const data = await dashboardData(
    db,
    context,
    { since: context.since, until: context.until },
    pseudonymizer,
  );
  return { html: renderDashboard(data), weeks: data.weeks.length };
}
