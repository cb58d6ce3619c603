// Raw Actions responses (runs lists and jobs pages from REST, check suites
// from GraphQL) → run attempts and jobs. The collector applies these rules to
// what it fetches, and `rebuild` to the same responses read back from
// github_raw, so both give the same rows:
//   - a run listed again with the same attempt and updated_at, whose jobs are
//     in, changes nothing;
//   - the listed (latest) attempt replaces its row; earlier attempts are
//     rebuilt from their jobs and never replace a listed attempt;
//   - a suite's check runs become jobs once all its pages are in, their
//     attempts told from repeated job names; a run's REST jobs pages win;
//   - a run GitHub no longer has (404) is kept, marked deleted.

import type { Queryable } from '../../agent/store/db.js';
import {
  type JobRow,
  knownRuns,
  type MalformedRow,
  markRunDeleted,
  type RunRow,
  readRaw,
  writeJobs,
  writeMalformed,
  writeRuns,
} from '../../agent/store/github.js';
import { seconds } from './pr-extractor.js';
import { describeMalformedJob, isWellFormedJob } from './validate.js';

/** A workflow run as the REST runs list returns it. */
export interface RestRun {
  id: number;
  name?: string | null;
  run_attempt?: number;
  workflow_id: number;
  event: string;
  head_branch: string | null;
  head_sha: string;
  status: string | null;
  conclusion: string | null;
  created_at: string;
  run_started_at?: string;
  updated_at: string;
  /** The run's check suite as a GraphQL node id (its jobs are the suite's check runs). */
  check_suite_node_id?: string;
}

