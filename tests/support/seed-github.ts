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
  type ReviewRequestRow,
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

/** The rows `collect github` would store for one pull request (as pr-extractor builds them). */
export function pullRequestRows(pr: GenPullRequest, rawId: number): PullRequestWrite {
  const additions = pr.files.reduce((s, f) => s + f.additions, 0);
  const deletions = pr.files.reduce((s, f) => s + f.deletions, 0);
  const firstCommit = pr.commits.length ? Math.min(...pr.commits.map((c) => c.authoredAt)) : null;
  const prNumber = pr.number;
  const requests = new Map<string, ReviewRequestRow>();
  for (const e of pr.events) {
    if (e.kind !== 'review_requested' || !e.reviewer) continue;
    if (!requests.has(e.reviewer.login)) {
      requests.set(e.reviewer.login, {
        prNumber,
        reviewer: e.reviewer.login,
        reviewerKind: e.reviewer.bot ? 'Bot' : 'User',
        requestedAt: sec(e.at),
        pending: 0,
        rawId,
      });
    }
  }
  for (const p of pr.pendingReviewers) {
    const row = requests.get(p.login);
    if (row) row.pending = 1;
    else
      requests.set(p.login, {
        prNumber,
        reviewer: p.login,
        reviewerKind: p.bot ? 'Bot' : 'User',
        requestedAt: null,
        pending: 1,
        rawId,
      });
  }
  return {
    pr: {
      number: pr.number,
      title: pr.title,
      author: pr.author.login,
      authorIsBot: pr.author.bot ? 1 : 0,
      state: pr.state,
      draft: pr.isDraft ? 1 : 0,
      createdAt: sec(pr.createdAt)!,
      readyAt: sec(pr.readyAt),
      closedAt: sec(pr.closedAt),
      mergedAt: sec(pr.mergedAt),
      baseRef: pr.baseRef,
      headRef: pr.headRef,
      headSha: pr.headSha,
      additions,
      deletions,
      changedFiles: pr.files.length,
      commitsCount: pr.commits.length,
      commentsCount: pr.comments,
      firstCommitAt: sec(firstCommit),
      updatedAt: sec(pr.updatedAt)!,
      rawId,
    },
    reviews: pr.reviews.map((r) => ({
      prNumber,
      id: r.id,
      author: r.author.login,
      authorIsBot: r.author.bot ? 1 : 0,
      state: r.state,
      submittedAt: sec(r.submittedAt),
      rawId,
    })),
    requests: [...requests.values()],
    commits: pr.commits.map((c, i) => ({
      prNumber,
      sha: c.sha,
      position: i,
      authoredAt: sec(c.authoredAt),
      committedAt: sec(c.committedAt),
      rawId,
    })),
    files: pr.files.map((f) => ({
      prNumber,
      path: f.path,
      additions: f.additions,
      deletions: f.deletions,
      rawId,
    })),
    events: pr.events
      .filter((e) => e.kind !== 'review_requested')
      .map((e) => ({
        prNumber,
        kind: e.kind,
        createdAt: sec(e.at)!,
        actor: e.actor.login,
        detail:
          e.kind === 'head_ref_force_pushed'
            ? JSON.stringify({ before: e.before ?? null, after: e.after ?? null })
            : null,
        rawId,
      })),
  };
}

/**
 * The attempt and job rows `collect github` would store for one run with its default GraphQL jobs
 * (earlier attempts rebuilt from jobs). A run of one or two attempts is read from its check runs:
 * jobs without runner or labels, created when their attempt started (the latest at
 * run_started_at, the first at the run's creation). A run of three or more is read through REST:
 * jobs as GitHub lists them, a middle attempt started when its first job was created.
 */
export function runRows(run: GenRun, rawId: number): { runs: RunRow[]; jobs: JobRow[] } {
  const runs: RunRow[] = [];
  const jobs: JobRow[] = [];
  const viaRest = run.attempts.length > 2;
  run.attempts.forEach((a, i) => {
    const latest = i === run.attempts.length - 1;
    const started = latest
      ? sec(a.runStartedAt)!
      : i === 0
        ? sec(run.createdAt)!
        : Math.min(...a.jobs.map((j) => sec(j.createdAt)!));
    const completed = a.jobs.map((j) => sec(j.completedAt)).filter((t): t is number => t !== null);
    runs.push({
      id: run.id,
      attempt: a.attempt,
      workflowId: run.workflow.id,
      workflowName: run.workflow.name,
      event: run.event,
      branch: run.branch,
      headSha: run.headSha,
      status: a.status,
      conclusion: a.conclusion,
      createdAt: sec(run.createdAt)!,
      runStartedAt: started,
      updatedAt: latest ? sec(a.updatedAt)! : Math.max(...completed),
      fromJobs: latest ? 0 : 1,
      jobsCollected: 1,
      // the local GitHub's check suite node id for this run
      checkSuiteNodeId: `CS_${run.id + 1}`,
      rawId,
    });
    for (const j of a.jobs) {
      jobs.push({
        id: j.id,
        runId: run.id,
        attempt: a.attempt,
        name: j.name,
        runner: viaRest ? j.runner : null,
        labels: viaRest ? JSON.stringify(j.labels) : '[]',
        status: j.status,
        conclusion: j.conclusion,
        createdAt: viaRest ? sec(j.createdAt)! : started,
        startedAt: sec(j.startedAt),
        completedAt: sec(j.completedAt),
        rawId,
      });
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
