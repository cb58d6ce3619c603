// Builds DashboardData: weekly series per filter slice (all, repository, team,
// repository × team), the ranked hotspots and couplings, the build summary,
// and the verdict with up to three findings from the data that exists. Raw
// rows never leave this module; only aggregates do.
import {
  type BuildSummary,
  type CouplingPair,
  DASHBOARD_SCHEMA_VERSION,
  type DashboardData,
  type EmptyState,
  type GitWeekly,
  type Hotspot,
  type PullRequestWeekly,
  type Slices,
  type SlowPullRequest,
  type Verdict,
  type WeeklyValues,
  type WorkflowWeekly,
  type WrappedPerDay,
} from '../../dashboard/types.js';
import { quantileSorted } from '../analysis/stats.js';
import type { Queryable } from '../store/db.js';
import type { CiRunItem, CouplingRow, FullReport, PullRequestItem } from './contract.js';
import { dayOf, isoWeekOfDay, mondayOf, weeksBetween } from './iso-week.js';

/** What each empty section says, and the command that fills it. */
export const HOW_TO_COLLECT = {
  git: { missing: 'no git history is collected yet', command: 'dx-audit audit [PATH...]' },
  pullRequests: {
    missing: 'no pull requests or reviews are collected (needs a GitHub remote and a token)',
    command: 'GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO',
  },
  ci: {
    missing: 'no GitHub Actions runs are collected (needs a GitHub remote and a token)',
    command: 'GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO',
  },
  builds: {
    missing: 'no local build is timed yet',
    command: 'dx-audit build [PATH]  (or time real builds with: dx-audit wrap -- CMD)',
  },
  coupling: {
    missing:
      'no pair of files or modules was found changing together often enough (≥ 5 shared commits and ≥ 30 % of their changes)',
    command: 'dx-audit collect git [PATH...]  (a longer history finds more pairs)',
  },
  diagnosis: {
    missing: 'the diagnosis and its hour costs need pull requests, reviews and CI runs',
    command: 'GITHUB_TOKEN=<token> dx-audit collect github OWNER/REPO',
  },
} satisfies Record<string, EmptyState>;

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

export interface AssembleInput {
  report: FullReport;
  gitDays: GitDayRow[];
  /** Sum of file revisions in the window (every file change of a non-merge commit). */
  fileRevisions: number;
  /** Team name → members (GitHub logins or git emails, any case). */
  teams: Record<string, string[]>;
  window: { since: Date | null; until: Date };
  generatedAt: Date;
}

const LABELS: Record<string, string> = {
  builds_ci: 'Slow builds / CI',
  ci_wait: 'Waiting on CI',
  ci_flaky: 'Re-running flaky CI',
  flaky_ci: 'Re-running flaky CI',
  local_builds: 'Waiting on local builds',
  build_wait: 'Waiting on local builds',
  review_wait: 'Waiting for review',
  review_bottleneck: 'Review bottleneck',
  fragile_architecture: 'Extra time on PRs touching fragile code',
  fragile_code: 'Extra time on PRs touching fragile code',
  oversized_changes: 'Oversized changes',
};