/** A job as the REST jobs list returns it (filter=all: every attempt). */
export interface RestJob {
  id: number;
  run_id: number;
  run_attempt?: number;
  name: string;
  runner_name: string | null;
  labels: string[];
  status: string;
  conclusion: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

/** Raw kinds of the Actions stage. */
export const ACTIONS_RAW_KINDS = {
  runs: 'rest:workflow_runs',
  jobs: 'rest:jobs',
  missing: 'rest:workflow_run_missing',
  checkSuites: 'graphql:check_suites',
  checkRuns: 'graphql:check_runs',
} as const;

/**
 * A check run (a job) as the check suites query asks for it. Its `databaseId` is a 32-bit Int in
 * GitHub's schema and cannot hold today's job ids, so the id comes from the node id instead.
 */
export interface GqlCheckRun {
  id: string;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** A check suite (a workflow run) with its first page of check runs of every attempt. */
export interface GqlCheckSuite {
  id: string;
  createdAt: string;
  checkRuns: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: GqlCheckRun[] };
}

/**
 * The database id inside a GitHub node id of the current format: `PREFIX_` + base64url of a
 * MessagePack array whose last element is the id (e.g. CR_kwDOOJ953c8AAAAJFkJoag → 39028156522).
 */
export function databaseIdOf(nodeId: string): number {
  const bytes = Buffer.from(nodeId.slice(nodeId.indexOf('_') + 1), 'base64url');
  const head = bytes[0] ?? 0;
  if (head < 0x91 || head > 0x9f) throw new Error(`unexpected GitHub node id ${nodeId}`);
  let at = 1;
  let last = 0;
  for (let i = 0; i < (head & 0x0f); i += 1) {
    const tag = bytes[at]!;
    if (tag < 0x80) [last, at] = [tag, at + 1];
    else if (tag === 0xcc) [last, at] = [bytes.readUInt8(at + 1), at + 2];
    else if (tag === 0xcd) [last, at] = [bytes.readUInt16BE(at + 1), at + 3];
    else if (tag === 0xce) [last, at] = [bytes.readUInt32BE(at + 1), at + 5];
    else if (tag === 0xcf) [last, at] = [Number(bytes.readBigUInt64BE(at + 1)), at + 9];
    else throw new Error(`unexpected GitHub node id ${nodeId}`);
  }
  return last;
}

/**
 * Which attempt each check run of a suite belongs to, in the order given, or null when the check
 * runs cannot tell. GitHub's CheckRun has no attempt number: a re-run adds a new check run per
 * job to the same suite, so when every job name occurs exactly `run_attempt` times, the k-th
 * check run of a name (by id, which grows with creation) is attempt k. Anything else (a partial
 * "re-run failed jobs", two jobs sharing a name, attempts overlapping in time) is null: the
 * caller reads that run's jobs through REST instead. So is a run of three or more attempts,
 * because GraphQL has no start time for the attempts between the first and the latest.
 */
export function attemptsOfCheckRuns(run: RestRun, checkRuns: readonly GqlCheckRun[]): number[] | null {
  const latest = run.run_attempt ?? 1;
  if (latest === 1) return checkRuns.map(() => 1);
  // A middle attempt's start is in no GraphQL field (the run carries its first and latest).
  if (latest > 2) return null;
  const order = checkRuns.map((c, i) => ({ i, id: databaseIdOf(c.id), name: c.name }));
  order.sort((a, b) => a.id - b.id);
  const seen = new Map<string, number>();
  const attempts: number[] = new Array<number>(checkRuns.length);
  for (const { i, name } of order) {
    const k = (seen.get(name) ?? 0) + 1;
    seen.set(name, k);
    attempts[i] = k;
  }
  if ([...seen.values()].some((n) => n !== latest)) return null;
  // Attempts follow one another: each starts after the one before has ended.
  for (let k = 2; k <= latest; k += 1) {
    const ended = checkRuns.flatMap((c, i) => (attempts[i] === k - 1 ? [seconds(c.completedAt) ?? 0] : []));
    const started = checkRuns.flatMap((c, i) => {
      const t = attempts[i] === k ? seconds(c.startedAt) : null;
      return t === null ? [] : [t];
    });
    if (started.length > 0 && Math.min(...started) < Math.max(...ended)) return null;
  }
  return attempts;
}

/**
 * A run's check runs (every page of its suite) as jobs, or null when their attempts are unclear
 * (see attemptsOfCheckRuns). GraphQL has no job creation time, runner or labels: runner and labels
 * stay empty, and a job counts as created when its attempt started: the latest attempt at the
 * run's run_started_at, the first at the run's creation (the only two attempts it reads).
 */
export function jobsFromCheckRuns(run: RestRun, checkRuns: readonly GqlCheckRun[]): RestJob[] | null {
  const attempts = attemptsOfCheckRuns(run, checkRuns);
  if (!attempts) return null;
  const latest = run.run_attempt ?? 1;
  const startOf = (k: number): string =>
    k === latest ? (run.run_started_at ?? run.created_at) : run.created_at;
  const lower = (s: string | null) => (s === null ? null : s.toLowerCase());
  return checkRuns.map((c, i) => ({
    id: databaseIdOf(c.id),
    run_id: run.id,
    run_attempt: attempts[i]!,
    name: c.name,
    runner_name: null,
    labels: [],
    status: lower(c.status)!,
    conclusion: lower(c.conclusion),
    created_at: startOf(attempts[i]!),
    started_at: c.startedAt,
    completed_at: c.completedAt,
  }));
}

/** The check runs of each listed run held in one stored check suites answer (runs known by their suite's node id). */
export function checkSuitePages(
  body: string,
  rawId: number,
  runOfSuite: ReadonlyMap<string, RestRun>,
): Map<number, JobsPages> {
  const data = JSON.parse(body) as { nodes: (GqlCheckSuite | null)[] };
  const out = new Map<number, JobsPages>();
  for (const suite of data.nodes) {
    const run = suite ? runOfSuite.get(suite.id) : undefined;
    if (!suite || run === undefined) continue;
    out.set(run.id, [{ rawId, jobs: [], checkRuns: suite.checkRuns.nodes }]);
  }
  return out;
}

/** Listed runs by check suite node id. */
export function runsBySuite(runs: readonly RestRun[]): Map<string, RestRun> {
  return new Map(runs.flatMap((r) => (r.check_suite_node_id ? [[r.check_suite_node_id, r] as const] : [])));
}

/**
 * Jobs pages with check runs turned into jobs, all pages of the run at once (attempts are told
 * from every check run of the suite); null when the check runs leave attempts unclear.
 */
export function settleJobs(run: RestRun, pages: JobsPages): JobsPages | null {
  if (!pages.some((p) => p.checkRuns)) return pages;
  const all = pages.flatMap((p) => p.checkRuns ?? []);
  const jobs = jobsFromCheckRuns(run, all);
  if (!jobs) return null;
  let at = 0;
  return pages.map((p) => {
    if (!p.checkRuns) return p;
    const mine = jobs.slice(at, at + p.checkRuns.length);
    at += p.checkRuns.length;
    return { rawId: p.rawId, jobs: mine };
  });
}

/** What is stored about listed runs (from knownRuns). */
export type KnownRuns = Awaited<ReturnType<typeof knownRuns>>;

/** The runs of a list that need their jobs: finished, and new, re-run or without jobs so far. */
export function runsNeedingJobs(runs: readonly RestRun[], known: KnownRuns): RestRun[] {
  return runs.filter((run) => {
    if (run.status !== 'completed') return false;
    const stored = known.get(run.id);
    const attempt = run.run_attempt ?? 1;
    return !stored || stored.attempt < attempt || stored.status !== 'completed' || !stored.jobsCollected;
  });
}

/** Runs listed exactly as stored (same attempt and update time) and needing no jobs. */
export function unchangedRuns(runs: readonly RestRun[], known: KnownRuns, fetched: ReadonlySet<number>) {
  return new Set(
    runs
      .filter((run) => {
        const stored = known.get(run.id);
        return (
          stored &&
          stored.attempt === (run.run_attempt ?? 1) &&
          stored.updatedAt === seconds(run.updated_at) &&
          !fetched.has(run.id)
        );
      })
      .map((r) => r.id),
  );
}

/**
 * The jobs pages fetched for one run, each with its raw row id: REST jobs, or GraphQL check runs
 * (`checkRuns`, turned into jobs by settleJobs once every page of the run is in).
 */
export type JobsPages = { rawId: number; jobs: RestJob[]; checkRuns?: GqlCheckRun[] }[];

/** Rows for one stored runs list: its runs (listed attempts) and, for runs with jobs pages, jobs and earlier attempts. */
export function extractRuns(
  runs: readonly RestRun[],
  listRawId: number,
  jobsByRun: ReadonlyMap<number, JobsPages>,
  unchanged: ReadonlySet<number>,
): { runs: RunRow[]; jobs: JobRow[]; malformed: MalformedRow[] } {
  const runRows: RunRow[] = [];
  const jobRows: JobRow[] = [];
  // one malformed job (e.g. without created_at) is left out and named; the rest of the run is kept
  const malformed: MalformedRow[] = [];
  for (const run of runs) {
    if (unchanged.has(run.id)) continue;
    const fetched = jobsByRun.get(run.id);
    const pages = fetched ? settleJobs(run, fetched) : null;
    const attempt = run.run_attempt ?? 1;
    runRows.push({
      id: run.id,
      attempt,
      workflowId: run.workflow_id,
      workflowName: run.name ?? String(run.workflow_id),
      event: run.event,
      branch: run.head_branch,
      headSha: run.head_sha,
      status: run.status ?? 'unknown',
      conclusion: run.conclusion,
      createdAt: seconds(run.created_at)!,
      runStartedAt: seconds(run.run_started_at),
      updatedAt: seconds(run.updated_at)!,
      fromJobs: 0,
      jobsCollected: pages ? 1 : 0,
      checkSuiteNodeId: run.check_suite_node_id ?? null,
      rawId: listRawId,
    });
    if (!pages) continue;
    const byAttempt = new Map<number, { jobs: RestJob[]; rawId: number }>();
    for (const page of pages) {
      for (const [index, job] of page.jobs.entries()) {
        if (!isWellFormedJob(job)) {
          const id = (job as { id?: unknown }).id;
          malformed.push({
            kind: 'job',
            ref: typeof id === 'number' ? String(id) : `run ${run.id}, page ${page.rawId}, item ${index + 1}`,
            description: describeMalformedJob(job),
            rawId: page.rawId,
          });
          continue;
        }
        const n = job.run_attempt ?? attempt;
        const entry = byAttempt.get(n) ?? { jobs: [], rawId: page.rawId };
        entry.jobs.push(job);
        byAttempt.set(n, entry);
        jobRows.push({
          id: job.id,
          runId: run.id,
          attempt: n,
          name: job.name,
          runner: job.runner_name,
          labels: JSON.stringify(job.labels ?? []),
          status: job.status,
          conclusion: job.conclusion,
          createdAt: seconds(job.created_at)!,
          startedAt: job.status === 'queued' ? null : seconds(job.started_at),
          completedAt: seconds(job.completed_at),
          rawId: page.rawId,
        });
      }
    }
    // Earlier attempts, rebuilt from their jobs (the runs list shows only the latest).
    for (const [n, entry] of byAttempt) {
      if (n >= attempt) continue;
      runRows.push(attemptFromJobs(run, n, entry.jobs, entry.rawId));
    }
  }
  return { runs: runRows, jobs: jobRows, malformed };
}

/**
 * An earlier attempt's row, ended with its last job. The first attempt started when the run was
 * created; a later one (GitHub lists only the latest) when its first job was created.
 */
export function attemptFromJobs(run: RestRun, attempt: number, jobs: RestJob[], rawId: number): RunRow {
  const created =
    attempt === 1
      ? [seconds(run.created_at)!]
      : jobs.map((j) => seconds(j.created_at)!).filter((t) => t !== null);
  const completed = jobs.map((j) => seconds(j.completed_at)).filter((t): t is number => t !== null);
  const conclusions = jobs.map((j) => j.conclusion);
  const conclusion = conclusions.includes('failure')
    ? 'failure'
    : conclusions.includes('cancelled')
      ? 'cancelled'
      : conclusions.includes('timed_out')
        ? 'timed_out'
        : 'success';
  return {
    id: run.id,
    attempt,
    workflowId: run.workflow_id,
    workflowName: run.name ?? String(run.workflow_id),
    event: run.event,
    branch: run.head_branch,
    headSha: run.head_sha,
    status: 'completed',
    conclusion,
    createdAt: seconds(run.created_at)!,
    runStartedAt: created.length ? Math.min(...created) : null,
    updatedAt: completed.length ? Math.max(...completed) : seconds(run.created_at)!,
    fromJobs: 1,
    jobsCollected: 1,
    checkSuiteNodeId: run.check_suite_node_id ?? null,
    rawId,
  };
}

/** The runs of a stored runs response: a list page, or one run asked for by id. */
export function runsOf(body: unknown): RestRun[] {
  const data = body as { workflow_runs?: RestRun[] };
  return Array.isArray(data.workflow_runs) ? data.workflow_runs : [body as RestRun];
}

/**
 * Re-extracts the runs and jobs of one repository from its stored responses, in the order
 * they were stored (a list, then the jobs pages fetched for it); normalised rows cleared first.
 */
export async function replayActions(q: Queryable, repoId: number): Promise<number> {
  let list: { rawId: number; runs: RestRun[] } | null = null;
  let jobs = new Map<number, JobsPages>();
  let written = 0;
  const flush = async () => {
    if (!list) return;
    const known = await knownRuns(
      q,
      repoId,
      list.runs.map((r) => r.id),
    );
    const rows = extractRuns(
      list.runs,
      list.rawId,
      jobs,
      unchangedRuns(list.runs, known, new Set(jobs.keys())),
    );
    await writeRuns(q, repoId, rows.runs);
    await writeJobs(q, repoId, rows.jobs);
    await writeMalformed(q, repoId, rows.malformed);
    written += rows.runs.length;
    list = null;
    jobs = new Map();
  };
  for await (const raw of readRaw(q, repoId, Object.values(ACTIONS_RAW_KINDS))) {
    // A run's REST jobs pages win over its check runs (stored when these left attempts unclear).
    const fromRest = (runId: number) => jobs.get(runId)?.some((p) => !p.checkRuns) ?? false;
    if (raw.kind === ACTIONS_RAW_KINDS.checkSuites) {
      const suites = runsBySuite(list?.runs ?? []);
      for (const [runId, pages] of checkSuitePages(raw.body, raw.id, suites)) {
        if (!fromRest(runId)) jobs.set(runId, pages);
      }
      continue;
    }
    if (raw.kind === ACTIONS_RAW_KINDS.checkRuns) {
      const runId = Number(raw.params['run']);
      if (fromRest(runId)) continue;
      const data = JSON.parse(raw.body) as { node: GqlCheckSuite };
      const pages = jobs.get(runId) ?? [];
      pages.push({ rawId: raw.id, jobs: [], checkRuns: data.node.checkRuns.nodes });
      jobs.set(runId, pages);
      continue;
    }
    if (raw.kind === ACTIONS_RAW_KINDS.jobs) {
      const runId = Number(raw.params['run'] ?? /\/runs\/(\d+)\/jobs/.exec(raw.url)?.[1]);
      const pages = fromRest(runId) ? jobs.get(runId)! : [];
      pages.push({ rawId: raw.id, jobs: (JSON.parse(raw.body) as { jobs: RestJob[] }).jobs });
      jobs.set(runId, pages);
      continue;
    }
    await flush();
    if (raw.kind === ACTIONS_RAW_KINDS.missing) {
      await markRunDeleted(q, repoId, Number(raw.params['run']));
      continue;
    }
    list = { rawId: raw.id, runs: runsOf(JSON.parse(raw.body)) };
  }
  await flush();
  return written;
}
