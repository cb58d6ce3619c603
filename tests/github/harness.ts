// Shared setup for the GitHub collector tests: a generated org served by the
// local GitHub, a fresh database file, and a client with short waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../agent/store/db.js';
import { GithubClient, type GithubClientOptions } from '../../collectors/github/client.js';
import { collectGithubRepository } from '../../collectors/github/collect.js';
import { runCli } from '../support/cli.js';
import type { GenOrg, GenPullRequest, GenRun } from '../support/github-generator.js';
import { type GithubServer, startGithubServer } from '../support/github-server/server.js';

export const TOKEN = 'ghp_TESTtokenDoNotLeak0123456789abcdefXYZ';

/**
 * `dx-audit collect github OWNER/REPO ...args` through the real CLI against a
 * local GitHub, with the test token and no other GitHub setting (nor a `gh`
 * on PATH) from the machine it runs on.
 */
export function collectCli(server: GithubServer, dbPath: string, repo: string, args: string[] = []) {
  return runCli(['collect', 'github', repo, ...args, '--github-url', server.url, '--db', dbPath], {
    env: {
      GITHUB_TOKEN: TOKEN,
      GH_TOKEN: '',
      GITHUB_API_URL: '',
      GITHUB_GRAPHQL_URL: '',
      PATH: '/nonexistent',
    },
  });
}

export interface Harness {
  server: GithubServer;
  dir: string;
  dbPath: string;
  client(extra?: Partial<GithubClientOptions>): GithubClient;
  sync(
    repo: string,
    extra?: {
      signal?: AbortSignal;
      client?: GithubClient;
      since?: Date;
      jobsVia?: 'rest' | 'graphql';
      now?: Date;
      onProgress?: (text: string) => void;
    },
  ): ReturnType<typeof collectGithubRepository>;
  query<T>(sql: string, params?: (string | number)[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function harness(org: GenOrg, options: { latencyMs?: number } = {}): Promise<Harness> {
  const server = await startGithubServer(org, { token: TOKEN, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'dx-gh-'));
  const dbPath = join(dir, 'dx.db');
  const client = (extra: Partial<GithubClientOptions> = {}) =>
    new GithubClient({
      apiUrl: server.url,
      graphqlUrl: server.graphqlUrl,
      token: TOKEN,
      retryBaseMs: 5,
      rateLimitMsPerSecond: 20,
      ...extra,
    });
  return {
    server,
    dir,
    dbPath,
    client,
    async sync(repo, extra = {}) {
      const db = await Db.open(dbPath);
      try {
        return await collectGithubRepository(db, extra.client ?? client({ signal: extra.signal }), repo, {
          since: extra.since ?? null,
          // REST unless asked: these tests pin one jobs request per run (runners and labels included).
          jobsVia: extra.jobsVia ?? 'rest',
          ...(extra.now ? { now: extra.now } : {}),
          signal: extra.signal,
          onProgress: extra.onProgress,
        });
      } finally {
        await db.close();
      }
    },
    async query<T>(sql: string, params: (string | number)[] = []) {
      const db = await Db.open(dbPath);
      try {
        return await db.all<T>(sql, params);
      } finally {
        await db.close();
      }
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const s = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/** The pull request row dx-audit must store, computed from the generator's ground truth. */
export function expectedPullRequest(pr: GenPullRequest) {
  return {
    number: pr.number,
    title: pr.title,
    author: pr.author.login,
    author_is_bot: pr.author.bot ? 1 : 0,
    state: pr.state,
    draft: pr.isDraft ? 1 : 0,
    created_at: s(pr.createdAt),
    ready_at: s(pr.readyAt),
    closed_at: s(pr.closedAt),
    merged_at: s(pr.mergedAt),
    base_ref: pr.baseRef,
    head_ref: pr.headRef,
    head_sha: pr.headSha,
    additions: pr.files.reduce((a, f) => a + f.additions, 0),
    deletions: pr.files.reduce((a, f) => a + f.deletions, 0),
    changed_files: pr.files.length,
    commits_count: pr.commits.length,
    comments_count: pr.comments,
    first_commit_at: s(Math.min(...pr.commits.map((c) => c.authoredAt))),
    updated_at: s(pr.updatedAt),
    reviews: pr.reviews.length,
    files: pr.files.length,
    commits: pr.commits.length,
  };
}

/** Every (run, attempt) row dx-audit must store for a finished run. */
export function expectedAttempts(run: GenRun) {
  return run.attempts.map((a, i) => {
    const latest = i === run.attempts.length - 1;
    const created = a.jobs.map((j) => s(j.createdAt)!);
    const completed = a.jobs.map((j) => s(j.completedAt)).filter((t): t is number => t !== null);
    return {
      id: run.id,
      attempt: a.attempt,
      workflow_name: run.workflow.name,
      event: run.event,
      branch: run.branch,
      head_sha: run.headSha,
      status: a.status,
      conclusion: a.conclusion,
      created_at: s(run.createdAt),
      // the first attempt started when the run was created, a middle one with its first job
      run_started_at: latest ? s(a.runStartedAt) : i === 0 ? s(run.createdAt) : Math.min(...created),
      updated_at: latest ? s(a.updatedAt) : Math.max(...completed),
      from_jobs: latest ? 0 : 1,
    };
  });
}

const TABLES: Record<string, string> = {
  github_pull_requests: 'number',
  github_pr_reviews: 'pr_number, id',
  github_pr_review_requests: 'pr_number, reviewer',
  github_pr_commits: 'pr_number, position',
  github_pr_files: 'pr_number, path',
  github_pr_events: 'pr_number, kind, created_at',
  github_workflow_runs: 'id, attempt',
  github_jobs: 'id',
};

/** Every normalised GitHub row (without raw ids, which differ between syncs), for comparing syncs. */
export async function dumpGithub(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const rows = await h.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY repo_id, ${order}`);
    out[table] = rows.map(({ raw_id: _raw, ...rest }) => rest);
  }
  return out;
}
