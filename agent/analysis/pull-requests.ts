// Pull-request lifecycle metrics exactly as SPEC §5 defines them:
//   coding = ready − first commit authored; pickup = first human review by
//   someone other than the author − ready; review = merge − first review;
//   cycle = merge − first commit authored; plus size (lock/generated files
//   excluded), review rounds (CHANGES_REQUESTED + 1), rework (commits after the
//   first review) and CI wait on the PR's head commits.
// Negative durations (clock skew) are clamped to 0 and counted, never hidden.

import type { WorkingHours } from '../config.js';
import { packedRows, type Queryable } from '../store/db.js';
import { pushTo } from '../util/maps.js';
import type { Window } from './git-files.js';
import { type Summary, summarize } from './stats.js';
import { workingSpan } from './time.js';

export interface PullRequestItem {
  repoId: number;
  repo: string;
  number: number;
  title: string;
  author: string | null;
  authorIsBot: boolean;
  state: string;
  createdAt: number;
  readyAt: number | null;
  firstCommitAt: number | null;
  firstReviewAt: number | null;
  mergedAt: number | null;
  additions: number;
  deletions: number;
  /** Lines changed without excluded (lock, generated, vendored) files. */
  size: number;
  reviewRounds: number | null;
  rework: number | null;
  coding: number | null;
  pickup: number | null;
  review: number | null;
  cycle: number | null;
  ciWait: number | null;
  fragile: boolean;
  /** Working-hours variants of the stages (only when working hours are configured). */
  working: {
    coding: number | null;
    pickup: number | null;
    review: number | null;
    cycle: number | null;
    /** CI wall time in the author's working hours; null without the runs loaded with the metrics. */
    ciWait: number | null;
  } | null;
}

export interface DataQuality {
  /** Durations that came out negative (clock skew) and were clamped to 0, per stage. */
  negativeDurations: Record<'coding' | 'pickup' | 'review' | 'cycle', number>;
  /** Merged PRs without any commit data (no first commit time: no coding or cycle). */
  missingCommits: number;
  mergedWithoutReview: number;
  /** Reviews left out because the reviewer was the PR's author. */
  selfReviews: number;
  /** Reviews left out because the reviewer is a bot. */
  botReviews: number;
  /** Reviews or PRs by deleted (ghost) accounts. */
  ghostActors: number;
}

export interface PullRequestMetrics {
  count: number;
  merged: number;
  stages: { coding: Summary; pickup: Summary; review: Summary; cycle: Summary };
  /** The same stages counting working hours only; null without working hours in the config. */
  workingStages: { coding: Summary; pickup: Summary; review: Summary; cycle: Summary } | null;
  size: Summary;
  reviewRounds: Summary;
  rework: Summary;
  ciWait: Summary;
  items: PullRequestItem[];
  dataQuality: DataQuality;
}

export interface PullRequestOptions {
  /** Logins counted as bots besides GitHub's Bot actors and `[bot]` logins. */
  bots: readonly string[];
  /** Whether a path is left out of PR size. */
  /** Left out of a PR's size: lock and generated files, by the config and the repository's linguist attributes. */
  isExcluded: (repoId: number, path: string) => boolean;
  /** Fragile files per repository id. */
  fragileFiles: ReadonlyMap<number, ReadonlySet<string>>;
  /** CI attempts already loaded (by ciMetrics): CI wait is then joined in memory instead of in SQL. */
  ciAttempts?: readonly { repoId: number; headSha: string; start: number; finish: number | null }[];
  /** When set, every stage also gets a working-hours variant. */
  workingHours?: WorkingHours | null;
}

export function isBotLogin(login: string | null, flagged: boolean, bots: ReadonlySet<string>): boolean {
  if (flagged) return true;
  if (!login) return false;
  return login.endsWith('[bot]') || bots.has(login.toLowerCase());
}

