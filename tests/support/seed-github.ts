// Writes a generated organisation straight into the database through the
// GitHub collector's own writers (agent/store/github.ts), without HTTP: the
// rows are the ones `collect github` stores for the same data (one raw row per
// repository stands in for the API responses). Used by the benchmark, which
// needs a year of a 200-engineer organisation: ≥ 50,000 PRs, ≥ 200,000 runs
// and, in git, ≥ 100,000 commits mirroring the merged PRs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Db } from '../../agent/store/db.js';
import {
  insertRaw,
  type JobRow,
  type PullRequestWrite,
  type RunRow,
  writeJobs,
  writePullRequests,
  writeRuns,
} from '../../agent/store/github.js';
import { upsertGithubRepository } from '../../agent/store/repositories.js';
import { runCli } from './cli.js';
import {
  type GeneratorOptions,
  type GenOrg,
  type GenPullRequest,
  type GenRun,
  generateOrg,
} from './github-generator.js';
import { writeMirror } from './scenarios.js';

export interface SeedOptions {
  /** Pull requests written per statement batch (default 2,000). */
  batch?: number;
}

export interface SeedResult {
  repositories: number;
  pullRequests: number;
  runs: number;
  attempts: number;
  jobs: number;
}

const sec = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/** The rows `collect github` would store for one pull request (pr-extractor's column order). */
export function pullRequestRows(pr: GenPullRequest, rawId: number): PullRequestWrite {
  const additions = pr.files.reduce((s, f) => s + f.additions, 0);
  const deletions = pr.files.reduce((s, f) => s + f.deletions, 0);
  const firstCommit = pr.commits.length ? Math.min(...pr.commits.map((c) => c.authoredAt)) : null;
  const requests = new Map<string, (string | number | null)[]>();
  for (const e of pr.events) {
    if (e.kind !== 'review_requested' || !e.reviewer) continue;
    if (!requests.has(e.reviewer.login)) {
      requests.set(e.reviewer.login, [
        e.reviewer.login,
        e.reviewer.bot ? 'Bot' : 'User',
        sec(e.at),
        0,
        rawId,
      ]);
    }
  }
  for (const p of pr.pendingReviewers) {
    const row = requests.get(p.login);
    if (row) row[3] = 1;
    else requests.set(p.login, [p.login, p.bot ? 'Bot' : 'User', null, 1, rawId]);
  }
  return {
    pr: [
      pr.number,
      pr.title,
      pr.author.login,
      pr.author.bot ? 1 : 0,
      pr.state,
      pr.isDraft ? 1 : 0,
      sec(pr.createdAt),
      sec(pr.readyAt),
      sec(pr.closedAt),
      sec(pr.mergedAt),
      pr.baseRef,
      pr.headRef,
      pr.headSha,
      additions,
      deletions,
      pr.files.length,
      pr.commits.length,
      pr.comments,
      sec(firstCommit),
      sec(pr.updatedAt),
      rawId,
    ],
    reviews: pr.reviews.map((r) => [
      r.id,
      r.author.login,
      r.author.bot ? 1 : 0,
      r.state,
      sec(r.submittedAt),
      rawId,
    ]),
    requests: [...requests.values()],
    commits: pr.commits.map((c, i) => [c.sha, i, sec(c.authoredAt), sec(c.committedAt), rawId]),
    files: pr.files.map((f) => [f.path, f.additions, f.deletions, rawId]),
    events: pr.events
      .filter((e) => e.kind !== 'review_requested')
      .map((e) => [
        e.kind,
        sec(e.at),
        e.actor.login,
        e.kind === 'head_ref_force_pushed'
          ? JSON.stringify({ before: e.before ?? null, after: e.after ?? null })
          : null,
        rawId,
      ]),
  };
}

