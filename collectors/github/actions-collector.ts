// GitHub Actions runs and jobs through REST. The runs list answers at most
// 1,000 results per filtered query, so it is read in `created` windows that
// are split until each holds fewer; windows go oldest first and the cursor
// moves after each one. Jobs: one request per run (filter=all returns every
// attempt's jobs), only for runs that are finished and new or re-run.
// Earlier attempts are rebuilt from their jobs, which costs no request.
//
// Incremental: the next sync lists runs created since the newest one seen,
// minus a look-back for re-runs; with an unchanged single page the list
// answers 304 to its ETag, so an unchanged repository costs one request.

import type { Db } from '../../agent/store/db.js';
import {
  insertRaw,
  type JobRow,
  knownRuns,
  markRunDeleted,
  type RunRow,
  unfinishedRuns,
  writeJobs,
  writeRuns,
} from '../../agent/store/github.js';
import { getState, setState } from '../../agent/store/repositories.js';
import { type GithubClient, GithubHttpError } from './client.js';
import { seconds } from './pr-extractor.js';
import { describeMalformedJob, isWellFormedJob } from './validate.js';

/** Re-runs of runs created this long before the newest run are still seen. */
export const LOOKBACK_SECONDS = 2 * 24 * 3600;
const MAX_RESULTS = 1000;
/** Windows are cut so each should hold about this many runs. */
const WINDOW_TARGET = 800;
const EARLIEST = Date.parse('2018-10-01T00:00:00Z') / 1000; // GitHub Actions did not exist before

interface RestRun {
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
}

