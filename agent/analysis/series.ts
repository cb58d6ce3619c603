// Weekly series per filter slice (all, repository, team, repository × team):
// git activity, pull-request stages and CI per workflow. They are computed on
// the same items as the window's totals, with the same definitions: PRs by
// people only, CI success per run (its last attempt), flaky per head commit.
import type { Queryable } from '../store/db.js';
import { getOrInit } from '../util/maps.js';
import type { CiAttempt } from './ci.js';
import type { Window } from './git-files.js';
import { dayOf, isoWeekOfDay, weeksBetween } from './iso-week.js';
import type {
  GitWeekly,
  PullRequestWeekly,
  Series,
  Slices,
  SlowPullRequest,
  SlowRun,
  WeeklyValues,
  WorkflowWeekly,
} from './model.js';
import type { PullRequestItem } from './pull-requests.js';
import { quantileSorted, sortNumbers } from './stats.js';

/** Git activity of one author in one repository on one day. */
export interface GitDayRow {
  repo: string;
  day: number;
  email: string;
  commits: number;
  merges: number;
  added: number;
  deleted: number;
}

export interface SeriesInput {
  /** Git activity per repository, day and author (gitDays). */
  days: readonly GitDayRow[];
  window: Window;
  repositories: string[];
  /** GitHub owner/repo per repository name, for links. */
  github: ReadonlyMap<string, string>;
  /** Team name → members (GitHub logins or git emails, any case). */
  teams: Record<string, string[]>;
  pullRequests: readonly PullRequestItem[];
  ciAttempts: readonly CiAttempt[];
}

/** Rounds for the page: whole seconds and lines are precise enough, and keep the file small. */
const whole = (value: number | null) => (value === null ? null : Math.round(value));
const fraction = (value: number, digits = 4) => Number(value.toFixed(digits));
const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

/** The slice keys a fact belongs to: all, its repository, its team(s), and each pair. */
function sliceKeys(repo: number, teams: readonly number[]): string[] {
  const keys = ['all', `r${repo}`];
  for (const t of teams) keys.push(`t${t}`, `r${repo}t${t}`);
  return keys;
}

class TeamIndex {
  private readonly byMember = new Map<string, number[]>();
  constructor(names: readonly string[], teams: Record<string, string[]>) {
    names.forEach((name, i) => {
      for (const member of teams[name] ?? []) {
        const list = getOrInit(this.byMember, member.toLowerCase(), () => []);
        if (!list.includes(i)) list.push(i);
      }
    });
  }
  of(member: string | null): number[] {
    return member ? (this.byMember.get(member.toLowerCase()) ?? []) : [];
  }
}

/** Reads git activity per repository, day and author in the window. */
export async function gitDays(q: Queryable, w: Window): Promise<GitDayRow[]> {
  return q.all<GitDayRow>(
    `SELECT r.name AS repo, d.day AS day, d.email AS email, d.commits AS commits, d.merges AS merges,
            d.added AS added, d.deleted AS deleted
     FROM (
       SELECT c.repo_id AS repo_id, c.commit_time / 86400 AS day, c.author_email AS email,
              SUM(c.is_merge = 0) AS commits, SUM(c.is_merge = 1) AS merges,
              COALESCE(SUM(CASE WHEN c.is_merge = 0 THEN
                (SELECT SUM(f.added) FROM git_file_changes f WHERE f.repo_id = c.repo_id AND f.sha = c.sha) END), 0) AS added,
              COALESCE(SUM(CASE WHEN c.is_merge = 0 THEN
                (SELECT SUM(f.deleted) FROM git_file_changes f WHERE f.repo_id = c.repo_id AND f.sha = c.sha) END), 0) AS deleted
       FROM git_commits c
       WHERE c.commit_time <= ? AND (? IS NULL OR c.commit_time >= ?)
       GROUP BY c.repo_id, day, c.author_email
     ) d JOIN repositories r ON r.id = d.repo_id`,
    [w.until, w.since, w.since],
  );
}

