// DORA benchmark: the dora part of the report (SPEC §11 `dora`) for a year of
// the 200-engineer organisation, timed in process. Its deploy workflow runs
// on the default branch are its deployments; in a copy of the database each
// run's head is set to the newest commit of the clone at its start, so every
// deployment ships commits the lead-time walk follows through the git graph
// (the generated runs' own heads are not in the clones).
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyseDora } from '../../agent/analysis/dora.js';
import { Db } from '../../agent/store/db.js';
import { type BigOrg, buildBigOrg } from '../support/seed-github.js';
import { median, ROOT } from './util.js';

/** The copy of the organisation's database whose deployments ship clone commits (made once, then reused). */
async function shippingCopy(org: BigOrg): Promise<string> {
  const file = join(dirname(org.dbPath), 'dora.db');
  const marker = `${file}.done`;
  if (existsSync(marker)) return file;
  copyFileSync(org.dbPath, file);
  const db = await Db.open(file, { pending: false });
  try {
    await db.transaction(async (tx) => {
      const repos = await tx.all<{ id: number }>('SELECT id FROM repositories');
      for (const { id } of repos) {
        const commits = await tx.all<{ sha: string; t: number }>(
          'SELECT sha, commit_time AS t FROM git_commits WHERE repo_id = ? ORDER BY commit_time, sha',
          [id],
        );
        const runs = await tx.all<{ id: number; attempt: number; created_at: number }>(
          `SELECT id, attempt, created_at FROM github_workflow_runs WHERE repo_id = ? AND workflow_name = 'Deploy'`,
          [id],
        );
        for (const run of runs) {
          // the newest commit at or before the run's start
          let lo = 0;
          let hi = commits.length - 1;
          let at = -1;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (commits[mid]!.t <= run.created_at) {
              at = mid;
              lo = mid + 1;
            } else hi = mid - 1;
          }
          if (at < 0) continue;
          await tx.run(
            'UPDATE github_workflow_runs SET head_sha = ? WHERE repo_id = ? AND id = ? AND attempt = ?',
            [commits[at]!.sha, id, run.id, run.attempt],
          );
        }
      }
    });
  } finally {
    await db.close();
  }
  writeFileSync(marker, new Date().toISOString());
  return file;
}

export async function benchDora(dbPath?: string): Promise<Record<string, string | number>> {
  const org = dbPath ? null : await buildBigOrg(ROOT);
  const file = dbPath ?? (await shippingCopy(org!));
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
