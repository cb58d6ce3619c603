// `dx-audit report [--week YYYY-Www] [--format json|text|md|html] [--detail] [--out FILE] [--anonymize]`
import { extname } from 'node:path';
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { buildReport } from '../report/build.js';
import { renderHtml } from '../report/html.js';
import { parseIsoWeek, weekBounds } from '../report/iso-week.js';
import { renderMarkdown } from '../report/markdown.js';
import {
  defaultWeek,
  pseudonymizerFor,
  resolveOutput,
  weeklyReportFor,
  writeOutput,
} from '../report/outputs.js';
import { renderText } from '../report/text.js';
import { Db } from '../store/db.js';

type Format = 'json' | 'text' | 'md' | 'html';

interface Options {
  format?: Format;
  week?: string;
  detail?: boolean;
  out?: string;
  top?: string;
  anonymize?: boolean;
}

const BY_EXTENSION: Record<string, Format> = {
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
};

export async function run(context: Context, _operands: string[], options: Options): Promise<number> {
  const top = Number(options.top ?? '50');
  if (!Number.isInteger(top) || top < 1) {
    throw new InputError(`--top "${options.top}" is not a whole number ≥ 1`, { fix: 'e.g. --top 20' });
  }
  const week = options.week ? parseIsoWeek(options.week) : null;
  const format: Format =
    options.format ??
    (options.out ? BY_EXTENSION[extname(options.out).toLowerCase()] : undefined) ??
    (context.json || !process.stdout.isTTY || options.out ? 'json' : 'text');
  const out = options.out ? resolveOutput(context, options.out, '') : null;
  const db = await Db.open(context.dbPath);
  await ingestPendingBuilds(db);
  let text: string;
  try {
    const pseudonymizer = await pseudonymizerFor(db, options.anonymize);
    if (format === 'md' || format === 'html') {
      const weekly = await weeklyReportFor(db, context, week ?? defaultWeek(context.now), pseudonymizer);
      text = format === 'md' ? renderMarkdown(weekly) : renderHtml(weekly);
    } else {
      const bounds = week ? weekBounds(week) : null;
      const report = await buildReport(db, {
        since: bounds ? bounds.start : context.since,
        until: bounds ? new Date(bounds.end.getTime() - 1000) : context.until,
        now: context.now,
        detail: options.detail ?? false,
        top,
        config: context.loaded.config,
      });
      for (const warning of report.git.warnings) context.note(`dx-audit: warning: ${warning}`);
      const shown = pseudonymizer ? pseudonymizer.apply(report) : report;
      text = format === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : renderText(shown);
    }
  } finally {
    await db.close();
  }
  if (out) {
    writeOutput(out, text);
    context.note(`report written to ${out}`);
  } else context.out(text);
  return 0;
}