/** Builds every weekly series of the window. */
export function weeklySeries(input: SeriesInput): Series {
  const days = input.days;
  const repositories = [...input.repositories];
  const repoIndex = new Map(repositories.map((name, i) => [name, i]));
  const repoOf = (name: string) => {
    let i = repoIndex.get(name);
    if (i === undefined) {
      i = repositories.length;
      repositories.push(name);
      repoIndex.set(name, i);
    }
    return i;
  };
  const teamNames = Object.keys(input.teams).sort();
  const teams = new TeamIndex(teamNames, input.teams);
  const untilDay = dayOf(input.window.until);
  const firstDay = input.window.since !== null ? dayOf(input.window.since) : untilDay;
  const weeks = weeksBetween(firstDay, untilDay);
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const weekOf = (unix: number | null) =>
    unix === null ? undefined : weekIndex.get(isoWeekOfDay(dayOf(unix)));

  // --- git activity ---
  const git: Slices<GitWeekly> = {};
  const authorSets = new Map<string, Set<string>[]>();
  for (const row of days) {
    const w = weekIndex.get(isoWeekOfDay(row.day));
    if (w === undefined) continue;
    for (const key of sliceKeys(repoOf(row.repo), teams.of(row.email))) {
      let s = git[key];
      if (!s) {
        const zeros = () => weeks.map(() => 0);
        s = { commits: zeros(), merges: zeros(), added: zeros(), deleted: zeros(), authors: zeros() };
        git[key] = s;
        authorSets.set(
          key,
          weeks.map(() => new Set()),
        );
      }
      s.commits[w]! += row.commits;
      s.merges[w]! += row.merges;
      s.added[w]! += row.added;
      s.deleted[w]! += row.deleted;
      if (row.commits > 0) authorSets.get(key)![w]!.add(row.email);
    }
  }
  for (const [key, sets] of authorSets) git[key]!.authors = sets.map((s) => s.size);

  // --- pull requests by people, merged in the window ---
  const merged = input.pullRequests.filter(
    (p) => !p.authorIsBot && p.mergedAt !== null && weekOf(p.mergedAt) !== undefined,
  );
  const pullRequests = aggregatePullRequests(merged, weeks.length, (p) => ({
    week: weekOf(p.mergedAt)!,
    keys: sliceKeys(repoOf(p.repo), teams.of(p.author)),
  }));
  const slowest: SlowPullRequest[] = merged
    .filter((p) => p.cycle !== null)
    .sort((a, b) => b.cycle! - a.cycle! || a.number - b.number)
    .slice(0, 10)
    .map((p) => {
      const slug = input.github.get(p.repo);
      return {
        repo: repoOf(p.repo),
        number: p.number,
        title: p.title,
        cycle: Math.round(p.cycle!),
        size: p.size,
        url: slug ? `${githubWeb(slug)}/pull/${p.number}` : null,
      };
    });
  const slowestRuns: SlowRun[] = input.ciAttempts
    .filter((a) => a.duration !== null && weekOf(a.createdAt) !== undefined)
    .sort((a, b) => b.duration! - a.duration! || a.id - b.id || a.attempt - b.attempt)
    .slice(0, 10)
    .map((a) => {
      const slug = input.github.get(a.repo);
      return {
        repo: repoOf(a.repo),
        id: a.id,
        attempt: a.attempt,
        workflow: a.workflow,
        conclusion: a.conclusion,
        duration: Math.round(a.duration!),
        queue: whole(a.queue),
        url: slug ? `${githubWeb(slug)}/actions/runs/${a.id}` : null,
      };
    });

  const workflows = aggregateWorkflows(input.ciAttempts, weeks.length, weekOf, repoOf);
  return { weeks, repositories, teams: teamNames, git, pullRequests, workflows, slowest, slowestRuns };
}

/**
 * https://github.com/OWNER/REPO with each part percent-encoded: whatever a
 * remote's owner or name holds, the link stays on github.com, without a query
 * or fragment, and cannot leave an HTML attribute.
 */
