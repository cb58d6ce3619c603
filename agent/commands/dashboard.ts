// `dx-audit dashboard [--out FILE] [--anonymize]`
import { renderDashboard } from '../../dashboard/render.js';
import type { Context } from '../context.js';
import { dashboardData, pseudonymizerFor, resolveOutput, writeOutput } from '../report/outputs.js';
import { Db } from '../store/db.js';

interface Options {
  out?: string;
  anonymize?: boolean;
}

export async function run(context: Context, _operands: string[], options: Options): Promise<number> {
  const out = resolveOutput(context, options.out, 'dashboard.html');
  const db = await Db.open(context.dbPath);
  let html: string;
  let weeks: number;
  try {
    const pseudonymizer = await pseudonymizerFor(db, options.anonymize);
    const data = await dashboardData(
      db,
      context,
      { since: context.since, until: context.until },
      pseudonymizer,
    );
    weeks = data.weeks.length;
    html = renderDashboard(data);
  } finally {
    await db.close();
  }
  writeOutput(out, html);
  if (context.json) context.out(JSON.stringify({ dashboard: out, bytes: Buffer.byteLength(html), weeks }));
  else context.note(`dashboard written to ${out}`);
  return 0;
}
