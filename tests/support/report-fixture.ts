// A real audit database for the renderer tests: a generated organisation's
// GitHub data written through the collector's own writers, git clones that
// mirror its merged pull requests collected by `dx-audit collect git`, and a
// local build timed by `dx-audit build` (a real process). The report is what
// the analysis computes from it. With `evil`, every place a repository
// controls text (PR titles, branch names, workflow names, file names, the
// build command) carries hostile strings.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { inject } from 'vitest';
import { analyse } from '../../agent/analysis/analyse.js';
import type { Report } from '../../agent/analysis/model.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';
import { runCli } from './cli.js';
import { gitEnv } from './git-repo.js';
import { type GenOrg, generateOrg } from './github-generator.js';
import { writeMirror } from './scenarios.js';
import { seedOrg } from './seed-github.js';

export const HOSTILE = {
  script: '</script><script>window.__pwned=1</script>',
  img: '<img src=x onerror="window.__pwned=2;alert(1)">',
  comment: '<!-- x',
  separators: 'line\u2028sep\u2029para',
  dollar: "$& $1 $` $' {{DATA}}",
  markdown: 'pipe | *star* _under_ [link](http://x) `tick`',
};

/** Every hostile string joined, with a prefix so each use is distinct. */
export const hostile = (prefix: string) => `${prefix} ${Object.values(HOSTILE).join(' ')}`;

/** A file name that is valid on disk and in git but hostile in HTML (no slash, no newline). */
export const HOSTILE_FILE = `evil ${HOSTILE.img} $& {{DATA}}.ts`;

/** The end of the fixture's history: Monday 2024-02-12 00:00 UTC (the window ends at its newest data, on 2024-02-11). */
export const FIXTURE_NOW = new Date('2024-02-12T00:00:00Z');

/** Teams of the fixture: the first three people are "platform", the next three "payments". */
export function fixtureTeams(org: GenOrg): Record<string, string[]> {
  const logins = org.people.map((p) => p.login);
  return { platform: logins.slice(0, 3), payments: logins.slice(3, 6) };
}

export interface FixtureDatabase {
  dbPath: string;
  org: GenOrg;
  /** Local clone folders, one per repository (named after it). */
  clones: string[];
  teams: Record<string, string[]>;
}

/**
 * Version tags on every fourth commit of the first repository, two hours after
 * it (annotated, so the tagger date is the deployment time): DORA's keys from
 * the local clone.
 */
async function tagReleases(path: string): Promise<void> {
  const env = { ...process.env, ...gitEnv() };
  const { stdout } = await execa('git', ['log', '--reverse', '--format=%H %ct', 'main'], { cwd: path, env });
  const commits = stdout.split('\n').map((line) => line.split(' ') as [string, string]);
  for (let n = 3; n < commits.length; n += 4) {
    const [sha, time] = commits[n]!;
    const at = `${Number(time) + 2 * 3600} +0000`;
    await execa('git', ['tag', '-a', `v1.${(n - 3) / 4}.0`, '-m', 'release', sha], {
      cwd: path,
      env: { ...env, GIT_COMMITTER_DATE: at },
    });
  }
}

/** The fixture's organisation (deterministic: the same every call). */
export function fixtureOrg(evil = false): GenOrg {
  const org = generateOrg({
    seed: 2024,
    repos: 2,
    prsPerRepo: 36,
    people: 8,
    prRuns: true,
    days: 42,
    now: FIXTURE_NOW.toISOString(),
    botPrRate: 0.08,
  });
  // the generator's "Deploy" workflow runs on commits the mirrors do not have: the fixture ships by version tags instead
  for (const repo of org.repositories)
    for (const run of repo.runs)
      if (/deploy/i.test(run.workflow.name)) run.workflow = { ...run.workflow, name: 'Package' };
  if (evil) {
    for (const repo of org.repositories) {
      for (const pr of repo.pullRequests) {
        pr.title = hostile(`title ${pr.number}`);
        pr.headRef = hostile('branch');
      }
      for (const run of repo.runs)
        if (run.workflow.name === 'CI') run.workflow = { ...run.workflow, name: hostile('workflow') };
    }
  }
  return org;
}

