// DORA benchmark: the dora part of the report (SPEC §11 `dora`) for a year of
// the 200-engineer organisation, whose deploy workflow runs on the default
// branch are its deployments, timed in process.
import { performance } from 'node:perf_hooks';
import { analyseDora } from '../../agent/analysis/dora.js';
import { Db } from '../../agent/store/db.js';
import { buildBigOrg } from '../support/seed-github.js';
import { median, ROOT } from './util.js';

export async function benchDora(dbPath?: string): Promise<Record<string, string | number>> {
  const org = dbPath ? null : await buildBigOrg(ROOT);
  const file = dbPath ?? org!.dbPath;
  const window = org
    ? { since: Date.parse(org.since) / 1000, until: Date.parse(org.until) / 1000 }
    : { since: null, until: Math.floor(Date.now() / 1000) };
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < 3; i += 1) {
    const db = await Db.open(file, { pending: false });
    const t = performance.now();
    const dora = await analyseDora(db, window);
    times.push((performance.now() - t) / 1000);
    await db.close();
    summary = `${dora.deployments} deployments (${dora.source ?? 'none'}), ${dora.leadTime.n} changes with a lead time, ${dora.failedDeployments} failures`;
  }
  return {
    'report: DORA contents': summary,
    'report: DORA part, 200-engineer year, in process (s)': Number(median(times).toFixed(3)),
  };
}