/** "Extra time on PRs…" → "extra time on PRs…" (acronyms stay). */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Human label of a cause name from the report. */
export function causeLabel(cause: string): string {
  if (Object.hasOwn(LABELS, cause)) return LABELS[cause]!;
  return cause.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Linear-interpolation quantile of sorted values (q in 0..1); null for none. */
export const quantile = quantileSorted;

const sortNumbers = (values: number[]) => values.sort((a, b) => a - b);

/** Rounds for the page: whole seconds and lines are precise enough, and keep the file small. */
const whole = (value: number | null) => (value === null ? null : Math.round(value));
const fraction = (value: number | null, digits = 4) =>
  value === null ? null : Number(value.toFixed(digits));

/** The slice keys a fact belongs to: all, its repository, its team(s), and each pair. */
function sliceKeys(repo: number, teams: readonly number[]): string[] {
  const keys = ['all', `r${repo}`];
  for (const t of teams) keys.push(`t${t}`, `r${repo}t${t}`);
  return keys;
}

class TeamIndex {
  private readonly byMember = new Map<string, number[]>();
  constructor(
    readonly names: string[],
    teams: Record<string, string[]>,
  ) {
    names.forEach((name, i) => {
      for (const member of teams[name] ?? []) {
        const key = member.toLowerCase();
        const list = this.byMember.get(key) ?? [];
        if (!list.includes(i)) list.push(i);
        this.byMember.set(key, list);
      }
    });
  }
  of(member: string | null): number[] {
    return member ? (this.byMember.get(member.toLowerCase()) ?? []) : [];
  }
}

/** Pure assembly of the dashboard data from the report and the git day rows. */
export function assembleDashboard(input: AssembleInput): DashboardData {
  const { report } = input;
  const repositories = report.repositories.map((r) => r.name);
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

  const untilDay = dayOf(input.window.until.getTime() / 1000);
  const sinceDay = input.window.since ? dayOf(input.window.since.getTime() / 1000) : null;
  const firstDay =
    sinceDay ??
    Math.min(
      ...input.gitDays.map((d) => d.day),
      ...(report.pullRequests?.items ?? []).flatMap((p) =>
        p.mergedAt ? [dayOf(Date.parse(p.mergedAt) / 1000)] : [],
      ),
      untilDay + 1,
    );
  const weeks = weeksBetween(firstDay, untilDay);
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const weekOfDay = (day: number) => weekIndex.get(isoWeekOfDay(day));
  const weekOfIso = (iso: string | null) => (iso ? weekOfDay(dayOf(Date.parse(iso) / 1000)) : undefined);
  const zeros = (): WeeklyValues => weeks.map(() => 0);
  const nulls = (): WeeklyValues => weeks.map(() => null);

  // --- git activity ---
  const git: Slices<GitWeekly> = {};
  const authorSets = new Map<string, Set<string>[]>();
  for (const row of input.gitDays) {
    const w = weekOfDay(row.day);
    if (w === undefined) continue;
    for (const key of sliceKeys(repoOf(row.repo), teams.of(row.email))) {
      let s = git[key];
      if (!s) {
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

  // --- pull requests ---
  const prItems = report.pullRequests?.items ?? [];
  const prWeekly = aggregatePullRequests(prItems, weeks.length, (p) => {
    const w = weekOfIso(p.mergedAt);
    return w === undefined ? null : { week: w, keys: sliceKeys(repoOf(p.repo), teams.of(p.author)) };
  });
  const slowest: SlowPullRequest[] = prItems
    .filter((p) => p.mergedAt !== null && p.cycle !== null && weekOfIso(p.mergedAt) !== undefined)
    .sort((a, b) => b.cycle! - a.cycle!)
    .slice(0, 10)
    .map((p) => ({
      repo: repoOf(p.repo),
      number: p.number,
      title: p.title ?? '',
      cycle: p.cycle!,
      size: p.additions === null || p.deletions === null ? null : p.additions + p.deletions,
    }));

  // --- CI ---
  const workflows = aggregateWorkflows(report.ci?.items ?? [], weeks.length, weekOfIso, repoOf, nulls);

  // --- builds, hotspots, coupling ---
  const builds: BuildSummary[] = (report.builds?.summary ?? []).map((b) => ({
    repo: repoOf(b.repo),
    command: b.command,
    kind: b.kind,
    task: b.task ?? null,
    machine: b.machine ?? null,
    runs: b.runs,
    failures: b.failures,
    median: b.median,
    p90: b.p90,
  }));
  const hasScore = report.git.files.some((f) => typeof f.hotspotScore === 'number');
  const hotspots: Hotspot[] = [...report.git.files]
    .sort((a, b) => (hasScore ? (b.hotspotScore ?? 0) - (a.hotspotScore ?? 0) : 0))
    .slice(0, 100)
    .map((f) => ({
      repo: repoOf(f.repo),
      path: f.path,
      revisions: f.revisions,
      churn: f.churn,
      lines: f.lines,
      authors: f.authors,
      hotspotScore: typeof f.hotspotScore === 'number' ? f.hotspotScore : null,
    }));
  const wrappedPerDay: WrappedPerDay[] = (report.builds?.wrappedPerDay ?? []).map((w) => ({
    repo: repoOf(w.repo),
    machine: w.machine ?? null,
    runs: w.runs,
    days: w.days,
    minutesPerDay: w.minutesPerDay,
  }));
  const pairsOf = (rows: CouplingRow[] | undefined): CouplingPair[] =>
    (rows ?? []).slice(0, 100).map((c) => ({
      repo: repoOf(c.repo),
      a: c.a,
      b: c.b,
      shared: c.shared,
      degree: c.degree,
    }));
  const filePairs = pairsOf(report.git.coupling);
  const modulePairs = pairsOf(report.git.moduleCoupling);

  // a cost that rounds to 0.0 h/week is not a finding
  const costs = (report.costs ?? [])
    .flatMap((c) =>
      c.hoursPerWeek === null || c.hoursPerWeek < 0.05 ? [] : [{ ...c, hoursPerWeek: c.hoursPerWeek }],
    )
    .sort((a, b) => b.hoursPerWeek - a.hoursPerWeek)
    .map((c) => ({ ...c, label: causeLabel(c.cause) }));
  const diagnosis = report.diagnosis ?? [];
  const hasGit = Object.keys(git).length > 0;
  const hasPrs = Object.keys(prWeekly).length > 0;
  const data: DashboardData = {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    window: { since: input.window.since?.toISOString() ?? null, until: input.window.until.toISOString() },
    anonymized: false,
    weeks,
    repositories,
    teams: teamNames,
    verdict: { headline: '', status: 'empty', findings: [], next: [] },
    costs: { empty: costs.length > 0 ? null : HOW_TO_COLLECT.diagnosis, data: costs },
    diagnosis: { empty: diagnosis.length > 0 ? null : HOW_TO_COLLECT.diagnosis, data: diagnosis },
    git: { empty: hasGit ? null : HOW_TO_COLLECT.git, data: git },
    pullRequests: {
      empty: hasPrs ? null : HOW_TO_COLLECT.pullRequests,
      data: { weekly: prWeekly, slowest },
    },
    ci: { empty: workflows.length > 0 ? null : HOW_TO_COLLECT.ci, data: { workflows } },
    builds: {
      empty: builds.length > 0 || wrappedPerDay.length > 0 ? null : HOW_TO_COLLECT.builds,
      data: { summary: builds, wrappedPerDay },
    },
    hotspots: { empty: hotspots.length > 0 ? null : HOW_TO_COLLECT.git, data: { files: hotspots } },
    coupling: {
      empty:
        filePairs.length + modulePairs.length > 0
          ? null
          : hasGit
            ? HOW_TO_COLLECT.coupling
            : HOW_TO_COLLECT.git,
      data: { modules: modulePairs, files: filePairs },
    },
  };
  data.verdict = verdictOf(data, input.fileRevisions);
  return data;
}

function aggregatePullRequests(
  items: readonly PullRequestItem[],
  weekCount: number,
  place: (p: PullRequestItem) => { week: number; keys: string[] } | null,
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
    if (!at) continue;
    for (const key of at.keys) {
      let row = cells.get(key);
      if (!row) {
        row = Array.from({ length: weekCount }, () => ({
          coding: [],
          pickup: [],
          review: [],
          cycle: [],
          rounds: [],
          size: [],
          merged: 0,
        }));
        cells.set(key, row);
      }
      const c = row[at.week]!;
      c.merged += 1;
      if (p.coding !== null) c.coding.push(p.coding);
      if (p.pickup !== null) c.pickup.push(p.pickup);
      if (p.review !== null) c.review.push(p.review);
      if (p.cycle !== null) c.cycle.push(p.cycle);
      if (p.reviewRounds !== null) c.rounds.push(p.reviewRounds);
      if (p.additions !== null && p.deletions !== null) c.size.push(p.additions + p.deletions);
    }
  }
  const out: Slices<PullRequestWeekly> = {};
  for (const [key, row] of cells) {
    for (const c of row) {
      sortNumbers(c.coding);
      sortNumbers(c.pickup);
      sortNumbers(c.review);
      sortNumbers(c.cycle);
      sortNumbers(c.size);
    }
    out[key] = {
      merged: row.map((c) => c.merged),
      codingMedian: row.map((c) => whole(quantile(c.coding, 0.5))),
      pickupMedian: row.map((c) => whole(quantile(c.pickup, 0.5))),
      reviewMedian: row.map((c) => whole(quantile(c.review, 0.5))),
      cycleMedian: row.map((c) => whole(quantile(c.cycle, 0.5))),
      cycleP90: row.map((c) => whole(quantile(c.cycle, 0.9))),
      pickupP90: row.map((c) => whole(quantile(c.pickup, 0.9))),
      reviewRoundsMean: row.map((c) =>
        c.rounds.length === 0 ? null : fraction(c.rounds.reduce((a, b) => a + b, 0) / c.rounds.length, 2),
      ),
      sizeMedian: row.map((c) => whole(quantile(c.size, 0.5))),
      sizeP90: row.map((c) => whole(quantile(c.size, 0.9))),
    };
  }
  return out;
}

function aggregateWorkflows(
  items: readonly CiRunItem[],
  weekCount: number,
  weekOfIso: (iso: string | null) => number | undefined,
  repoOf: (name: string) => number,
  nulls: () => WeeklyValues,
): WorkflowWeekly[] {
  type Cell = { runs: number; success: number; concluded: number; queue: number[]; duration: number[] };
  const byWorkflow = new Map<
    string,
    {
      repo: number;
      name: string;
      cells: Cell[];
      shas: Map<string, { week: number; failed: boolean; passed: boolean }>;
    }
  >();
  for (const run of items) {
    const w = weekOfIso(run.createdAt);
    if (w === undefined) continue;
    const id = `${run.repo}\u0000${run.workflow}`;
    let wf = byWorkflow.get(id);
    if (!wf) {
      wf = {
        repo: repoOf(run.repo),
        name: run.workflow,
        cells: Array.from({ length: weekCount }, () => ({
          runs: 0,
          success: 0,
          concluded: 0,
          queue: [],
          duration: [],
        })),
        shas: new Map(),
      };
      byWorkflow.set(id, wf);
    }
    const c = wf.cells[w]!;
    c.runs += 1;
    if (run.conclusion !== null) {
      c.concluded += 1;
      if (run.conclusion === 'success') c.success += 1;
    }
    if (run.queue !== null) c.queue.push(run.queue);
    if (run.duration !== null) c.duration.push(run.duration);
    const sha = wf.shas.get(run.headSha) ?? { week: w, failed: false, passed: false };
    sha.week = Math.min(sha.week, w);
    if (run.conclusion === 'success') sha.passed = true;
    if (run.conclusion === 'failure' || run.conclusion === 'timed_out') sha.failed = true;
    wf.shas.set(run.headSha, sha);
  }
  const out: WorkflowWeekly[] = [];
  for (const wf of byWorkflow.values()) {
    const shaCount = new Array<number>(weekCount).fill(0);
    const flaky = new Array<number>(weekCount).fill(0);
    for (const s of wf.shas.values()) {
      shaCount[s.week]! += 1;
      if (s.failed && s.passed) flaky[s.week]! += 1;
    }
    const flakyRate = nulls();
    shaCount.forEach((n, i) => {
      if (n > 0) flakyRate[i] = fraction(flaky[i]! / n);
    });
    out.push({
      repo: wf.repo,
      name: wf.name,
      runs: wf.cells.map((c) => c.runs),
      queueMedian: wf.cells.map((c) => whole(quantile(sortNumbers(c.queue), 0.5))),
      durationMedian: wf.cells.map((c) => whole(quantile(sortNumbers(c.duration), 0.5))),
      flakyRate,
      successRate: wf.cells.map((c) => (c.concluded === 0 ? null : fraction(c.success / c.concluded))),
    });
  }
  out.sort((a, b) => a.repo - b.repo || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const hoursText = (h: number) => (h >= 10 ? h.toFixed(0) : h.toFixed(1));

function verdictOf(data: DashboardData, fileRevisions: number): Verdict {
  const findings: string[] = [];
  const next: EmptyState[] = [];
  for (const section of [data.git, data.pullRequests, data.ci, data.builds]) {
    if (section.empty && !next.some((n) => n.command === section.empty!.command)) next.push(section.empty);
  }
  const all = data.git.data['all'];
  const sum = (values: WeeklyValues | undefined) => (values ?? []).reduce<number>((a, b) => a + (b ?? 0), 0);
  const commits = sum(all?.commits);
  if (data.repositories.length === 0 || (commits === 0 && data.pullRequests.empty && data.builds.empty)) {
    return {
      headline: 'No data collected yet: run "dx-audit audit" in a git clone to start.',
      status: 'empty',
      findings,
      next: next.length > 0 ? next : [HOW_TO_COLLECT.git],
    };
  }
  for (const cost of data.costs.data.slice(0, 3)) {
    findings.push(
      `${cost.label}: about ${hoursText(cost.hoursPerWeek)} engineer-hours per week (${cost.evidence}).`,
    );
  }
  if (findings.length < 3 && data.builds.data.summary.length > 0) {
    const slowest = [...data.builds.data.summary]
      .filter((b) => b.median !== null)
      .sort((a, b) => b.median! - a.median!)[0];
    if (slowest) {
      findings.push(
        `Slowest local build: "${slowest.command}" in ${data.repositories[slowest.repo]} takes ${formatSeconds(slowest.median!)} (median of ${slowest.runs} ${slowest.kind} runs).`,
      );
    }
  }
  if (findings.length < 3 && commits > 0) {
    const activeWeeks = (all?.commits ?? []).filter((c) => (c ?? 0) > 0).length;
    const peak = Math.max(0, ...(all?.authors ?? []).map((a) => a ?? 0));
    findings.push(
      `${fmt(commits)} commits over ${data.weeks.length} ${data.weeks.length === 1 ? 'week' : 'weeks'} (${activeWeeks} with activity) in ${data.repositories.length} ${data.repositories.length === 1 ? 'repository' : 'repositories'}; up to ${peak} ${peak === 1 ? 'person' : 'people'} committed in one week.`,
    );
  }
  const top = data.hotspots.data.files[0];
  if (findings.length < 3 && top) {
    findings.push(
      `Top hotspot: ${top.path}${data.repositories.length > 1 ? ` (${data.repositories[top.repo]})` : ''}, changed in ${fmt(top.revisions)} commits, ${top.lines === null ? 'no longer present' : `${fmt(top.lines)} lines`}, ${fmt(top.churn)} lines churned.`,
    );
  }
  if (findings.length < 3 && fileRevisions > 0 && data.hotspots.data.files.length >= 10) {
    const top10 = data.hotspots.data.files
      .map((f) => f.revisions)
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((a, b) => a + b, 0);
    findings.push(
      `The 10 most-changed files take ${((100 * top10) / fileRevisions).toFixed(0)} % of all file changes (${fmt(top10)} of ${fmt(fileRevisions)}).`,
    );
  }
  const strongest = data.coupling.data.modules[0] ?? data.coupling.data.files[0];
  if (findings.length < 3 && strongest) {
    const p = strongest;
    findings.push(
      `${p.a} and ${p.b} change together in ${p.degree.toFixed(0)} % of their commits (${p.shared} shared).`,
    );
  }
  const explained = data.diagnosis.data.filter((d) => d.verdict !== 'none');
  if (explained.length > 0) {
    // the diagnosis first: which system cause explains whose slower delivery
    const byCause = new Map<string, { team: number; person: number }>();
    for (const d of explained) {
      const counts = byCause.get(d.verdict) ?? { team: 0, person: 0 };
      counts[d.kind] += 1;
      byCause.set(d.verdict, counts);
    }
    const count = (n: number, one: string, many: string) => (n === 0 ? [] : [`${n} ${n === 1 ? one : many}`]);
    const parts = [...byCause.entries()]
      .sort((a, b) => b[1].team + b[1].person - (a[1].team + a[1].person))
      .map(
        ([cause, n]) =>
          `${lowerFirst(causeLabel(cause))} (${[...count(n.team, 'team', 'teams'), ...count(n.person, 'person', 'people')].join(', ')})`,
      );
    const diagnosed = explained
      .slice(0, 3)
      .map(
        (d) =>
          `${d.kind === 'team' ? 'Team' : 'Person'} ${d.subject}: ${d.summary ?? causeLabel(d.verdict)}.`,
      );
    return {
      headline: `Slower delivery here is explained by the system, not the people: ${parts.join(', ')}.`,
      status: 'diagnosed',
      findings: [...diagnosed, ...findings].slice(0, 3),
      next,
    };
  }
  if (data.costs.data.length > 0) {
    const topCost = data.costs.data[0]!;
    // only subjects actually compared (enough data of their own and of others) have an excess
    const judged = data.diagnosis.data.filter((d) => d.verdict === 'none' && d.excess !== null).length;
    return {
      headline: `${judged > 0 ? 'Nobody is slower than the organisation beyond normal variation. ' : ''}The biggest measurable cost is ${lowerFirst(topCost.label)}: about ${hoursText(topCost.hoursPerWeek)} engineer-hours per week.`,
      status: 'diagnosed',
      findings: findings.slice(0, 3),
      next,
    };
  }
  const headline = data.pullRequests.empty
    ? 'Not enough data for a verdict yet: only git history is collected, so delivery time cannot be split into causes.'
    : 'Pull requests are collected, but no cause has a measurable cost yet.';
  return { headline, status: 'insufficient', findings: findings.slice(0, 3), next };
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(1)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

export interface DashboardOptions {
  since: Date | null;
  until: Date;
  now: Date;
  teams: Record<string, string[]>;
}

/** Queries the database and assembles the dashboard for the window. */
export async function buildDashboardData(
  q: Queryable,
  options: DashboardOptions,
  buildReport: (since: Date | null, until: Date) => Promise<FullReport>,
): Promise<DashboardData> {
  let until = options.until;
  let since = options.since;
  if (!since) {
    // Default: the 52 ISO weeks up to (and including) the week of the last collected activity.
    const last = await q.get<{ last: number | null }>(
      'SELECT MAX(commit_time) AS last FROM git_commits WHERE commit_time <= ?',
      [Math.floor(until.getTime() / 1000)],
    );
    if (last?.last != null) {
      const monday = mondayOf(isoWeekOfDay(dayOf(last.last)));
      since = new Date((monday - 51 * 7) * 86_400_000);
      const weekEnd = new Date((monday + 7) * 86_400_000 - 1000);
      if (weekEnd < until) until = weekEnd;
    }
  }
  const report = await buildReport(since, until);
  const window = {
    since: since ? Math.floor(since.getTime() / 1000) : null,
    until: Math.floor(until.getTime() / 1000),
  };
  const gitDays = await q.all<GitDayRow>(
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
    [window.until, window.since, window.since],
  );
  const revisions = await q.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM git_file_changes f JOIN git_commits c ON c.repo_id = f.repo_id AND c.sha = f.sha
     WHERE c.is_merge = 0 AND c.commit_time <= ? AND (? IS NULL OR c.commit_time >= ?)`,
    [window.until, window.since, window.since],
  );
  return assembleDashboard({
    report,
    gitDays,
    fileRevisions: revisions?.n ?? 0,
    teams: options.teams,
    window: { since, until },
    generatedAt: options.now,
  });
}