/** Loads every PR created or merged in the window, with its metrics. */
export async function pullRequestMetrics(
  q: Queryable,
  w: Window,
  options: PullRequestOptions,
): Promise<PullRequestMetrics> {
  const since = w.since ?? 0;
  const prs = await q.all<{
    repo_id: number;
    repo: string;
    number: number;
    title: string;
    author: string | null;
    author_is_bot: number;
    state: string;
    created_at: number;
    ready_at: number | null;
    merged_at: number | null;
    first_commit_at: number | null;
    additions: number;
    deletions: number;
  }>(
    `SELECT p.repo_id, r.name AS repo, p.number, p.title, p.author, p.author_is_bot, p.state, p.created_at, p.ready_at,
            p.merged_at, p.first_commit_at, p.additions, p.deletions
     FROM github_pull_requests p JOIN repositories r ON r.id = p.repo_id
     WHERE (p.created_at BETWEEN ? AND ?) OR (p.merged_at BETWEEN ? AND ?)
     ORDER BY p.repo_id, p.number`,
    [since, w.until, since, w.until],
  );
  const bots = new Set(options.bots.map((b) => b.toLowerCase()));
  const key = (repoId: number, number: number) => `${repoId}:${number}`;
  const reviews = (
    await packedRows<[number, number, string | null, number, string, number | null]>(
      q,
      `SELECT v.repo_id, v.pr_number, v.author, v.author_is_bot, v.state, v.submitted_at
       FROM github_pr_reviews v JOIN github_pull_requests p ON p.repo_id = v.repo_id AND p.number = v.pr_number
       WHERE ((p.created_at BETWEEN ? AND ?) OR (p.merged_at BETWEEN ? AND ?)) AND v.submitted_at IS NOT NULL`,
      ['repo_id', 'pr_number', 'author', 'author_is_bot', 'state', 'submitted_at'],
      [since, w.until, since, w.until],
    )
  ).map(([repo_id, pr_number, author, author_is_bot, state, submitted_at]) => ({
    repo_id,
    pr_number,
    author,
    author_is_bot,
    state,
    submitted_at,
  }));
  const reviewsByPr = new Map<string, typeof reviews>();
  for (const r of reviews) {
    const k = key(r.repo_id, r.pr_number);
    pushTo(reviewsByPr, k, r);
  }
  const commits = (
    await packedRows<[number, number, number, string]>(
      q,
      `SELECT c.repo_id, c.pr_number, c.committed_at, c.sha FROM github_pr_commits c
       JOIN github_pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
       WHERE (p.created_at BETWEEN ? AND ?) OR (p.merged_at BETWEEN ? AND ?)`,
      ['repo_id', 'pr_number', 'committed_at', 'sha'],
      [since, w.until, since, w.until],
    )
  ).map(([repo_id, pr_number, committed_at, sha]) => ({ repo_id, pr_number, committed_at, sha }));
  const commitTimes = new Map<string, number[]>();
  for (const c of commits) {
    const k = key(c.repo_id, c.pr_number);
    pushTo(commitTimes, k, c.committed_at);
  }
  const files = (
    await packedRows<[number, number, string, number]>(
      q,
      `SELECT f.repo_id, f.pr_number, f.path, f.additions + f.deletions AS lines FROM github_pr_files f
       JOIN github_pull_requests p ON p.repo_id = f.repo_id AND p.number = f.pr_number
       WHERE (p.created_at BETWEEN ? AND ?) OR (p.merged_at BETWEEN ? AND ?)`,
      ['repo_id', 'pr_number', 'path', 'lines'],
      [since, w.until, since, w.until],
    )
  ).map(([repo_id, pr_number, path, lines]) => ({ repo_id, pr_number, path, lines }));
  const excluded = new Map<string, boolean>();
  const sizeByPr = new Map<string, number>();
  const fragileByPr = new Set<string>();
  const hasFiles = new Set<string>();
  for (const f of files) {
    const k = key(f.repo_id, f.pr_number);
    hasFiles.add(k);
    const where = `${f.repo_id}\0${f.path}`;
    let out = excluded.get(where);
    if (out === undefined) {
      out = options.isExcluded(f.repo_id, f.path);
      excluded.set(where, out);
    }
    if (!out) sizeByPr.set(k, (sizeByPr.get(k) ?? 0) + f.lines);
    if (options.fragileFiles.get(f.repo_id)?.has(f.path)) fragileByPr.add(k);
  }
  const ciWaitByPr = options.ciAttempts
    ? ciWaitFromAttempts(commits, options.ciAttempts)
    : await ciWaitPerPr(q, w);

  const quality: DataQuality = {
    negativeDurations: { coding: 0, pickup: 0, review: 0, cycle: 0 },
    missingCommits: 0,
    mergedWithoutReview: 0,
    selfReviews: 0,
    botReviews: 0,
    ghostActors: 0,
  };
  const clamp = (stage: keyof DataQuality['negativeDurations'], value: number | null): number | null => {
    if (value === null) return null;
    if (value < 0) {
      quality.negativeDurations[stage] += 1;
      return 0;
    }
    return value;
  };

  const hours = options.workingHours ?? null;
  const span = (from: number | null, to: number | null, person: string | null) =>
    hours && from !== null && to !== null ? workingSpan(hours, from, to, person) : null;
  // CI wall time in working hours too: each stretch of runs in the author's working hours
  const authorOf = new Map(prs.map((p) => [key(p.repo_id, p.number), p.author]));
  const ciWorkingByPr =
    hours && options.ciAttempts
      ? ciWaitFromAttempts(commits, options.ciAttempts, (from, to, k) =>
          workingSpan(hours, from, to, authorOf.get(k) ?? null),
        )
      : null;
  const items: PullRequestItem[] = [];
  for (const p of prs) {
    const k = key(p.repo_id, p.number);
    const authorIsBot = isBotLogin(p.author, p.author_is_bot === 1, bots);
    if (p.author === null) quality.ghostActors += 1;
    let firstReviewAt: number | null = null;
    let firstReviewer: string | null = null;
    let changesRequested = 0;
    for (const r of reviewsByPr.get(k) ?? []) {
      if (isBotLogin(r.author, r.author_is_bot === 1, bots)) {
        quality.botReviews += 1;
        continue;
      }
      if (r.author === null) quality.ghostActors += 1;
      // a deleted reviewer is someone else, unless the author is deleted too (then we cannot tell)
      if (r.author === p.author) {
        quality.selfReviews += 1;
        continue;
      }
      if (r.submitted_at === null) continue;
      if (firstReviewAt === null || r.submitted_at < firstReviewAt) {
        firstReviewAt = r.submitted_at;
        firstReviewer = r.author;
      }
      if (r.state === 'CHANGES_REQUESTED') changesRequested += 1;
    }
    const merged = p.merged_at !== null && p.merged_at >= since && p.merged_at <= w.until;
    if (merged && p.first_commit_at === null) quality.missingCommits += 1;
    if (merged && firstReviewAt === null) quality.mergedWithoutReview += 1;
    const ready = p.ready_at;
    const coding = ready !== null && p.first_commit_at !== null ? ready - p.first_commit_at : null;
    const pickup = ready !== null && firstReviewAt !== null ? firstReviewAt - ready : null;
    const review = p.merged_at !== null && firstReviewAt !== null ? p.merged_at - firstReviewAt : null;
    const cycle = p.merged_at !== null && p.first_commit_at !== null ? p.merged_at - p.first_commit_at : null;
    const rework =
      firstReviewAt === null
        ? null
        : (commitTimes.get(k) ?? []).filter((t) => t > (firstReviewAt as number)).length;
    items.push({
      repoId: p.repo_id,
      repo: p.repo,
      number: p.number,
      title: p.title,
      author: p.author,
      authorIsBot,
      state: p.state,
      createdAt: p.created_at,
      readyAt: ready,
      firstCommitAt: p.first_commit_at,
      firstReviewAt,
      mergedAt: p.merged_at,
      additions: p.additions,
      deletions: p.deletions,
      size: hasFiles.has(k) ? (sizeByPr.get(k) ?? 0) : p.additions + p.deletions,
      reviewRounds: firstReviewAt === null ? null : changesRequested + 1,
      rework,
      coding: clamp('coding', coding),
      pickup: clamp('pickup', pickup),
      review: clamp('review', review),
      cycle: clamp('cycle', cycle),
      ciWait: ciWaitByPr.get(k) ?? null,
      fragile: fragileByPr.has(k),
      working: hours
        ? {
            // each wait counts in the working hours of the person waited on:
            // the reviewer for pickup, the author otherwise
            coding: span(p.first_commit_at, ready, p.author),
            pickup: span(ready, firstReviewAt, firstReviewer),
            review: span(firstReviewAt, p.merged_at, p.author),
            cycle: span(p.first_commit_at, p.merged_at, p.author),
            ciWait: ciWorkingByPr?.get(k) ?? null,
          }
        : null,
    });
  }
  const mergedItems = items.filter(
    (i) => i.mergedAt !== null && i.mergedAt >= since && i.mergedAt <= w.until && !i.authorIsBot,
  );
  const values = (pick: (i: PullRequestItem) => number | null) =>
    mergedItems.map(pick).filter((v): v is number => v !== null);
  return {
    count: items.filter((i) => i.createdAt >= since && i.createdAt <= w.until).length,
    merged: items.filter((i) => i.mergedAt !== null && i.mergedAt >= since && i.mergedAt <= w.until).length,
    stages: {
      coding: summarize(values((i) => i.coding)),
      pickup: summarize(values((i) => i.pickup)),
      review: summarize(values((i) => i.review)),
      cycle: summarize(values((i) => i.cycle)),
    },
    workingStages: hours
      ? {
          coding: summarize(values((i) => i.working?.coding ?? null)),
          pickup: summarize(values((i) => i.working?.pickup ?? null)),
          review: summarize(values((i) => i.working?.review ?? null)),
          cycle: summarize(values((i) => i.working?.cycle ?? null)),
        }
      : null,
    size: summarize(values((i) => i.size)),
    reviewRounds: summarize(values((i) => i.reviewRounds)),
    rework: summarize(values((i) => i.rework)),
    ciWait: summarize(values((i) => i.ciWait)),
    items,
    dataQuality: quality,
  };
}

