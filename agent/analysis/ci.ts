// CI metrics with the re-run-safe definitions of SPEC §5:
//   run queue    = first job start − run_started_at (per attempt)
//   run duration = last job completion − run_started_at (per attempt), not
//                  updated_at − created_at, which moves on re-runs
//   job queue    = started_at − created_at; job duration = completed_at − started_at
//   success rate = runs whose last attempt succeeded / runs with a conclusion
//   re-run rate  = runs with more than one attempt / runs
//   flaky        = same workflow, same head sha, both failed and succeeded

import type { Queryable } from '../store/db.js';
import { getOrInit, pushTo } from '../util/maps.js';
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
    const [
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
      runStartedAt,
      firstStart,
      lastEnd,
    ] = r;
    const start = runStartedAt ?? createdAt;
    let queue = firstStart !== null ? firstStart - start : null;
    let duration = lastEnd !== null ? lastEnd - start : null;
    if ((queue !== null && queue < 0) || (duration !== null && duration < 0)) negative += 1;
    if (queue !== null && queue < 0) queue = 0;
    if (duration !== null && duration < 0) duration = 0;
    return {
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
      startedAt: runStartedAt,
      firstJobStartedAt: firstStart,
      completedAt: lastEnd,
      queue,
      duration,
    };
  });

  const byWorkflow = new Map<string, CiAttempt[]>();
  for (const item of items) {
    const k = `${item.repoId}\0${item.workflow}`;
    pushTo(byWorkflow, k, item);
  }
  const workflows: WorkflowMetrics[] = [];
  let flakyAttempts = 0;
  for (const [k, attempts] of byWorkflow) {
    const runs = new Map<number, CiAttempt[]>();
    for (const a of attempts) {
      pushTo(runs, a.id, a);
    }
    let concluded = 0;
    let succeeded = 0;
    let rerun = 0;
    for (const list of runs.values()) {
      const last = list.reduce((a, b) => (b.attempt > a.attempt ? b : a));
      if (last.conclusion !== null) {
        concluded += 1;
        if (last.conclusion === 'success') succeeded += 1;
      }
      if (last.attempt > 1) rerun += 1;
    }
    const bySha = new Map<
      string,
      { failed: boolean; succeeded: boolean; failedSeconds: number; failures: number }
    >();
    let failedSeconds = 0;
    for (const a of attempts) {
      const s = getOrInit(bySha, a.headSha, () => ({
        failed: false,
        succeeded: false,
        failedSeconds: 0,
        failures: 0,
      }));
      if (a.conclusion === 'success') s.succeeded = true;
      if (a.conclusion !== null && FAILED.has(a.conclusion)) {
        s.failed = true;
        s.failures += 1;
        s.failedSeconds += a.duration ?? 0;
        failedSeconds += a.duration ?? 0;
      }
    }
    const judged = [...bySha.values()].filter((s) => s.failed || s.succeeded);
    const flaky = judged.filter((s) => s.failed && s.succeeded);
    flakyAttempts += flaky.reduce((total, s) => total + s.failures, 0);
    const empty: Summary = { median: null, p90: null, n: 0 };
    const jobs = jobsByWorkflow.get(k) ?? { queue: empty, duration: empty };
    const first = attempts[0]!;
    workflows.push({
      repo: first.repo,
      name: first.workflow,
      runs: runs.size,
      attempts: attempts.length,
      successRate: concluded > 0 ? succeeded / concluded : null,
      rerunRate: runs.size > 0 ? rerun / runs.size : null,
      flakyRate: judged.length > 0 ? flaky.length / judged.length : null,
      queue: summarize(attempts.map((a) => a.queue).filter((v): v is number => v !== null)),
      duration: summarize(attempts.map((a) => a.duration).filter((v): v is number => v !== null)),
      jobQueue: jobs.queue,
      jobDuration: jobs.duration,
      failedAttemptSeconds: failedSeconds,
      flakySeconds: flaky.reduce((total, s) => total + s.failedSeconds, 0),
    });
  }
  workflows.sort(
    (a, b) => (b.duration.median ?? 0) - (a.duration.median ?? 0) || a.name.localeCompare(b.name),
  );
  return {
    runs: new Set(items.map((i) => `${i.repoId}:${i.id}`)).size,
    attempts: items.length,
    workflows,
    items,
    negativeDurations: negative,
    flakyAttempts,
  };
}
