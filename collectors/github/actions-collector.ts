// GitHub Actions runs through REST, their jobs in bulk through GraphQL. The
// runs list answers at most 1,000 results per filtered query, so it is read
// in `created` windows that are split until each holds fewer; windows go
// oldest first and the cursor moves after each one. Jobs, only for runs that
// are finished and new or re-run: the check runs of the check suites of up to
// three list pages' runs per GraphQL query (every attempt; attempts told apart
// by repeated job names), or with `jobsVia: 'rest'` one REST request per run
// (filter=all).
// Earlier attempts are rebuilt from their jobs, which costs no request.
//
// Incremental: the next sync lists runs created since the newest one seen,
// minus a look-back for re-runs; with an unchanged single page the list
// answers 304 to its ETag, so an unchanged repository costs one request.

import { progressLine } from '../../agent/progress.js';
import type { Db } from '../../agent/store/db.js';
import {
  insertRaw,
  knownRuns,
  markRunDeleted,
  rerunCandidates,
  unfinishedRuns,
  writeJobs,
  writeMalformed,
  writeRuns,
} from '../../agent/store/github.js';
import { getState, setState } from '../../agent/store/repositories.js';
import {
  ACTIONS_RAW_KINDS,
  checkSuitePages,
  extractRuns,
  type GqlCheckRun,
  type GqlCheckSuite,
  type JobsPages,
  type RestJob,
  type RestRun,
  runsBySuite,
  runsNeedingJobs,
  settleJobs,
  unchangedRuns,
} from './actions-extractor.js';
import { type GithubClient, GithubHttpError } from './client.js';
import { seconds } from './pr-extractor.js';