/** Builds the fixture database under `dir` (about 10 s: two clones, `collect git`, `build`). */
export async function fixtureDatabase(dir: string, evil = false): Promise<FixtureDatabase> {
  const org = fixtureOrg(evil);
  const dbPath = join(dir, 'dx.db');
  const clones: string[] = [];
  for (const [i, repo] of org.repositories.entries()) {
    const path = join(dir, repo.name);
    await writeMirror(path, `${repo.owner}/${repo.name}`, repo.pullRequests, 7 + i);
    if (evil && i === 0) {
      // a hostile file name, changed often enough together with another file to be a hotspot and a coupled pair
      const env = { ...process.env, ...gitEnv() };
      for (let n = 0; n < 6; n += 1) {
        writeFileSync(join(path, HOSTILE_FILE), `line ${n}\n`.repeat(n + 3));
        writeFileSync(join(path, 'price.ts'), `price ${n}\n`.repeat(n + 2));
        await execa('git', ['add', '-A'], { cwd: path, env });
        const at = `${Math.floor(FIXTURE_NOW.getTime() / 1000) - (8 - n) * 3600} +0000`;
        await execa('git', ['commit', '-q', '-m', `tweak ${n}`], {
          cwd: path,
          env: { ...env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at },
        });
      }
    }
    if (i === 0) await tagReleases(path);
    clones.push(path);
  }
  const collected = await runCli(['--db', dbPath, 'collect', 'git', ...clones], { cwd: dir });
  if (collected.exitCode !== 0) throw new Error(`collect git failed: ${collected.stderr}`);
  await seedOrg(dbPath, org);
  const command = evil
    ? ['node', '-e', `setTimeout(() => {}, 30) // ${HOSTILE.script}`]
    : ['node', '-e', 'setTimeout(() => {}, 30)'];
  const built = await runCli(
    ['--db', dbPath, 'build', clones[0]!, '--runs', '2', '--warmup', '0', '--', ...command],
    {
      cwd: dir,
    },
  );
  if (built.exitCode !== 0) throw new Error(`build failed: ${built.stderr}`);
  return { dbPath, org, clones, teams: fixtureTeams(org) };
}

/** The mark of a finished fixture build in its folder. */
export const FIXTURE_READY = '.ready';
/** The mark of a failed fixture build in its folder; it holds the error. */
export const FIXTURE_FAILED = '.failed';

/** The fixture database built once for the whole test run (tests/support/global-setup.ts), once it is built. */
export async function sharedFixture(evil = false): Promise<FixtureDatabase> {
  const dir = inject(evil ? 'fixtureEvil' : 'fixtureClean');
  while (!existsSync(join(dir, FIXTURE_READY))) {
    if (existsSync(join(dir, FIXTURE_FAILED)))
      throw new Error(
        `the fixture database was not built: ${readFileSync(join(dir, FIXTURE_FAILED), 'utf8')}`,
      );
    await new Promise((ok) => setTimeout(ok, 50));
  }
  const org = fixtureOrg(evil);
  return {
    dbPath: join(dir, 'dx.db'),
    org,
    clones: org.repositories.map((r) => join(dir, r.name)),
    teams: fixtureTeams(org),
  };
}

/** The report of the fixture database, as every output of `dx-audit` would compute it (window: up to now, clamped to the data). */
export async function fixtureReport(fixture: FixtureDatabase, detail = false): Promise<Report> {
  const db = await Db.open(fixture.dbPath);
  try {
    const now = new Date();
    return await analyse(db, {
      since: null,
      until: now,
      now,
      detail,
      top: 50,
      config: { ...DEFAULT_CONFIG, teams: fixture.teams },
    });
  } finally {
    await db.close();
  }
}
