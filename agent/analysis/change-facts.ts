// Facts about each merged pull request that the effect model needs beyond
// its stages: the modules it touches, its first human reviewer, and its CI
// return lag.
//
// CI return lag: after a CI run on a pull request finishes, how long the pull
// request waits for its author's next step. Long runs make people switch to
// other work, and they come back late; that delay belongs to CI too.
//
// Per merged pull request, events in time order:
//   - a CI attempt on one of its commits finishes → the PR waits on its author
//     (several runs at once: from the last one to finish);
//   - a human review arrives → the PR waits on the author's answer to the
//     review, not on CI: the wait is not counted;
//   - the author acts: marks the PR ready, starts a re-run, pushes a commit
//     after the PR is ready, or merges → the wait since the finish is counted;
//   - commits before the PR is ready end the wait uncounted (still coding).
import type { Queryable } from '../store/db.js';
import { packedRows } from '../store/db.js';
import { moduleOf } from './effects.js';
import { isBotLogin } from './pull-requests.js';

export interface ReturnLagPr {
  repoId: number;
  number: number;
  author: string | null;
  readyAt: number | null;
  mergedAt: number;
}

export interface ReturnLagAttempt {
  repoId: number;
  headSha: string;
  attempt: number;
  start: number;
  finish: number | null;
}

export interface ChangeFacts {
  /** Per PR, in the order given: the modules it touches ([] when unknown). */
  modules: string[][];
  /** Per PR: its first human reviewer, or null. */
  reviewer: (string | null)[];
  /** Per PR: seconds it waited for its author after CI finished; null for PRs without CI runs. */
  returnLag: (number | null)[];
}

/** A PR's number key: PR numbers stay below 2²² per repository. */
const prKey = (repoId: number, number: number) => repoId * 4_194_304 + number;

// event kinds, in the order they apply at equal times: finishes first, then reviews, then actions
const FINISH = 0;
const REVIEW = 1;
const COUNTED = 2;
const UNCOUNTED = 3;