/** Re-runs of runs created this long before the newest run are still seen. */
export const LOOKBACK_SECONDS = 2 * 24 * 3600;
const MAX_RESULTS = 1000;
/** Windows are cut so each should hold about this many runs. */
const WINDOW_TARGET = 800;
const EARLIEST = Date.parse('2018-10-01T00:00:00Z') / 1000; // GitHub Actions did not exist before

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
  /** When the re-run probe last asked GitHub (Unix s; absent = never). */
  probedAt?: number | null;
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
  /** GraphQL queries for check suites, and the points GitHub charged for them. */
  checkSuiteRequests: number;
  points: number;
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
  /**
   * How jobs are read: 'graphql' (the default: check suites in bulk, 100 runs per query, every
   * attempt; no job creation time, runner or labels) or 'rest' (one request per run). Through
   * GraphQL, a run whose check runs leave its attempts unclear is read through REST.
   */
  jobsVia?: 'rest' | 'graphql';
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
    checkSuiteRequests: 0,
    points: 0,
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
    // every run created since the floor: the total the progress line counts towards
    const total = first.status === 304 ? null : first.data.total_count;
    const started = Date.now();
    const progress = () =>
      options.onProgress?.(
        `${options.owner}/${options.name}: ${progressLine(result.runs, total, { one: 'workflow run', many: 'workflow runs' }, Date.now() - started)}`,
      );
    if (first.status === 304) {
      result.unchanged = true;
    } else if (first.data.total_count <= MAX_RESULTS) {
      await readWindow(
        options,
        result,
        first,
        openUrl,
        async (newest, tx) => {
          const onePage = first.data.total_count <= first.data.workflow_runs.length;
          await save(
            {
              newest: maxOrNull(cursor.newest, newest),
              etag: onePage ? first.etag : null,
              etagUrl: onePage ? openUrl : null,
            },
            tx,
          );
        },
        progress,
      );
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
        await readWindow(
          options,
          result,
          page,
          url,
          async (newest, tx) => {
            await save({ newest: maxOrNull(cursor.newest, newest ?? to), etag: null, etagUrl: null }, tx);
          },
          progress,
        );
      }
    }
    // Runs stored unfinished and older than the listed range: ask for each one.
    const stale: { id: number }[] = (await unfinishedRuns(db, repoId)).filter((r) => r.createdAt < floor);
    // Re-runs older than the look-back: one GraphQL query tells which failed runs grew new check runs,
    // on every sync that stored a new or changed run, and at least every RERUN_PROBE_EVERY_SECONDS otherwise.
    const probeDue =
      result.attempts > 0 || now - (cursor.probedAt ?? Number.NEGATIVE_INFINITY) >= RERUN_PROBE_EVERY_SECONDS;
    if (options.jobsVia !== 'rest' && cursor.newest !== null && probeDue) {
      stale.push(...(await rerunsBeyondLookback(options, result, floor)));
      await db.transaction((tx) => save({ probedAt: now }, tx));
    }
    for (const run of stale) {
      result.listRequests += 1;
      let one: Awaited<ReturnType<typeof options.client.rest<RestRun>>>;
      try {
        one = await options.client.rest<RestRun>(`${base}/${run.id}`, {
          check: (d) => 'id' in (d as object),
        });
      } catch (error) {
        if (!(error instanceof GithubHttpError && error.status === 404)) throw error;
        // The run was deleted on GitHub: stop asking for it (the answer is kept, for rebuild).
        await db.transaction(async (tx) => {
          await insertRaw(tx, {
            runId: options.runId,
            repoId,
            kind: ACTIONS_RAW_KINDS.missing,
            method: 'GET',
            url: `${base}/${run.id}`,
            status: 404,
            etag: null,
            body: '',
            params: { run: run.id },
          });
          await markRunDeleted(tx, repoId, run.id);
        });
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

/**
 * Reads every page of one window (the first already fetched); `done` runs in the last page's
 * transaction. With GraphQL jobs, up to SUITE_LISTS_PER_QUERY list pages are read ahead, so one
 * check suites query serves them all; each page is still stored in its own transaction.
 */
async function readWindow(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  first: Listed,
  url: string,
  done: (newest: number | null, tx: Parameters<typeof setState>[0]) => Promise<void>,
  progress: () => void,
): Promise<void> {
  const ahead = options.jobsVia === 'rest' ? 1 : SUITE_LISTS_PER_QUERY;
  let pages: { page: Listed; url: string }[] = [{ page: first, url }];
  let newest: number | null = null;
  for (;;) {
    for (let next = pages.at(-1)!.page.next; next !== null && pages.length < ahead; ) {
      const page = await listPage(options, result, next, null);
      pages.push({ page, url: next });
      next = page.next;
    }
    const prepared: Prepared[] = [];
    for (const { page, url: pageUrl } of pages) {
      for (const run of page.data.workflow_runs) newest = maxOrNull(newest, seconds(run.created_at));
      const last = page.next === null;
      prepared.push(
        await prepareRuns(
          options,
          page.data.workflow_runs,
          pageUrl,
          JSON.stringify(page.data),
          page.etag,
          async (tx) => {
            if (last) await done(newest, tx);
          },
        ),
      );
    }
    await fetchJobsOf(options, result, prepared);
    for (const p of prepared) {
      await commitRuns(options, result, p);
      progress();
    }
    const next = pages.at(-1)!.page.next;
    if (next === null) return;
    pages = [{ page: await listPage(options, result, next, null), url: next }];
  }
}

type Tx = Parameters<typeof setState>[0];
type FetchedPage = { kind: string; url: string; body: string; params: Record<string, unknown> };
type Fetched = { page: FetchedPage; jobs: RestJob[]; checkRuns?: GqlCheckRun[] }[];

/** One listed page of runs, with what it needs fetched before it is stored. */
interface Prepared {
  runs: RestRun[];
  url: string;
  body: string;
  etag: string | null;
  after: (tx: Tx) => Promise<void>;
  /** Finished runs that are new or re-run: their jobs are read. */
  needJobs: RestRun[];
  unchanged: Set<number>;
  jobs: Map<number, Fetched>;
}

async function prepareRuns(
  options: ActionsCollectOptions,
  runs: RestRun[],
  url: string,
  body: string,
  etag: string | null,
  after: (tx: Tx) => Promise<void>,
): Promise<Prepared> {
  const known = await knownRuns(
    options.db,
    options.repoId,
    runs.map((r) => r.id),
  );
  const needJobs = runsNeedingJobs(runs, known);
  const unchanged = unchangedRuns(runs, known, new Set(needJobs.map((r) => r.id)));
  return { runs, url, body, etag, after, needJobs, unchanged, jobs: new Map() };
}

/** Stores a list of runs: fetches jobs for finished runs that are new or re-run, all in one transaction. */
async function storeRuns(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  runs: RestRun[],
  url: string,
  body: string,
  etag: string | null,
  after: (tx: Tx) => Promise<void>,
): Promise<void> {
  const prepared = await prepareRuns(options, runs, url, body, etag, after);
  await fetchJobsOf(options, result, [prepared]);
  await commitRuns(options, result, prepared);
}

/**
 * The jobs the pages need: the check suites of all pages' runs in GraphQL queries (a page's runs
 * are one aliased `nodes` list), then through REST the runs GraphQL leaves unclear (and every run
 * with `jobsVia: 'rest'`), a few at a time (the client caps requests in flight).
 */
async function fetchJobsOf(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  pages: readonly Prepared[],
): Promise<void> {
  const active = pages.filter((p) => !(p.runs.length > 0 && p.unchanged.size === p.runs.length));
  const bulkOf = (p: Prepared) =>
    options.jobsVia === 'rest' ? [] : p.needJobs.filter((r) => typeof r.check_suite_node_id === 'string');
  const queue: { run: RestRun; into: Map<number, Fetched> }[] = [];
  for (const p of active) {
    const bulk = bulkOf(p);
    for (const run of p.needJobs) if (!bulk.includes(run)) queue.push({ run, into: p.jobs });
  }
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (options.signal?.aborted) throw options.signal.reason;
      const { run, into } = item;
      const fetched = await fetchJobs(options, result, run.id);
      into.set(
        run.id,
        fetched.map((p) => ({
          page: { kind: ACTIONS_RAW_KINDS.jobs, url: p.url, body: p.body, params: { run: run.id } },
          jobs: p.jobs,
        })),
      );
    }
  };
  await Promise.all([
    worker(),
    worker(),
    worker(),
    fetchCheckSuites(
      options,
      result,
      active.map((p) => ({ runs: bulkOf(p), into: p.jobs })),
    ),
  ]);
  // Runs whose check runs leave their attempts unclear: their jobs through REST after all.
  for (const p of active) {
    for (const run of bulkOf(p)) {
      const fetched = p.jobs.get(run.id);
      const asPages = (fetched ?? []).map((f) => ({
        rawId: 0,
        jobs: f.jobs,
        ...(f.checkRuns ? { checkRuns: f.checkRuns } : {}),
      }));
      if (!fetched || settleJobs(run, asPages) === null) {
        p.jobs.delete(run.id);
        queue.push({ run, into: p.jobs });
      }
    }
  }
  await Promise.all([worker(), worker(), worker()]);
}

