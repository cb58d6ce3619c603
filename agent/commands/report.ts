// `dx-audit report [--format json|text] [--detail] [--out FILE]`
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ingestPending } from '../../collectors/build/pending.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { buildReport } from '../report/build.js';
import { renderText } from '../report/text.js';
import { Db } from '../store/db.js';

interface Options {
  format?: 'json' | 'text';
  detail?: boolean;
  out?: string;
  top?: string;
}

export async function run(context: Context, _operands: string[], options: Options): Promise<number> {
  const top = Number(options.top ?? '50');
  if (!Number.isInteger(top) || top < 1) {
    throw new InputError(`--top "${options.top}" is not a whole number ≥ 1`, { fix: 'e.g. --top 20' });
  }
  const format = options.format ?? (context.json || !process.stdout.isTTY || options.out ? 'json' : 'text');
  const out = options.out ? resolve(context.cwd, options.out) : null;
  if (out && !existsSync(dirname(out))) {
    throw new InputError(`the folder of --out ${out} does not exist`, {
      fix: 'create it first or choose another path',
    });
  }
  const db = await Db.open(context.dbPath);
  let text: string;
  try {
    // Build records kept aside while the database was busy belong in this report.
    await ingestPending(db, context.dbPath).catch(() => undefined);
    const report = await buildReport(db, {
      since: context.since,
      until: context.until,
      now: context.now,
      detail: options.detail ?? false,
      top,
    });
    text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report);
  } finally {
    await db.close();
  }
  if (out) {
    try {
      writeFileSync(out, text);
    } catch (error) {
      throw new InputError(`cannot write ${out} (${(error as NodeJS.ErrnoException).code})`, {
        fix: 'choose a writable --out path',
        cause: error,
      });
    }
    context.note(`report written to ${out}`);
  } else context.out(text);
  return 0;
}