/** Modules, first human reviewer and CI return lag of each PR, aligned with `prs`. */
export async function changeFacts(
  q: Queryable,
  prs: readonly ReturnLagPr[],
  attempts: readonly ReturnLagAttempt[],
  bots: readonly string[],
  isExcluded: (repoId: number, path: string) => boolean,
  /** Seconds a wait from `from` to `to` counts for `author` (default: its length; working hours: their working time). */
  clock: (from: number, to: number, author: string | null) => number = (from, to) => to - from,
): Promise<ChangeFacts> {
  const n = prs.length;
  const facts: ChangeFacts = {
    modules: Array.from({ length: n }, () => []),
    reviewer: new Array<string | null>(n).fill(null),
    returnLag: new Array<number | null>(n).fill(null),
  };
  if (n === 0) return facts;
  const wanted = new Map<number, number>();
  for (let i = 0; i < n; i += 1) wanted.set(prKey(prs[i]!.repoId, prs[i]!.number), i);
  const files = await packedRows<[number, number, string]>(
    q,
    'SELECT repo_id, pr_number, path FROM github_pr_files',
    ['repo_id', 'pr_number', 'path'],
    [],
  );
  for (const [repoId, number, path] of files) {
    const i = wanted.get(prKey(repoId, number));
    if (i === undefined || isExcluded(repoId, path)) continue;
    const list = facts.modules[i]!;
    const m = moduleOf(path);
    if (!list.includes(m)) list.push(m);
  }
  const reviews = await packedRows<[number, number, string | null, number, number]>(
    q,
    'SELECT repo_id, pr_number, author, author_is_bot, submitted_at FROM github_pr_reviews WHERE submitted_at IS NOT NULL',
    ['repo_id', 'pr_number', 'author', 'author_is_bot', 'submitted_at'],
    [],
  );
  const botSet = new Set(bots.map((b) => b.toLowerCase()));
  // per review row: the PR it belongs to when it is a human's other than the author's, else -1
  const reviewPr = new Int32Array(reviews.length).fill(-1);
  const firstReview = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (const [r, [repoId, number, author, isBot, at]] of reviews.entries()) {
    const i = wanted.get(prKey(repoId, number));
    if (i === undefined || author === prs[i]!.author || isBotLogin(author, isBot === 1, botSet)) continue;
    // a deleted account's review still answers the PR, but names no reviewer
    reviewPr[r] = i;
    if (author !== null && firstReview[i]! > at) {
      firstReview[i] = at;
      facts.reviewer[i] = author;
    }
  }
  if (attempts.length === 0) return facts;
  const commits = await packedRows<[number, number, string, number]>(
    q,
    'SELECT repo_id, pr_number, sha, committed_at FROM github_pr_commits',
    ['repo_id', 'pr_number', 'sha', 'committed_at'],
    [],
  );
  // attempts by head commit, as linked lists (no array per commit)
  const headOf = new Map<string, number>();
  const nextAttempt = new Int32Array(attempts.length).fill(-1);
  for (let a = attempts.length - 1; a >= 0; a -= 1) {
    const key = `${attempts[a]!.repoId}\0${attempts[a]!.headSha}`;
    const head = headOf.get(key);
    if (head !== undefined) nextAttempt[a] = head;
    headOf.set(key, a);
  }
  // every event as (PR, time, kind) in growing typed columns
  let size = 0;
  let eventPr = new Int32Array(1024);
  let eventAt = new Float64Array(1024);
  let eventKind = new Uint8Array(1024);
  const push = (pr: number, at: number, kind: number) => {
    if (size === eventPr.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      eventPr = grow(eventPr, new Int32Array(size * 2));
      eventAt = grow(eventAt, new Float64Array(size * 2));
      eventKind = grow(eventKind, new Uint8Array(size * 2));
    }
    eventPr[size] = pr;
    eventAt[size] = at;
    eventKind[size] = kind;
    size += 1;
  };
  const hasFinish = new Uint8Array(n);
  const hasCommit = new Uint8Array(n);
  for (const [repoId, number, sha, committedAt] of commits) {
    const i = wanted.get(prKey(repoId, number));
    if (i === undefined) continue;
    const pr = prs[i]!;
    hasCommit[i] = 1;
    push(i, committedAt, committedAt > (pr.readyAt ?? pr.mergedAt) ? COUNTED : UNCOUNTED);
    for (let a = headOf.get(`${repoId}\0${sha}`) ?? -1; a >= 0; a = nextAttempt[a]!) {
      const attempt = attempts[a]!;
      if (attempt.finish !== null) {
        push(i, attempt.finish, FINISH);
        hasFinish[i] = 1;
      }
      if (attempt.attempt > 1) push(i, attempt.start, COUNTED);
    }
  }
  for (const [r, row] of reviews.entries()) {
    const i = reviewPr[r]!;
    if (i >= 0 && hasCommit[i]) push(i, row[4], REVIEW);
  }
  for (let i = 0; i < n; i += 1) {
    if (!hasFinish[i]) continue;
    if (prs[i]!.readyAt !== null) push(i, prs[i]!.readyAt!, COUNTED);
    push(i, prs[i]!.mergedAt, COUNTED);
  }
  // group by PR (counting sort), then order each PR's few events by time and kind
  const start = new Int32Array(n + 1);
  for (let e = 0; e < size; e += 1) start[eventPr[e]! + 1]! += 1;
  for (let i = 0; i < n; i += 1) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const order = new Int32Array(size);
  for (let e = 0; e < size; e += 1) order[fill[eventPr[e]!]!++] = e;
  const before = (x: number, y: number) =>
    eventAt[x]! < eventAt[y]! || (eventAt[x] === eventAt[y] && eventKind[x]! < eventKind[y]!);
  for (let i = 0; i < n; i += 1) {
    if (!hasFinish[i]) continue;
    const from = start[i]!;
    const to = start[i + 1]!;
    for (let a = from + 1; a < to; a += 1) {
      const e = order[a]!;
      let b = a - 1;
      while (b >= from && before(e, order[b]!)) {
        order[b + 1] = order[b]!;
        b -= 1;
      }
      order[b + 1] = e;
    }
    let pending = Number.NaN;
    let lag = 0;
    for (let a = from; a < to; a += 1) {
      const e = order[a]!;
      const at = eventAt[e]!;
      const kind = eventKind[e]!;
      if (kind === FINISH) pending = Number.isNaN(pending) ? at : Math.max(pending, at);
      else if (kind === REVIEW) pending = Number.NaN;
      else {
        if (!Number.isNaN(pending) && kind === COUNTED && at > pending)
          lag += clock(pending, at, prs[i]!.author);
        pending = Number.NaN;
      }
    }
    facts.returnLag[i] = lag;
  }
  return facts;
}