/** The attempt and job rows `collect github` would store for one run (earlier attempts rebuilt from jobs). */
export function runRows(run: GenRun, rawId: number): { runs: RunRow[]; jobs: JobRow[] } {
  const runs: RunRow[] = [];
  const jobs: JobRow[] = [];
  run.attempts.forEach((a, i) => {
    const latest = i === run.attempts.length - 1;
    const completed = a.jobs.map((j) => sec(j.completedAt)).filter((t): t is number => t !== null);
    runs.push([
      run.id,
      a.attempt,
      run.workflow.id,
      run.workflow.name,
      run.event,
      run.branch,
      run.headSha,
      a.status,
      a.conclusion,
      sec(run.createdAt)!,
      latest ? sec(a.runStartedAt) : Math.min(...a.jobs.map((j) => sec(j.createdAt)!)),
      latest ? sec(a.updatedAt)! : Math.max(...completed),
      latest ? 0 : 1,
      1,
      rawId,
    ]);
    for (const j of a.jobs) {
      jobs.push([
        j.id,
        run.id,
        a.attempt,
        j.name,
        j.runner,
        JSON.stringify(j.labels),
        j.status,
        j.conclusion,
        sec(j.createdAt)!,
        sec(j.startedAt),
        sec(j.completedAt),
        rawId,
      ]);
    }
  });
  return { runs, jobs };
}

/**
 * Writes every repository of `org` (pull requests with reviews, requests,
 * commits, files and events; runs with all attempts and jobs) into the
 * database at `dbPath`. A repository already known by its GitHub name (e.g.
 * from `collect git` on a clone whose origin points to it) gets the rows.
 */
export async function seedOrg(dbPath: string, org: GenOrg, options: SeedOptions = {}): Promise<SeedResult> {
  const batch = options.batch ?? 2000;
  const result: SeedResult = { repositories: 0, pullRequests: 0, runs: 0, attempts: 0, jobs: 0 };
  const db = await Db.open(dbPath);
  try {
    for (const repo of org.repositories) {
      await db.transaction(async (tx) => {
        const slug = `${repo.owner}/${repo.name}`;
        const repoId = await upsertGithubRepository(tx, slug);
        const rawId = await insertRaw(tx, {
          runId: null,
          repoId,
          kind: 'seed',
          method: 'GET',
          url: `/repos/${slug}`,
          status: 200,
          etag: null,
          body: JSON.stringify({
            seeded: slug,
            pullRequests: repo.pullRequests.length,
            runs: repo.runs.length,
          }),
        });
        for (let i = 0; i < repo.pullRequests.length; i += batch) {
          await writePullRequests(
            tx,
            repoId,
            repo.pullRequests.slice(i, i + batch).map((pr) => pullRequestRows(pr, rawId)),
          );
        }
        for (let i = 0; i < repo.runs.length; i += batch) {
          const runs: RunRow[] = [];
          const jobs: JobRow[] = [];
          for (const run of repo.runs.slice(i, i + batch)) {
            const rows = runRows(run, rawId);
            runs.push(...rows.runs);
            jobs.push(...rows.jobs);
          }
          await writeRuns(tx, repoId, runs);
          await writeJobs(tx, repoId, jobs);
          result.attempts += runs.length;
          result.jobs += jobs.length;
        }
      });
      result.repositories += 1;
      result.pullRequests += repo.pullRequests.length;
      result.runs += repo.runs.length;
    }
  } finally {
    await db.close();
  }
  return result;
}

/** Shape of the benchmark organisation. */
export const BIG_ORG = {
  seed: 2025,
  repos: 10,
  people: 200,
  days: 365,
  prsPerRepo: 5200,
  runsPerRepo: 1500,
  now: '2025-06-30T00:00:00Z',
} as const;

export interface BigOrg {
  dbPath: string;
  /** Local clones, one per repository. */
  repoPaths: string[];
  since: string;
  until: string;
  /** Whether this call built it (false: taken from the cache). */
  built: boolean;
  counts: { pullRequests: number; runs: number; commits: number };
  /** Seconds spent on each step when built. */
  seconds: { generate: number; git: number; collectGit: number; seed: number } | null;
}

