// Report benchmark (SPEC §9): the whole report — git, architecture, pull
// requests, CI, diagnosis and costs — for a year of a 200-engineer organisation
// (≥ 50,000 PRs, ≥ 200,000 CI runs, ≥ 100,000 commits) built by the scenario
// generator, timed in-process and through the CLI.
import { performance } from 'node:perf_hooks';
import { analyse } from '../../agent/analysis/analyse.js';
import { Db } from '../../agent/store/db.js';
import { buildBigOrg } from '../support/seed-github.js';
import { BIN, median, ROOT, timeCommand } from './util.js';

export async function benchReport(): Promise<Record<string, string | number>> {
  const started = Date.now();
  const org = await buildBigOrg(ROOT);
  if (org.built)
    console.log(`built the 200-engineer organisation in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const since = new Date(org.since);
  const until = new Date(org.until);
  const inProcess: number[] = [];
  let summary = '';
  for (let i = 0; i < 3; i += 1) {
    const db = await Db.open(org.dbPath, { pending: false });
    const t = performance.now();
    const report = await analyse(db, { since, until, now: until, detail: false, top: 50 });
    inProcess.push((performance.now() - t) / 1000);
    await db.close();
    const people = report.diagnosis.filter((d) => d.kind === 'person');
    summary = `${report.pullRequests?.merged ?? 0} merged PRs, ${report.ci?.runs ?? 0} runs, ${report.git.commits} commits, ${people.length} people diagnosed`;
  }
  const cli: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const run = await timeCommand(
      process.execPath,
      [BIN, 'report', '--format', 'json', '--db', org.dbPath, '--since', org.since, '--until', org.until],
      { discardStdout: true },
    );
    if (run.code !== 0) throw new Error(`report failed: ${run.stderr}`);
    cli.push(run.ms / 1000);
  }
  return {
    'generated (pull requests / CI runs)': `${org.counts.pullRequests} / ${org.counts.runs}`,
    'report contents': summary,
    'report: 200-engineer year, in process (s)': Number(median(inProcess).toFixed(2)),
    'report: 200-engineer year, dx-audit report --format json (s)': Number(median(cli).toFixed(2)),
  };
}
