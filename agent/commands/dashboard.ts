// `dx-audit dashboard [--out FILE|-] [--anonymize]`
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import type { Context } from '../context.js';
import { renderDashboard } from '../render/dashboard.js';
import { analyseForContext, emit, resolveOutput, STDOUT } from '../render/outputs.js';
import { Db } from '../store/db.js';

interface Options {
  out?: string;
  anonymize?: boolean;
}

export async function run(context: Context, _operands: string[], options: Options): Promise<number> {
  const out = resolveOutput(context, options.out, 'dashboard.html');
  const db = await Db.open(context.dbPath);
  await ingestPendingBuilds(db);
  let html: string;
  let weeks: number;
  try {
    const report = await analyseForContext(db, context, { anonymize: options.anonymize });
    html = renderDashboard(report);
    weeks = report.series.weeks.length;
  } finally {
    await db.close();
  }
  if (out === STDOUT) emit(context, out, html, 'dashboard');
  else if (context.json) {
    emit({ ...context, note: () => undefined }, out, html, 'dashboard');
    context.out(JSON.stringify({ dashboard: out, bytes: Buffer.byteLength(html), weeks }));
  } else emit(context, out, html, 'dashboard');
  return 0;
}
