// CI metrics with the re-run-safe definitions of SPEC §5:
//   run queue    = first job start − run_started_at (per attempt)
//   run duration = last job completion − run_started_at (per attempt), not
//                  updated_at − created_at, which moves on re-runs
//   job queue    = started_at − created_at; job duration = completed_at − started_at
//   success rate = runs whose last attempt succeeded / runs with a conclusion
//   re-run rate  = runs with more than one attempt / runs
//   flaky        = same workflow, same head sha, both failed and succeeded

import type { Queryable } from '../store/db.js';
import type { Window } from './git-files.js';
import { type Summary, summarize } from './stats.js';

export interface CiAttempt {
  repoId: number;
  repo: string;
  id: number;
  attempt: number;
  workflow: string;
  headSha: string;
  event: string;
  branch: string | null;
  conclusion: string | null;
  createdAt: number;
  startedAt: number | null;
  firstJobStartedAt: number | null;
  completedAt: number | null;
  queue: number | null;
  duration: number | null;
}

export interface WorkflowMetrics {
  repo: string;
  name: string;
  runs: number;
  attempts: number;
  successRate: number | null;
  rerunRate: number | null;
  flakyRate: number | null;
  queue: Summary;
  duration: Summary;
  jobQueue: Summary;
  jobDuration: Summary;
  /** Seconds of attempts that ended in failure or time-out. */
  failedAttemptSeconds: number;
  /** Seconds of failed attempts on head commits that later succeeded (flaky). */
  flakySeconds: number;
}

export interface CiMetrics {
  runs: number;
  attempts: number;
  workflows: WorkflowMetrics[];
  items: CiAttempt[];
  /** Attempts whose computed queue or duration came out negative (clock skew), clamped to 0. */
  negativeDurations: number;
  /** Failed attempts on head commits where the same workflow later succeeded. */
  flakyAttempts: number;
}

const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

/** CI metrics of the workflow runs created in the window. */
export async function ciMetrics(q: Queryable, w: Window): Promise<CiMetrics> {
  const since = w.since ?? 0;
  // One JSON string holds every attempt (array per row), so 100,000s of rows
  // cross from SQLite into JS without one object per row and column.
  type AttemptRow = [
    repoId: number,
    repo: string,
    id: number,
    attempt: number,
    workflow: string,
    headSha: string,
    event: string,
    branch: string | null,
    conclusion: string | null,
    createdAt: number,
    runStartedAt: number | null,
    firstStart: number | null,
    lastEnd: number | null,
  ];
  const packed = await q.get<{ rows: string | null }>(
    `SELECT json_group_array(json_array(repo_id, repo, id, attempt, workflow, head_sha, event, branch, conclusion,
                                        created_at, run_started_at, first_start, last_end)) AS rows
     FROM (
       SELECT w.repo_id, r.name AS repo, w.id, w.attempt, w.workflow_name AS workflow, w.head_sha, w.event, w.branch,
              w.conclusion, w.created_at, w.run_started_at, j.first_start, j.last_end
       FROM github_workflow_runs w
       JOIN repositories r ON r.id = w.repo_id
       LEFT JOIN (
         SELECT repo_id, run_id, attempt, MIN(started_at) AS first_start, MAX(completed_at) AS last_end
         FROM github_jobs GROUP BY repo_id, run_id, attempt
       ) j ON j.repo_id = w.repo_id AND j.run_id = w.id AND j.attempt = w.attempt
       WHERE w.created_at BETWEEN ? AND ?
       ORDER BY w.repo_id, w.workflow_name, w.id, w.attempt
     )`,
    [since, w.until],
  );
  const rows = packed?.rows ? (JSON.parse(packed.rows) as AttemptRow[]) : [];
  // Job-level queue and duration: one JSON array of numbers per workflow, so
  // hundreds of thousands of job rows cross into JS as a few strings.
  const jobsByWorkflow = new Map<string, { queue: Summary; duration: Summary }>();
  const jobArrays = await q.all<{ repo_id: number; workflow: string; queues: string; durations: string }>(
    `SELECT j.repo_id, w.workflow_name AS workflow,
            json_group_array(MAX(0, j.started_at - j.created_at)) AS queues,
            json_group_array(CASE WHEN j.completed_at IS NULL THEN -1 ELSE MAX(0, j.completed_at - j.started_at) END) AS durations
     FROM github_jobs j
     JOIN github_workflow_runs w ON w.repo_id = j.repo_id AND w.id = j.run_id AND w.attempt = j.attempt
     WHERE w.created_at BETWEEN ? AND ? AND j.started_at IS NOT NULL
     GROUP BY j.repo_id, w.workflow_name`,
    [since, w.until],
  );
  for (const row of jobArrays) {
    const durations = (JSON.parse(row.durations) as number[]).filter((v) => v >= 0);
    jobsByWorkflow.set(`${row.repo_id}\0${row.workflow}`, {
      queue: summarize(JSON.parse(row.queues) as number[]),
      duration: summarize(durations),
    });
  }

  let negative = 0;
  const items: CiAttempt[] = rows.map((r) => {
    const [repoId, repo, id, attempt, workflow, headSha, event, branch, conclusion, createdAt] = r;
    const [startedAt, firstJobStartedAt, completedAt] = [r[10], r[11], r[12]];
    const start = startedAt ?? createdAt;
    let queue = firstJobStartedAt !== null ? firstJobStartedAt - start : null;
    let duration = completedAt !== null ? completedAt - start : null;
    if ((queue !== null && queue < 0) || (duration !== null && duration < 0)) negative += 1;
    if (queue !== null && queue < 0) queue = 0;
    if (duration !== null && duration < 0) duration = 0;
    const item: CiAttempt = {
      repoId,
      repo,
      id,
      attempt,
      workflow,
      headSha,
      event,
      branch,
      conclusion,
      createdAt,
      startedAt,
      firstJobStartedAt,
      completedAt,
      queue,
      duration,
    };
    return item;
  });

  // Items come ordered by repository, workflow, run id and attempt: each
  // workflow is one contiguous slice, each run a contiguous stretch in it.
  const workflows: WorkflowMetrics[] = [];
  let flakyAttempts = 0;
  let runCount = 0;
  for (let from = 0; from < items.length; ) {
    const first = items[from]!;
    let to = from + 1;
    while (to < items.length && items[to]!.repoId === first.repoId && items[to]!.workflow === first.workflow)
      to += 1;
    const metrics = workflowMetrics(
      items,
      from,
      to,
      jobsByWorkflow.get(`${first.repoId}\0${first.workflow}`),
    );
    workflows.push(metrics.workflow);
    flakyAttempts += metrics.flakyAttempts;
    runCount += metrics.workflow.runs;
    from = to;
  }
  workflows.sort(
    (a, b) => (b.duration.median ?? 0) - (a.duration.median ?? 0) || a.name.localeCompare(b.name),
  );
  return {
    runs: runCount,
    attempts: items.length,
    workflows,
    items,
    negativeDurations: negative,
    flakyAttempts,
  };
}

