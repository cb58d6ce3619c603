// `dx-audit dashboard [--out FILE] [--anonymize]`
import { ingestPendingBuilds } from '../../collectors/build/pending.js';
import type { Context } from '../context.js';
import { pseudonymizerFor, renderDashboardPage, resolveOutput, writeOutput } from '../report/outputs.js';
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
    ({ html, weeks } = await renderDashboardPage(db, context, await pseudonymizerFor(db, options.anonymize)));
  } finally {
    await db.close();
  }
  writeOutput(out, html);
  if (context.json) context.out(JSON.stringify({ dashboard: out, bytes: Buffer.byteLength(html), weeks }));
  else context.note(`dashboard written to ${out}`);
  return 0;
}