/**
 * CI wait per PR: the wall time covered by workflow-run attempts on any of the
 * PR's commits (from run start to the last job's completion), overlapping
 * attempts counted once.
 */
export async function ciWaitPerPr(q: Queryable, w: Window): Promise<Map<string, number>> {
  const since = w.since ?? 0;
  const rows = (
    await packedRows<[number, number, number, number]>(
      q,
      `SELECT c.repo_id, c.pr_number, COALESCE(w.run_started_at, w.created_at) AS start,
            (SELECT MAX(j.completed_at) FROM github_jobs j INDEXED BY github_jobs_run
              WHERE j.repo_id = w.repo_id AND j.run_id = w.id AND j.attempt = w.attempt) AS finish
     FROM github_pull_requests p
     CROSS JOIN github_pr_commits c ON c.repo_id = p.repo_id AND c.pr_number = p.number
     CROSS JOIN github_workflow_runs w INDEXED BY github_workflow_runs_sha ON w.repo_id = c.repo_id AND w.head_sha = c.sha
     WHERE ((p.created_at BETWEEN ? AND ?) OR (p.merged_at BETWEEN ? AND ?)) AND finish IS NOT NULL
     ORDER BY c.repo_id, c.pr_number, start`,
      ['repo_id', 'pr_number', 'start', 'finish'],
      [since, w.until, since, w.until],
    )
  ).map(([repo_id, pr_number, start, finish]) => ({ repo_id, pr_number, start, finish }));
  const result = new Map<string, number>();
  let currentKey = '';
  let total = 0;
  let openStart = 0;
  let openEnd = -1;
  const close = () => {
    if (currentKey && openEnd >= openStart) total += openEnd - openStart;
    if (currentKey) result.set(currentKey, total);
  };
  for (const r of rows) {
    const k = `${r.repo_id}:${r.pr_number}`;
    if (k !== currentKey) {
      close();
      currentKey = k;
      total = 0;
      openStart = r.start;
      openEnd = r.finish;
      continue;
    }
    if (r.start > openEnd) {
      total += openEnd - openStart;
      openStart = r.start;
      openEnd = r.finish;
    } else openEnd = Math.max(openEnd, r.finish);
  }
  close();
  return result;
}