interface RestJob {
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

interface RunsPage {
  total_count: number;
  workflow_runs: RestRun[];
}

interface RunsCursor {
  /** Oldest created time covered (Unix s; null = everything). */
  since: number | null;
  /** Newest run created time listed by completed windows (Unix s). */
  newest: number | null;
  /** ETag of the incremental list request, valid while that request fit one page. */
  etag: string | null;
  etagUrl: string | null;
}

/** What one Actions sync did: rows written and requests made, or why it was skipped. */
export interface ActionsCollectResult {
  runs: number;
  attempts: number;
  jobs: number;
  /** Job objects left out because a field the store needs is missing or invalid, one line each. */
  malformedJobs: string[];
  listRequests: number;
  jobRequests: number;
  skipped: string | null;
  unchanged: boolean;
}

/** Where to collect from and into; `since` bounds run creation times. */
export interface ActionsCollectOptions {
  db: Db;
  client: GithubClient;
  repoId: number;
  owner: string;
  name: string;
  runId: number;
  since: Date | null;
  now?: Date;
  signal?: AbortSignal | undefined;
  onProgress?: ((text: string) => void) | undefined;
}

const STEP = 'workflow_runs';

/** Collects the workflow runs (all attempts) and jobs of one repository. */
export async function collectActions(options: ActionsCollectOptions): Promise<ActionsCollectResult> {
  const { db, repoId } = options;
  const scope = `${options.owner}/${options.name}`.toLowerCase();
  const base = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.name)}/actions/runs`;
  const result: ActionsCollectResult = {
    runs: 0,
    attempts: 0,
    jobs: 0,
    malformedJobs: [],
    listRequests: 0,
    jobRequests: 0,
    skipped: null,
    unchanged: false,
  };
  const saved = await getState(db, 'github', scope, STEP);
  const since = options.since ? Math.floor(options.since.getTime() / 1000) : null;
  let cursor: RunsCursor = saved?.cursor
    ? (JSON.parse(saved.cursor) as RunsCursor)
    : { since: null, newest: null, etag: null, etagUrl: null };
  const covered =
    saved?.cursor !== undefined &&
    saved?.cursor !== null &&
    (cursor.since === null || (since !== null && since >= cursor.since));
  if (!covered) cursor = { since, newest: null, etag: null, etagUrl: null };
  const floor =
    cursor.newest !== null
      ? Math.max(cursor.newest - LOOKBACK_SECONDS, cursor.since ?? 0)
      : (cursor.since ?? EARLIEST);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);

  const save = async (update: Partial<RunsCursor>, tx: Parameters<typeof setState>[0]) => {
    cursor = { ...cursor, ...update };
    await setState(tx, 'github', scope, STEP, { cursor: JSON.stringify(cursor), configHash: null });
  };

  try {
    // The open-ended request first: with its ETag it is the whole unchanged re-sync.
    const openUrl = `${base}?${query({ created: `>=${isoSeconds(floor)}`, per_page: '100' })}`;
    const etag = cursor.etagUrl === openUrl ? cursor.etag : null;
    const first = await listPage(options, result, openUrl, etag);
    if (first.status === 304) {
      result.unchanged = true;
    } else if (first.data.total_count <= MAX_RESULTS) {
      await readWindow(options, result, first, openUrl, async (newest, tx) => {
        const onePage = first.data.total_count <= first.data.workflow_runs.length;
        await save(
          {
            newest: maxOrNull(cursor.newest, newest),
            etag: onePage ? first.etag : null,
            etagUrl: onePage ? openUrl : null,
          },
          tx,
        );
      });
    } else {
      // Too many for one query: windows oldest first, each under the 1,000-result cap.
      const windows = splitWindow(floor, now, first.data.total_count);
      while (windows.length > 0) {
        const [from, to] = windows.shift()!;
        const url = `${base}?${query({ created: `${isoSeconds(from)}..${isoSeconds(to)}`, per_page: '100' })}`;
        const page = await listPage(options, result, url, null);
        if (page.status !== 200) continue;
        if (page.data.total_count > MAX_RESULTS && to - from > 1) {
          windows.unshift(...splitWindow(from, to, page.data.total_count));
          continue;
        }
        await readWindow(options, result, page, url, async (newest, tx) => {
          await save({ newest: maxOrNull(cursor.newest, newest ?? to), etag: null, etagUrl: null }, tx);
        });
      }
    }
    // Runs stored unfinished and older than the listed range: ask for each one.
    const stale = (await unfinishedRuns(db, repoId)).filter((r) => r.createdAt < floor);
    for (const run of stale) {
      result.listRequests += 1;
      let one: Awaited<ReturnType<typeof options.client.rest<RestRun>>>;
      try {
        one = await options.client.rest<RestRun>(`${base}/${run.id}`, {
          check: (d) => 'id' in (d as object),
        });
      } catch (error) {
        if (!(error instanceof GithubHttpError && error.status === 404)) throw error;
        // The run was deleted on GitHub: stop asking for it.
        await db.transaction((tx) => markRunDeleted(tx, repoId, run.id));
        continue;
      }
      await storeRuns(
        options,
        result,
        [one.data],
        one.url,
        JSON.stringify(one.data),
        one.etag,
        async () => {},
      );
    }
  } catch (error) {
    if (error instanceof GithubHttpError && (error.status === 404 || error.status === 403)) {
      result.skipped =
        error.status === 404
          ? 'GitHub Actions runs are not available (Actions disabled or not visible to this token)'
          : `GitHub Actions refused access (${error.reason})`;
      return result;
    }
    throw error;
  }
  return result;
}

type Listed = Awaited<ReturnType<typeof listPage>>;

async function listPage(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  url: string,
  etag: string | null,
) {
  result.listRequests += 1;
  return options.client.rest<RunsPage>(url, {
    etag,
    check: (d) =>
      Array.isArray((d as RunsPage).workflow_runs) && typeof (d as RunsPage).total_count === 'number',
  });
}

/** Reads every page of one window (the first already fetched); `done` runs in the last page's transaction. */
async function readWindow(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  first: Listed,
  url: string,
  done: (newest: number | null, tx: Parameters<typeof setState>[0]) => Promise<void>,
): Promise<void> {
  let page: Listed = first;
  let pageUrl = url;
  let newest: number | null = null;
  for (;;) {
    for (const run of page.data.workflow_runs) newest = maxOrNull(newest, seconds(run.created_at));
    const last = page.next === null;
    await storeRuns(
      options,
      result,
      page.data.workflow_runs,
      pageUrl,
      JSON.stringify(page.data),
      page.etag,
      async (tx) => {
        if (last) await done(newest, tx);
      },
    );
    options.onProgress?.(`${options.owner}/${options.name}: ${result.runs} workflow runs`);
    if (last) return;
    pageUrl = page.next!;
    page = await listPage(options, result, pageUrl, null);
  }
}

/** Stores a list of runs: fetches jobs for finished runs that are new or re-run, all in one transaction. */
async function storeRuns(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  runs: RestRun[],
  url: string,
  body: string,
  etag: string | null,
  after: (tx: Parameters<typeof setState>[0]) => Promise<void>,
): Promise<void> {
  const { db, repoId } = options;
  const known = await knownRuns(
    db,
    repoId,
    runs.map((r) => r.id),
  );
  const needJobs = runs.filter((run) => {
    if (run.status !== 'completed') return false;
    const stored = known.get(run.id);
    const attempt = run.run_attempt ?? 1;
    return !stored || stored.attempt < attempt || stored.status !== 'completed' || !stored.jobsCollected;
  });
  const unchanged = runs.filter((run) => {
    const stored = known.get(run.id);
    return (
      stored &&
      stored.attempt === (run.run_attempt ?? 1) &&
      stored.updatedAt === seconds(run.updated_at) &&
      !needJobs.includes(run)
    );
  });
  if (runs.length > 0 && unchanged.length === runs.length) {
    // Nothing new on this page: only the cursor moves.
    await db.transaction(after);
    return;
  }
  // Jobs requests a few at a time (the client caps requests in flight).
  const jobs = new Map<number, { jobs: RestJob[]; bodies: { url: string; body: string }[] }>();
  const queue = [...needJobs];
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      if (options.signal?.aborted) throw options.signal.reason;
      jobs.set(run.id, await fetchJobs(options, result, run.id));
    }
  };
  await Promise.all([worker(), worker(), worker()]);

  await db.transaction(async (tx) => {
    const rawId = await insertRaw(tx, {
      runId: options.runId,
      repoId,
      kind: 'rest:workflow_runs',
      method: 'GET',
      url,
      status: 200,
      etag,
      body,
    });
    const runRows: RunRow[] = [];
    const jobRows: JobRow[] = [];
    for (const run of runs) {
      if (unchanged.includes(run)) continue;
      const fetched = jobs.get(run.id);
      const attempt = run.run_attempt ?? 1;
      runRows.push([
        run.id,
        attempt,
        run.workflow_id,
        run.name ?? String(run.workflow_id),
        run.event,
        run.head_branch,
        run.head_sha,
        run.status ?? 'unknown',
        run.conclusion,
        seconds(run.created_at)!,
        seconds(run.run_started_at),
        seconds(run.updated_at)!,
        0,
        fetched ? 1 : 0,
        rawId,
      ]);
      result.runs += 1;
      result.attempts += 1;
      if (!fetched) continue;
      const byAttempt = new Map<number, { jobs: RestJob[]; rawId: number }>();
      for (const page of fetched.bodies) {
        const jobRaw = await insertRaw(tx, {
          runId: options.runId,
          repoId,
          kind: 'rest:jobs',
          method: 'GET',
          url: page.url,
          status: 200,
          etag: null,
          body: page.body,
        });
        for (const job of (JSON.parse(page.body) as { jobs: RestJob[] }).jobs) {
          if (!isWellFormedJob(job)) {
            result.malformedJobs.push(describeMalformedJob(job));
            continue;
          }
          const n = job.run_attempt ?? attempt;
          const entry = byAttempt.get(n) ?? { jobs: [], rawId: jobRaw };
          entry.jobs.push(job);
          byAttempt.set(n, entry);
          jobRows.push([
            job.id,
            run.id,
            n,
            job.name,
            job.runner_name,
            JSON.stringify(job.labels ?? []),
            job.status,
            job.conclusion,
            seconds(job.created_at)!,
            job.status === 'queued' ? null : seconds(job.started_at),
            seconds(job.completed_at),
            jobRaw,
          ]);
          result.jobs += 1;
        }
      }
      // Earlier attempts, rebuilt from their jobs (the runs list shows only the latest).
      for (const [n, entry] of byAttempt) {
        if (n >= attempt) continue;
        runRows.push(attemptFromJobs(run, n, entry.jobs, entry.rawId));
        result.attempts += 1;
      }
    }
    await writeRuns(tx, repoId, runRows);
    await writeJobs(tx, repoId, jobRows);
    await after(tx);
  });
}

/** An earlier attempt's row: started when its first job was created, ended with its last job. */
export function attemptFromJobs(run: RestRun, attempt: number, jobs: RestJob[], rawId: number): RunRow {
  const created = jobs.map((j) => seconds(j.created_at)!).filter((t) => t !== null);
  const completed = jobs.map((j) => seconds(j.completed_at)).filter((t): t is number => t !== null);
  const conclusions = jobs.map((j) => j.conclusion);
  const conclusion = conclusions.includes('failure')
    ? 'failure'
    : conclusions.includes('cancelled')
      ? 'cancelled'
      : conclusions.includes('timed_out')
        ? 'timed_out'
        : 'success';
  return [
    run.id,
    attempt,
    run.workflow_id,
    run.name ?? String(run.workflow_id),
    run.event,
    run.head_branch,
    run.head_sha,
    'completed',
    conclusion,
    seconds(run.created_at)!,
    created.length ? Math.min(...created) : null,
    completed.length ? Math.max(...completed) : seconds(run.created_at)!,
    1,
    1,
    rawId,
  ];
}

async function fetchJobs(options: ActionsCollectOptions, result: ActionsCollectResult, runId: number) {
  const jobs: RestJob[] = [];
  const bodies: { url: string; body: string }[] = [];
  let url: string | null =
    `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.name)}/actions/runs/${runId}/jobs?filter=all&per_page=100`;
  while (url) {
    const page: Awaited<ReturnType<GithubClient['rest']>> = await options.client.rest<{ jobs: RestJob[] }>(
      url,
      {
        check: (d) => Array.isArray((d as { jobs?: unknown }).jobs),
      },
    );
    result.jobRequests += 1;
    const data = page.data as { jobs: RestJob[] };
    jobs.push(...data.jobs);
    bodies.push({ url: page.url, body: JSON.stringify(data) });
    url = page.next;
  }
  return { jobs, bodies };
}

/** Cuts [from, to] into windows expected to hold about WINDOW_TARGET runs each. */
export function splitWindow(from: number, to: number, total: number): [number, number][] {
  const parts = Math.max(2, Math.ceil(total / WINDOW_TARGET));
  const size = Math.max(1, Math.ceil((to - from + 1) / parts));
  const out: [number, number][] = [];
  for (let start = from; start <= to; start += size) out.push([start, Math.min(to, start + size - 1)]);
  return out;
}

function isoSeconds(s: number): string {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
