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
import { pushTo } from '../util/maps.js';
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
  modules: Map<string, string[]>;
  reviewer: Map<string, string>;
  /** Seconds each PR waited for its author after CI finished; PRs without CI runs are absent. */
  returnLag: Map<string, number>;
}

/** Modules, first human reviewer and CI return lag of each PR, keyed `repoId:number`. */
export async function changeFacts(
  q: Queryable,
  prs: readonly ReturnLagPr[],
  attempts: readonly ReturnLagAttempt[],
  bots: readonly string[],
  isExcluded: (path: string) => boolean,
): Promise<ChangeFacts> {
  const result = new Map<string, number>();
  const facts: ChangeFacts = { modules: new Map(), reviewer: new Map(), returnLag: result };
  if (prs.length === 0) return facts;
  const wanted = new Map(prs.map((p) => [`${p.repoId}:${p.number}`, p]));
  const files = await packedRows<[number, number, string]>(
    q,
    'SELECT repo_id, pr_number, path FROM github_pr_files',
    ['repo_id', 'pr_number', 'path'],
    [],
  );
  for (const [repoId, number, path] of files) {
    const key = `${repoId}:${number}`;
    if (!wanted.has(key) || isExcluded(path)) continue;
    const list = facts.modules.get(key);
    const m = moduleOf(path);
    if (!list) facts.modules.set(key, [m]);
    else if (!list.includes(m)) list.push(m);
  }
  const commits = await packedRows<[number, number, string, number]>(
    q,
    'SELECT repo_id, pr_number, sha, committed_at FROM github_pr_commits',
    ['repo_id', 'pr_number', 'sha', 'committed_at'],
    [],
  );
  const reviews = await packedRows<[number, number, string | null, number, number]>(
    q,
    'SELECT repo_id, pr_number, author, author_is_bot, submitted_at FROM github_pr_reviews WHERE submitted_at IS NOT NULL',
    ['repo_id', 'pr_number', 'author', 'author_is_bot', 'submitted_at'],
    [],
  );
  const botSet = new Set(bots.map((b) => b.toLowerCase()));
  const firstReview = new Map<string, number>();
  for (const [repoId, number, author, isBot, at] of reviews) {
    const key = `${repoId}:${number}`;
    const pr = wanted.get(key);
    if (!pr || author === null || author === pr.author || isBotLogin(author, isBot === 1, botSet)) continue;
    if ((firstReview.get(key) ?? Number.POSITIVE_INFINITY) > at) {
      firstReview.set(key, at);
      facts.reviewer.set(key, author);
    }
  }
  if (attempts.length === 0) return facts;
  const bySha = new Map<string, ReturnLagAttempt[]>();
  for (const a of attempts) pushTo(bySha, `${a.repoId}\0${a.headSha}`, a);
  // event kinds: 0 finish, 1 review, 2 counted action, 3 uncounted action
  const events = new Map<string, [number, number][]>();
  for (const [repoId, number, sha, committedAt] of commits) {
    const key = `${repoId}:${number}`;
    const pr = wanted.get(key);
    if (!pr) continue;
    const ready = pr.readyAt ?? pr.mergedAt;
    pushTo(events, key, [committedAt, committedAt > ready ? 2 : 3]);
    for (const a of bySha.get(`${repoId}\0${sha}`) ?? []) {
      if (a.finish !== null) pushTo(events, key, [a.finish, 0]);
      if (a.attempt > 1) pushTo(events, key, [a.start, 2]);
    }
  }
  for (const [repoId, number, author, isBot, at] of reviews) {
    const key = `${repoId}:${number}`;
    const pr = wanted.get(key);
    if (!pr || !events.has(key) || author === pr.author || isBotLogin(author, isBot === 1, botSet)) continue;
    pushTo(events, key, [at, 1]);
  }
  for (const [key, list] of events) {
    const pr = wanted.get(key)!;
    if (!list.some((e) => e[1] === 0)) continue;
    if (pr.readyAt !== null) list.push([pr.readyAt, 2]);
    list.push([pr.mergedAt, 2]);
    // at equal times: finishes first, then reviews, then actions
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let pending: number | null = null;
    let lag = 0;
    for (const [at, kind] of list) {
      if (kind === 0) pending = pending === null ? at : Math.max(pending, at);
      else if (kind === 1) pending = null;
      else {
        if (pending !== null && kind === 2) lag += at - pending;
        pending = null;
      }
    }
    result.set(key, lag);
  }
  return facts;
}