/** Stores one prepared page with the jobs fetched for it, in one transaction. */
async function commitRuns(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  p: Prepared,
): Promise<void> {
  const { db, repoId } = options;
  const { runs, jobs, unchanged } = p;
  if (runs.length > 0 && unchanged.size === runs.length) {
    // Nothing new on this page: only the cursor moves.
    await db.transaction(p.after);
    return;
  }
  await db.transaction(async (tx) => {
    const rawId = await insertRaw(tx, {
      runId: options.runId,
      repoId,
      kind: ACTIONS_RAW_KINDS.runs,
      method: 'GET',
      url: p.url,
      status: 200,
      etag: p.etag,
      body: p.body,
    });
    // Answers after the list they belong to, each once (a check suites answer holds many runs).
    const stored = new Map<FetchedPage, number>();
    const jobsByRun = new Map<number, JobsPages>();
    for (const run of runs) {
      const pages = jobs.get(run.id);
      if (!pages || unchanged.has(run.id) || jobsByRun.has(run.id)) continue;
      const out: JobsPages = [];
      for (const { page, jobs: list, checkRuns } of pages) {
        let id = stored.get(page);
        if (id === undefined) {
          id = await insertRaw(tx, {
            runId: options.runId,
            repoId,
            kind: page.kind,
            method: page.kind === ACTIONS_RAW_KINDS.jobs ? 'GET' : 'POST',
            url: page.url,
            status: 200,
            etag: null,
            body: page.body,
            params: page.params,
          });
          stored.set(page, id);
        }
        out.push({ rawId: id, jobs: list, ...(checkRuns ? { checkRuns } : {}) });
      }
      jobsByRun.set(run.id, out);
    }
    const rows = extractRuns(runs, rawId, jobsByRun, unchanged);
    result.malformedJobs.push(...rows.malformed.map((m) => m.description));
    result.runs += rows.runs.filter((r) => r.fromJobs === 0).length;
    result.attempts += rows.runs.length;
    result.jobs += rows.jobs.length;
    await writeRuns(tx, repoId, rows.runs);
    await writeJobs(tx, repoId, rows.jobs);
    await writeMalformed(tx, repoId, rows.malformed);
    await p.after(tx);
  });
}

