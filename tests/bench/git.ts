// Git ingestion benchmark: a generated 80,000-commit history, bare
// `git log --numstat --no-renames` against `dx-audit collect git` over the same
// range, the ingestion's own peak memory, and an unchanged re-run.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { generateHistory } from '../support/history-generator.js';
import {
  BIN,
  cacheDir,
  exists,
  freshFile,
  median,
  printTable,
  type Row,
  timeCommand,
  verdict,
} from './util.js';

export const HISTORY = {
  commits: 80_000,
  files: 3_000,
  authors: 200,
  seed: 80,
  bigChangeEvery: 500,
  bigChangeFiles: 40,
};

/** The generated repository (created once, then reused from .bench-cache). */
export async function benchRepository(): Promise<string> {
  const path = cacheDir(`history-${HISTORY.commits}-${HISTORY.files}-${HISTORY.seed}`);
  if (!exists(join(path, '.git', 'dx-bench-complete'))) {
    execFileSync('rm', ['-rf', path]);
    execFileSync('git', ['init', '-q', '-b', 'main', path]);
    const started = Date.now();
    process.stdout.write(
      `generating ${HISTORY.commits} commits over ${HISTORY.files} files with git fast-import…`,
    );
    await generateHistory(path, HISTORY);
    execFileSync('touch', [join(path, '.git', 'dx-bench-complete')]);
    console.log(` ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return path;
}

/** Measures, prints its table, and returns the ingested database and the rows (for the summary). */
export async function benchGit(): Promise<{ repo: string; db: string; rows: Row[] }> {
  const repo = await benchRepository();
  const db = join(cacheDir('db'), 'git.db');
  const rounds = 3;
  const bare: number[] = [];
  const ours: number[] = [];
  const rss: number[] = [];
  const env = { ...process.env, DX_AUDIT_DB: '' };
  // warm the page cache once
  await timeCommand('git', ['log', '--numstat', '--no-renames'], { cwd: repo, discardStdout: true });
  for (let round = 0; round < rounds; round += 1) {
    const git = await timeCommand('git', ['log', '--numstat', '--no-renames'], {
      cwd: repo,
      discardStdout: true,
    });
    if (git.code !== 0) throw new Error(`git log failed: ${git.stderr}`);
    bare.push(git.ms);
    freshFile(db);
    const run = await timeCommand(process.execPath, [BIN, 'collect', 'git', repo, '--db', db, '--quiet'], {
      env,
    });
    if (run.code !== 0) throw new Error(`collect git failed: ${run.stderr}`);
    ours.push(run.ms);
    rss.push(run.peakRssMb);
  }
  const reruns: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const rerun = await timeCommand(process.execPath, [BIN, 'collect', 'git', repo, '--db', db, '--json'], {
      env,
    });
    if (!rerun.stdout.includes('"unchanged"')) throw new Error(`re-run was not unchanged: ${rerun.stdout}`);
    reruns.push(rerun.ms);
  }
  const commits = execFileSync('git', ['rev-list', '--count', 'HEAD'], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
  const bareMs = median(bare);
  const oursMs = median(ours);
  const ratio = oursMs / bareMs;
  const peak = Math.max(...rss);
  const rerunMs = median(reruns);
  const rows: Row[] = [
    [
      'history',
      `${commits} commits, ${HISTORY.files} files`,
      '≥ 80,000 commits',
      verdict(Number(commits) >= 80_000),
    ],
    ['bare git log --numstat --no-renames (median of 3)', `${(bareMs / 1000).toFixed(2)} s`, '', ''],
    ['dx-audit collect git, fresh database (median of 3)', `${(oursMs / 1000).toFixed(2)} s`, '', ''],
    ['ratio collect / bare git', `${ratio.toFixed(2)}×`, '≤ 1.25×', verdict(ratio <= 1.25)],
    ['peak RSS of the ingestion process', `${peak.toFixed(0)} MB`, '< 300 MB', verdict(peak < 300)],
    ['unchanged re-run (median of 3)', `${(rerunMs / 1000).toFixed(2)} s`, '< 1 s', verdict(rerunMs < 1000)],
  ];
  printTable('Git ingestion', rows);
  return { repo, db, rows };
}
