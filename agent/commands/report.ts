// `dx-audit report [--week YYYY-Www] [--format json|text|md|html] [--detail] [--out FILE|-] [--anonymize]`
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { ingestPendingBuilds, listPending } from '../../collectors/build/pending.js';
import { parseIsoWeek, weekBounds } from '../analysis/iso-week.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { renderHtml } from '../render/html.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { analyseForContext, emit, resolveOutput } from '../render/outputs.js';
import { renderText } from '../render/text.js';
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
    (options.out && options.out !== '-' ? BY_EXTENSION[extname(options.out).toLowerCase()] : undefined) ??
    (context.json || !process.stdout.isTTY || options.out ? 'json' : 'text');
  const out = options.out ? resolveOutput(context, options.out, '') : null;
  // nothing collected yet (no database, no build waiting to be stored): report on an empty in-memory
  // store rather than create a database (or its folder) here
  const collected = existsSync(context.dbPath) || listPending(context.dbPath).length > 0;
  const db = await Db.open(collected ? context.dbPath : Db.MEMORY);
  await ingestPendingBuilds(db);
  let text: string;
  try {
    const report = await analyseForContext(db, week ? { ...context, until: weekEnd(week) } : context, {
      detail: options.detail ?? false,
      top,
      week,
      anonymize: options.anonymize,
    });
    for (const warning of report.git.warnings) context.note(`dx-audit: warning: ${warning}`);
    text =
      format === 'json'
        ? renderJson(report)
        : format === 'md'
          ? renderMarkdown(report)
          : format === 'html'
            ? renderHtml(report)
            : renderText(report);
  } finally {
    await db.close();
  }
  if (out) emit(context, out, text, 'report');
  else context.out(text);
  return 0;
}

/** The last second of an ISO week: `--week` ends the window there. */
function weekEnd(week: string): Date {
  return new Date(weekBounds(week).end.getTime() - 1000);
}