/** An unchanged repository is probed for re-runs beyond the look-back at most this often. */
export const RERUN_PROBE_EVERY_SECONDS = 6 * 3600;
/** Failed runs checked for re-runs beyond the look-back: created this long before it, 100 at most. */
export const RERUN_WINDOW_SECONDS = 28 * 24 * 3600;
const RERUN_PROBE = 100;

/** The check-run count of check suites, to notice runs re-run since they were stored. */
export const RERUN_PROBE_QUERY = `query Reruns($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) { ... on CheckSuite { id checkRuns(first: 1, filterBy: { checkType: ALL }) { totalCount } } }
}`;

/**
 * The failed runs created in the four weeks before the look-back whose check suite now has more
 * check runs than jobs stored: they were re-run. One query (1 point) per sync, 100 runs at most.
 */
async function rerunsBeyondLookback(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  floor: number,
): Promise<{ id: number }[]> {
  const candidates = await rerunCandidates(
    options.db,
    options.repoId,
    floor - RERUN_WINDOW_SECONDS,
    floor,
    RERUN_PROBE,
  );
  if (candidates.length === 0) return [];
  const response = await options.client.graphql<
    { nodes: ({ id: string; checkRuns: { totalCount: number } } | null)[] } & RateLimit
  >(RERUN_PROBE_QUERY, { ids: candidates.map((c) => c.checkSuiteNodeId) });
  result.checkSuiteRequests += 1;
  result.points += response.data.rateLimit?.cost ?? 1;
  const counts = new Map(
    response.data.nodes.flatMap((n) => (n ? [[n.id, n.checkRuns.totalCount] as const] : [])),
  );
  return candidates.filter((c) => (counts.get(c.checkSuiteNodeId) ?? 0) > c.jobs).map((c) => ({ id: c.id }));
}

/** Check suites per list: `nodes(ids:)` takes 100; × 50 check runs = 5,000 nodes, 100 connections = 1 point. */
export const SUITES_PER_QUERY = 100;
/**
 * Lists per check suites query: the runs of three list pages, 300 suites, 15,000 nodes (limit
 * 500,000), 3 points. Fewer queries per 1,000 runs; the points are the same.
 */
export const SUITE_LISTS_PER_QUERY = 3;
const CHECK_RUNS_PAGE = 50;
const CHECK_RUN_FIELDS = 'id name status conclusion startedAt completedAt';

/**
 * The check suites query for `lists` lists of suite ids (`$ids0`…), each answered as `suites0`…
 * (exported so tests can check it against GitHub's schema and limits).
 */
export function checkSuitesQuery(lists: number): string {
  const k = Array.from({ length: lists }, (_, i) => i);
  return `query CheckSuites(${k.map((i) => `$ids${i}: [ID!]!`).join(', ')}) {
  rateLimit { cost remaining resetAt }
${k
  .map(
    (i) => `  suites${i}: nodes(ids: $ids${i}) {
    ... on CheckSuite {
      id
      createdAt
      checkRuns(first: ${CHECK_RUNS_PAGE}, filterBy: { checkType: ALL }) {
        pageInfo { hasNextPage endCursor }
        nodes { ${CHECK_RUN_FIELDS} }
      }
    }
  }`,
  )
  .join('\n')}
}`;
}