/**
 * The benchmark's organisation: a year of 200 engineers in 10 repositories
 * (every person works in one), ≥ 50,000 PRs and ≥ 200,000 runs in the
 * database, and git clones whose ≥ 100,000 commits mirror the merged PRs
 * (one commit per PR commit), collected by `dx-audit collect git`. Built once
 * under `<dir>/.bench-cache/big-org-<key>/` and reused while the parameters stay.
 */
export async function buildBigOrg(dir: string): Promise<BigOrg> {
  const params = { ...BIG_ORG, version: 1 };
  const key = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 12);
  const base = join(dir, '.bench-cache', `big-org-${key}`);
  const dbPath = join(base, 'dx.db');
  const marker = join(base, 'done.json');
  const until = new Date(Date.parse(BIG_ORG.now)).toISOString();
  const since = new Date(Date.parse(BIG_ORG.now) - BIG_ORG.days * 86_400_000).toISOString();
  const repoPaths = Array.from({ length: BIG_ORG.repos }, (_, i) => join(base, `service-${i + 1}`));
  if (existsSync(marker)) {
    const { counts } = JSON.parse(readFileSync(marker, 'utf8')) as {
      counts: BigOrg['counts'];
    };
    return { dbPath, repoPaths, since, until, built: false, counts, seconds: null };
  }
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  let t = Date.now();
  const lap = () => {
    const s = (Date.now() - t) / 1000;
    t = Date.now();
    return s;
  };
  const perRepo = BIG_ORG.people / BIG_ORG.repos;
  let logins: string[] = [];
  const options: GeneratorOptions = {
    seed: BIG_ORG.seed,
    repos: BIG_ORG.repos,
    people: BIG_ORG.people,
    days: BIG_ORG.days,
    now: BIG_ORG.now,
    prsPerRepo: BIG_ORG.prsPerRepo,
    runsPerRepo: BIG_ORG.runsPerRepo,
    prRuns: true,
    largePrRate: 0.005,
    tweakPr: (plan) => {
      if (plan.author.bot || logins.length === 0) return;
      // each repository has its own 20 people, who take turns
      const login = logins[plan.repo * perRepo + (plan.index % perRepo)]!;
      plan.author = { login, id: 1001 + logins.indexOf(login), bot: false };
      plan.reviewers = plan.reviewers.map((r, i) => {
        const mate = logins[plan.repo * perRepo + ((plan.index + 1 + i * 7) % perRepo)]!;
        return { ...r, login: mate, id: 1001 + logins.indexOf(mate) };
      });
    },
  };
  logins = Array.from({ length: BIG_ORG.people }, (_, i) => `dev${i + 1}`);
  const org = generateOrg(options);
  const seconds = { generate: lap(), git: 0, collectGit: 0, seed: 0 };
  // three clones at a time: git fast-import compresses while the next history is generated
  let commits = 0;
  let next = 0;
  const worker = async () => {
    while (next < org.repositories.length) {
      const i = next++;
      const repo = org.repositories[i]!;
      commits += await writeMirror(repoPaths[i]!, `${repo.owner}/${repo.name}`, repo.pullRequests, i + 1, {
        commits: 'each',
        maxLines: 60,
      });
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  seconds.git = lap();
  const git = await runCli(['collect', 'git', ...repoPaths, '--db', dbPath, '--quiet'], { cwd: base });
  if (git.exitCode !== 0) throw new Error(`collect git failed: ${git.stderr}`);
  seconds.collectGit = lap();
  const seeded = await seedOrg(dbPath, org);
  seconds.seed = lap();
  const counts = { pullRequests: seeded.pullRequests, runs: seeded.runs, commits };
  writeFileSync(marker, JSON.stringify({ params, counts, seconds }, null, 2));
  return { dbPath, repoPaths, since, until, built: true, counts, seconds };
}