const NO_SUMMARY: Summary = { median: null, p90: null, n: 0 };

/** One workflow's figures from its attempts, items[from, to), ordered by run id and attempt. */
function workflowMetrics(
  items: readonly CiAttempt[],
  from: number,
  to: number,
  jobs: { queue: Summary; duration: Summary } | undefined,
): { workflow: WorkflowMetrics; flakyAttempts: number } {
  let runs = 0;
  let concluded = 0;
  let succeeded = 0;
  let rerun = 0;
  const queues: number[] = [];
  const durations: number[] = [];
  const bySha = new Map<
    string,
    { failed: boolean; succeeded: boolean; failedSeconds: number; failures: number }
  >();
  let failedSeconds = 0;
  for (let i = from; i < to; i += 1) {
    const a = items[i]!;
    // the last attempt of a run is the last of its stretch
    if (i + 1 === to || items[i + 1]!.id !== a.id) {
      runs += 1;
      if (a.conclusion !== null) {
        concluded += 1;
        if (a.conclusion === 'success') succeeded += 1;
      }
      if (a.attempt > 1) rerun += 1;
    }
    if (a.queue !== null) queues.push(a.queue);
    if (a.duration !== null) durations.push(a.duration);
    let sha = bySha.get(a.headSha);
    if (sha === undefined) {
      sha = { failed: false, succeeded: false, failedSeconds: 0, failures: 0 };
      bySha.set(a.headSha, sha);
    }
    if (a.conclusion === 'success') sha.succeeded = true;
    if (a.conclusion !== null && FAILED.has(a.conclusion)) {
      sha.failed = true;
      sha.failures += 1;
      sha.failedSeconds += a.duration ?? 0;
      failedSeconds += a.duration ?? 0;
    }
  }
  let judged = 0;
  let flaky = 0;
  let flakyAttempts = 0;
  let flakySeconds = 0;
  for (const sha of bySha.values()) {
    if (!sha.failed && !sha.succeeded) continue;
    judged += 1;
    if (sha.failed && sha.succeeded) {
      flaky += 1;
      flakyAttempts += sha.failures;
      flakySeconds += sha.failedSeconds;
    }
  }
  const first = items[from]!;
  return {
    workflow: {
      repo: first.repo,
      name: first.workflow,
      runs,
      attempts: to - from,
      successRate: concluded > 0 ? succeeded / concluded : null,
      rerunRate: runs > 0 ? rerun / runs : null,
      flakyRate: judged > 0 ? flaky / judged : null,
      queue: summarize(queues),
      duration: summarize(durations),
      jobQueue: jobs?.queue ?? NO_SUMMARY,
      jobDuration: jobs?.duration ?? NO_SUMMARY,
      failedAttemptSeconds: failedSeconds,
      flakySeconds,
    },
    flakyAttempts,
  };
}