const CHECK_RUNS_QUERY = `query CheckRuns($id: ID!, $after: String) {
  rateLimit { cost remaining resetAt }
  node(id: $id) {
    ... on CheckSuite {
      id
      createdAt
      checkRuns(first: 100, after: $after, filterBy: { checkType: ALL }) {
        pageInfo { hasNextPage endCursor }
        nodes { ${CHECK_RUN_FIELDS} }
      }
    }
  }
}`;

type RateLimit = { rateLimit?: { cost: number } | null };

/** Jobs of many runs at once: their check suites (all attempts' check runs) through GraphQL. */
async function fetchCheckSuites(
  options: ActionsCollectOptions,
  result: ActionsCollectResult,
  groups: readonly { runs: readonly RestRun[]; into: Map<number, Fetched> }[],
): Promise<void> {
  // Lists of at most 100 suites (`nodes(ids:)`'s limit), each answered into its own page's map.
  const lists = groups.flatMap((g) => {
    const out: { runs: readonly RestRun[]; into: Map<number, Fetched> }[] = [];
    for (let i = 0; i < g.runs.length; i += SUITES_PER_QUERY) {
      out.push({ runs: g.runs.slice(i, i + SUITES_PER_QUERY), into: g.into });
    }
    return out;
  });
  for (let i = 0; i < lists.length; i += SUITE_LISTS_PER_QUERY) {
    if (options.signal?.aborted) throw options.signal.reason;
    const batch = lists.slice(i, i + SUITE_LISTS_PER_QUERY);
    const variables = Object.fromEntries(
      batch.map((l, k) => [`ids${k}`, l.runs.map((r) => r.check_suite_node_id)]),
    );
    const response = await options.client.graphql<Record<string, (GqlCheckSuite | null)[]> & RateLimit>(
      checkSuitesQuery(batch.length),
      variables,
    );
    result.checkSuiteRequests += 1;
    result.points += response.data.rateLimit?.cost ?? 1;
    for (const [k, list] of batch.entries()) {
      // Stored as the answer of one list: `nodes` for the suites of one page's runs.
      const nodes = response.data[`suites${k}`] as (GqlCheckSuite | null)[];
      const body = JSON.stringify({ nodes });
      const page = { kind: ACTIONS_RAW_KINDS.checkSuites, url: response.url, body, params: {} };
      const suites = runsBySuite(list.runs);
      for (const [runId, pages] of checkSuitePages(body, 0, suites)) {
        list.into.set(runId, [{ page, jobs: [], checkRuns: pages[0]!.checkRuns ?? [] }]);
      }
      // A suite with more check runs than one page: the rest, 100 at a time.
      for (const suite of nodes) {
        const run = suite ? suites.get(suite.id) : undefined;
        if (!suite || run === undefined) continue;
        let info = suite.checkRuns.pageInfo;
        const id = suite.id;
        while (info.hasNextPage && info.endCursor) {
          const more = await options.client.graphql<{ node: GqlCheckSuite } & RateLimit>(CHECK_RUNS_QUERY, {
            id,
            after: info.endCursor,
          });
          result.checkSuiteRequests += 1;
          result.points += more.data.rateLimit?.cost ?? 1;
          const { rateLimit: _c, ...rest } = more.data;
          list.into.get(run.id)!.push({
            page: {
              kind: ACTIONS_RAW_KINDS.checkRuns,
              url: more.url,
              body: JSON.stringify(rest),
              params: { run: run.id },
            },
            jobs: [],
            checkRuns: more.data.node.checkRuns.nodes,
          });
          info = more.data.node.checkRuns.pageInfo;
        }
      }
    }
  }
}

async function fetchJobs(options: ActionsCollectOptions, result: ActionsCollectResult, runId: number) {
  const pages: { url: string; body: string; jobs: RestJob[] }[] = [];
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
    pages.push({ url: page.url, body: JSON.stringify(data), jobs: data.jobs });
    url = page.next;
  }
  return pages;
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