/** CI wait per PR from attempts in memory: the same union of intervals as ciWaitPerPr. */
export function ciWaitFromAttempts(
  commits: readonly { repo_id: number; pr_number: number; sha: string }[],
  attempts: readonly { repoId: number; headSha: string; start: number; finish: number | null }[],
  /** Seconds a stretch of runs counts (default: its length), given the PR's key `repo_id:number`. */
  clock: (from: number, to: number, pr: string) => number = (from, to) => to - from,
): Map<string, number> {
  // finished attempts by head commit, as linked lists (no array per commit)
  const headOf = new Map<string, number>();
  const nextAttempt = new Int32Array(attempts.length).fill(-1);
  for (let a = attempts.length - 1; a >= 0; a -= 1) {
    const attempt = attempts[a]!;
    if (attempt.finish === null) continue;
    const key = `${attempt.repoId}\0${attempt.headSha}`;
    const head = headOf.get(key);
    if (head !== undefined) nextAttempt[a] = head;
    headOf.set(key, a);
  }
  // (PR, attempt) pairs in typed columns, then grouped by PR
  const prSlot = new Map<string, number>();
  const keys: string[] = [];
  let size = 0;
  let pairPr = new Int32Array(1024);
  let pairAttempt = new Int32Array(1024);
  for (const c of commits) {
    let a = headOf.get(`${c.repo_id}\0${c.sha}`);
    if (a === undefined) continue;
    const key = `${c.repo_id}:${c.pr_number}`;
    let slot = prSlot.get(key);
    if (slot === undefined) {
      slot = keys.length;
      prSlot.set(key, slot);
      keys.push(key);
    }
    for (; a >= 0; a = nextAttempt[a]!) {
      if (size === pairPr.length) {
        const pr = new Int32Array(size * 2);
        pr.set(pairPr);
        pairPr = pr;
        const at = new Int32Array(size * 2);
        at.set(pairAttempt);
        pairAttempt = at;
      }
      pairPr[size] = slot;
      pairAttempt[size] = a;
      size += 1;
    }
  }
  const start = new Int32Array(keys.length + 1);
  for (let e = 0; e < size; e += 1) start[pairPr[e]! + 1]! += 1;
  for (let k = 0; k < keys.length; k += 1) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keys.length);
  const order = new Int32Array(size);
  for (let e = 0; e < size; e += 1) order[fill[pairPr[e]!]!++] = pairAttempt[e]!;
  const result = new Map<string, number>();
  for (let k = 0; k < keys.length; k += 1) {
    const from = start[k]!;
    const to = start[k + 1]!;
    // the PR's intervals by start (a few: insertion sort), then their union
    for (let a = from + 1; a < to; a += 1) {
      const e = order[a]!;
      const at = attempts[e]!.start;
      let b = a - 1;
      while (b >= from && attempts[order[b]!]!.start > at) {
        order[b + 1] = order[b]!;
        b -= 1;
      }
      order[b + 1] = e;
    }
    let total = 0;
    let open = attempts[order[from]!]!.start;
    let close = attempts[order[from]!]!.finish!;
    for (let a = from + 1; a < to; a += 1) {
      const { start: begin, finish } = attempts[order[a]!]!;
      if (begin > close) {
        if (close > open) total += clock(open, close, keys[k]!);
        open = begin;
        close = finish!;
      } else close = Math.max(close, finish!);
    }
    if (close > open) total += clock(open, close, keys[k]!);
    result.set(keys[k]!, total);
  }
  return result;
}