function githubWeb(slug: string): string {
  const cut = slug.indexOf('/');
  const owner = cut < 0 ? slug : slug.slice(0, cut);
  const name = cut < 0 ? '' : slug.slice(cut + 1);
  return `https://github.com/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

function aggregatePullRequests(
  items: readonly PullRequestItem[],
  weekCount: number,
  place: (p: PullRequestItem) => { week: number; keys: string[] },
): Slices<PullRequestWeekly> {
  type Cell = {
    coding: number[];
    pickup: number[];
    review: number[];
    cycle: number[];
    rounds: number[];
    size: number[];
    merged: number;
  };
  const cells = new Map<string, Cell[]>();
  for (const p of items) {
    const at = place(p);
    for (const key of at.keys) {
      const row = getOrInit(cells, key, () =>
        Array.from({ length: weekCount }, () => ({
          coding: [],
          pickup: [],
          review: [],
          cycle: [],
          rounds: [],
          size: [],
          merged: 0,
        })),
      );
      const c = row[at.week]!;
      c.merged += 1;
      if (p.coding !== null) c.coding.push(p.coding);
      if (p.pickup !== null) c.pickup.push(p.pickup);
      if (p.review !== null) c.review.push(p.review);
      if (p.cycle !== null) c.cycle.push(p.cycle);
      if (p.reviewRounds !== null) c.rounds.push(p.reviewRounds);
      c.size.push(p.size);
    }
  }
  const out: Slices<PullRequestWeekly> = {};
  const q = (values: number[], p: number) => whole(quantileSorted(sortNumbers(values), p));
  for (const [key, row] of cells) {
    out[key] = {
      merged: row.map((c) => c.merged),
      codingMedian: row.map((c) => q(c.coding, 0.5)),
      pickupMedian: row.map((c) => q(c.pickup, 0.5)),
      reviewMedian: row.map((c) => q(c.review, 0.5)),
      cycleMedian: row.map((c) => q(c.cycle, 0.5)),
      cycleP90: row.map((c) => q(c.cycle, 0.9)),
      pickupP90: row.map((c) => q(c.pickup, 0.9)),
      reviewRoundsMean: row.map((c) =>
        c.rounds.length === 0 ? null : fraction(c.rounds.reduce((a, b) => a + b, 0) / c.rounds.length, 2),
      ),
      sizeMedian: row.map((c) => q(c.size, 0.5)),
      sizeP90: row.map((c) => q(c.size, 0.9)),
    };
  }
  return out;
}

/**
 * CI per workflow and week of the run's creation. Success is judged per run
 * on its last attempt and flakiness per head commit, exactly as the window's
 * `ci.workflows` figures; a commit or run belongs to the week it first ran.
 */
function aggregateWorkflows(
  attempts: readonly CiAttempt[],
  weekCount: number,
  weekOf: (unix: number | null) => number | undefined,
  repoOf: (name: string) => number,
): WorkflowWeekly[] {
  type Run = { week: number; last: CiAttempt };
  type Sha = { week: number; failed: boolean; passed: boolean };
  type Flow = {
    repo: number;
    name: string;
    runs: Map<number, Run>;
    shas: Map<string, Sha>;
    queue: number[][];
    duration: number[][];
  };
  const flows = new Map<string, Flow>();
  for (const a of attempts) {
    const flow = getOrInit(flows, `${a.repoId}\0${a.workflow}`, () => ({
      repo: repoOf(a.repo),
      name: a.workflow,
      runs: new Map(),
      shas: new Map(),
      queue: Array.from({ length: weekCount }, () => []),
      duration: Array.from({ length: weekCount }, () => []),
    }));
    const w = weekOf(a.createdAt);
    if (w === undefined) continue;
    const run = flow.runs.get(a.id);
    if (!run) flow.runs.set(a.id, { week: w, last: a });
    else {
      run.week = Math.min(run.week, w);
      if (a.attempt > run.last.attempt) run.last = a;
    }
    const sha = getOrInit(flow.shas, a.headSha, () => ({ week: w, failed: false, passed: false }));
    sha.week = Math.min(sha.week, w);
    if (a.conclusion === 'success') sha.passed = true;
    if (a.conclusion !== null && FAILED.has(a.conclusion)) sha.failed = true;
    if (a.queue !== null) flow.queue[w]!.push(a.queue);
    if (a.duration !== null) flow.duration[w]!.push(a.duration);
  }
  const out: WorkflowWeekly[] = [];
  for (const flow of flows.values()) {
    if (flow.runs.size === 0) continue;
    const runs = new Array<number>(weekCount).fill(0);
    const concluded = new Array<number>(weekCount).fill(0);
    const success = new Array<number>(weekCount).fill(0);
    for (const run of flow.runs.values()) {
      runs[run.week]! += 1;
      if (run.last.conclusion !== null) {
        concluded[run.week]! += 1;
        if (run.last.conclusion === 'success') success[run.week]! += 1;
      }
    }
    const judged = new Array<number>(weekCount).fill(0);
    const flaky = new Array<number>(weekCount).fill(0);
    for (const s of flow.shas.values()) {
      if (!s.failed && !s.passed) continue;
      judged[s.week]! += 1;
      if (s.failed && s.passed) flaky[s.week]! += 1;
    }
    const rate = (num: number[], den: number[]): WeeklyValues =>
      den.map((d, i) => (d === 0 ? null : fraction(num[i]! / d)));
    out.push({
      repo: flow.repo,
      name: flow.name,
      runs,
      queueMedian: flow.queue.map((v) => whole(quantileSorted(sortNumbers(v), 0.5))),
      durationMedian: flow.duration.map((v) => whole(quantileSorted(sortNumbers(v), 0.5))),
      flakyRate: rate(flaky, judged),
      successRate: rate(success, concluded),
    });
  }
  out.sort((a, b) => a.repo - b.repo || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}
