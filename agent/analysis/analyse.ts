// The analysis: reads the store once and computes the whole report model,
// every number any output shows. Renderers (JSON, text, Markdown, HTML, the
// dashboard) only format what this returns.

import { type Config, DEFAULT_CONFIG } from '../config.js';
import { collectionStates } from '../store/collection.js';
import { Db, type Queryable } from '../store/db.js';
import { listRepositories } from '../store/repositories.js';
import { type ArchitectureConfig, analyseArchitecture } from './architecture.js';
import { buildsSection } from './build-summary.js';
import { type CiMetrics, ciMetrics } from './ci.js';
import { analyseDelivery } from './delivery.js';
import { DEFAULT_DIAGNOSIS } from './diagnosis.js';
import { analyseDora, type DoraSection } from './dora.js';
import { gitSummary, type Window } from './git-files.js';
import { isoWeekOf } from './iso-week.js';
import {
  type EmptyState,
  type OutsideWindow,
  REPORT_SCHEMA_VERSION,
  type Report,
  type SectionName,
} from './model.js';
import { type GitDayRow, gitDays, weeklySeries } from './series.js';
import { outsideWhere, verdictOf } from './verdict.js';
import { reportedWeek, weekComparison } from './week.js';
import { resolveWindow } from './window.js';

export interface AnalysisOptions {
  /** The requested window (--since/--until or the config); clamped to the data. */
  since: Date | null;
  until: Date;
  now: Date;
  /** Every file, PR and CI attempt instead of the top `top` files. */
  detail: boolean;
  top: number;
  /** The ISO week of the weekly comparison; default: the last complete week of the window. */
  week?: string | null;
  /** Exclusions, fix patterns, coupling thresholds, modules, teams, bots (defaults when absent). */
  config?: ArchitectureConfig & Partial<Config>;
}

/** What each empty section says, and the command that fills it. */
export const HOW_TO_COLLECT: Record<SectionName, EmptyState> = {
  git: { missing: 'no git history is collected inside the window', command: 'dx-audit audit [PATH...]' },
  pullRequests: {
    missing:
      'no pull requests or reviews are collected inside the window (needs a GitHub remote and a token: GITHUB_TOKEN, GH_TOKEN or gh auth login)',
    command: 'dx-audit audit',
  },
  ci: {
    missing:
      'no GitHub Actions runs are collected inside the window (needs a GitHub remote and a token: GITHUB_TOKEN, GH_TOKEN or gh auth login)',
    command: 'dx-audit audit',
  },
  builds: {
    missing: 'no local build is timed yet',
    command: 'dx-audit build [PATH]  (or time real builds with: dx-audit wrap -- CMD)',
  },
  hotspots: { missing: 'no git history is collected inside the window', command: 'dx-audit audit [PATH...]' },
  coupling: {
    missing:
      'no pair of files or modules was found changing together often enough (≥ 5 shared commits and ≥ 30 % of their changes)',
    command: 'dx-audit audit --since 2y  (a longer history finds more pairs)',
  },
  dora: {
    missing: 'no deployments found (GitHub deployments, deploy workflows, releases or version tags)',
    command: 'set "dora" in dx-audit.config.json (docs/dora.md), then dx-audit audit',
  },
  diagnosis: {
    missing:
      'the diagnosis and its hour costs need pull requests, reviews and CI runs (a GitHub remote and a token: GITHUB_TOKEN, GH_TOKEN or gh auth login)',
    command: 'dx-audit audit',
  },
};

const OUTSIDE_NOUNS = {
  git: ['commits', 'no commits'],
  pullRequests: ['pullRequests', 'no pull requests or reviews'],
  ci: ['ciRuns', 'no GitHub Actions runs'],
  diagnosis: [
    'pullRequests',
    'the diagnosis and its hour costs need pull requests and CI runs, and there are none',
  ],
} as const;

/**
 * The empty state of a section whose facts lie outside the window: where they
 * are and the window that reaches them; null when none lie outside it.
 */
function outsideState(section: keyof typeof OUTSIDE_NOUNS, outside: OutsideWindow): EmptyState | null {
  const [key, none] = OUTSIDE_NOUNS[section];
  const before = outside.before[key];
  const after = outside.after[key];
  if (before + after === 0) return null;
  const where = outsideWhere(outside)!;
  // --since takes the start of its day; --until a day after the last fact covers that whole day
  const dayAfter = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString().slice(0, 10);
  const flags = [
    ...(before > 0 ? [`--since ${outside.before.first!.slice(0, 10)}`] : []),
    ...(after > 0 ? [`--until ${dayAfter(outside.after.last!)}`] : []),
  ];
  return {
    missing: `${none} inside the window; ${where.text}`,
    command: `dx-audit audit ${flags.join(' ')}`,
  };
}

/** Runs the whole analysis once. */
export async function analyse(q: Queryable, options: AnalysisOptions): Promise<Report> {
  const resolved = await resolveWindow(q, { since: options.since, until: options.until });
  // ages of files are measured to the requested end (now by default), not to the newest data
  const window: Window = {
    since: resolved.since,
    until: resolved.until,
    asOf: Math.max(resolved.until, Math.floor(options.until.getTime() / 1000)),
  };
  const repositories = await listRepositories(q);
  const summary = await gitSummary(q, window);
  const config: Config = { ...DEFAULT_CONFIG, ...options.config };
  // What needs only the window (CI metrics, daily git activity, DORA, the
  // counts outside the window) is read, on a database file, through a second
  // connection while the first one reads the git history for the architecture.
  const second =
    q instanceof Db ? await Db.open(q.file, { readonly: true, pending: false }).catch(() => null) : null;
  const reader = second ?? q;
  // One after another: statements waiting on one connection would each hold a
  // thread of the pool the first connection needs too.
  const after = (previous: Promise<unknown>) =>
    previous.then(
      () => undefined,
      () => undefined,
    );
  const ciEarly = ciMetrics(reader, window);
  const daysEarly = after(ciEarly).then(() => gitDays(reader, window));
  const doraEarly = after(daysEarly).then(() => analyseDora(reader, window, config));
  const outsideEarly = after(doraEarly).then(() => countOutside(reader, window));
  const early = [ciEarly, daysEarly, doraEarly, outsideEarly];
  // a failure surfaces where the result is awaited
  for (const work of early) work.catch(() => undefined);
  try {
    return await analyseWith(q, options, {
      resolved,
      window,
      repositories,
      summary,
      config,
      ciEarly,
      daysEarly,
      doraEarly,
      outsideEarly,
    });
  } finally {
    await Promise.allSettled(early);
    await second?.close().catch(() => undefined);
  }
}

interface Started {
  resolved: Awaited<ReturnType<typeof resolveWindow>>;
  window: Window;
  repositories: Awaited<ReturnType<typeof listRepositories>>;
  summary: Awaited<ReturnType<typeof gitSummary>>;
  config: Config;
  ciEarly: Promise<CiMetrics>;
  daysEarly: Promise<GitDayRow[]>;
  doraEarly: Promise<DoraSection>;
  outsideEarly: Promise<Report['outsideWindow']>;
}

async function analyseWith(q: Queryable, options: AnalysisOptions, started: Started): Promise<Report> {
  const { resolved, window, repositories, summary, config, ciEarly } = started;
  const architecture = await analyseArchitecture(q, window, options.config ?? DEFAULT_CONFIG);
  const files = architecture.files;
  const cut = <T>(items: T[]) => (options.detail ? items : items.slice(0, options.top));
  // Build timings measure today's machines, not history: they count from the window's start to the requested end.
  const builds = await buildsSection(q, {
    since: window.since === null ? null : new Date(window.since * 1000),
    until: options.until,
  });
  const wrappedRows = builds.wrappedPerDay;
  const wrapped = wrappedRows.length
    ? {
        seconds: wrappedRows.reduce((t, r) => t + r.waitMinutes * 60, 0),
        runs: wrappedRows.reduce((t, r) => t + r.runs, 0),
      }
    : null;
  const warm = builds.summary
    .filter((r) => r.kind === 'warm' && r.median !== null)
    .map((r) => r.median as number);
  const delivery = await analyseDelivery(
    q,
    window,
    config,
    architecture,
    wrapped,
    warm.length ? warm.sort((a, b) => a - b)[Math.floor(warm.length / 2)]! : null,
    ciEarly,
  );
  const iso = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString());
  const prs = delivery.pullRequests;
  const ci = delivery.ci;
  const teams = config.teams ?? {};
  const series = weeklySeries({
    days: await started.daysEarly,
    window,
    repositories: repositories.map((r) => r.name),
    github: new Map(repositories.flatMap((r) => (r.github ? [[r.name, r.github] as const] : []))),
    teams,
    pullRequests: prs?.items ?? [],
    ciAttempts: ci?.items ?? [],
  });
  const outsideWindow = await started.outsideEarly;
  const dora = await started.doraEarly;
  const fileRevisions = files.reduce((total, f) => total + f.revisions, 0);
  const mergedByPeople = prs
    ? prs.items.filter(
        (i) =>
          !i.authorIsBot &&
          i.mergedAt !== null &&
          i.mergedAt >= (window.since ?? 0) &&
          i.mergedAt <= window.until,
      ).length
    : 0;
  // A section empty inside the window whose facts are collected outside it says where they are, not how to collect them.
  const elsewhere = (section: 'git' | 'pullRequests' | 'ci' | 'diagnosis') =>
    outsideState(section, outsideWindow);
  const model: Omit<Report, 'verdict' | 'week'> = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: options.now.toISOString(),
    window: resolved.report,
    repositories: repositories.map((r) => ({ name: r.name, path: r.path, github: r.github })),
    git: {
      commits: summary.commits,
      merges: summary.merges,
      authors: summary.authors,
      filesChanged: files.length,
      files: cut(files),
      coupling: cut(architecture.coupling),
      modules: cut(architecture.modules),
      moduleCoupling: cut(architecture.moduleCoupling),
      couplingPairs: architecture.coupling.length,
      excludedFiles: architecture.excludedFiles,
      excludedByReason: architecture.excludedByReason,
      largeChangeSets: architecture.largeChangeSets,
      warnings: architecture.warnings,
    },
    builds,
    pullRequests: prs
      ? {
          count: prs.count,
          merged: prs.merged,
          mergedByPeople,
          stages: prs.stages,
          workingStages: prs.workingStages,
          size: prs.size,
          reviewRounds: prs.reviewRounds,
          rework: prs.rework,
          ciWait: prs.ciWait,
          ...(options.detail
            ? {
                items: prs.items.map((i) => ({
                  repo: i.repo,
                  number: i.number,
                  title: i.title,
                  author: i.author,
                  createdAt: iso(i.createdAt) as string,
                  readyAt: iso(i.readyAt),
                  firstCommitAt: iso(i.firstCommitAt),
                  firstReviewAt: iso(i.firstReviewAt),
                  mergedAt: iso(i.mergedAt),
                  additions: i.additions,
                  deletions: i.deletions,
                  size: i.size,
                  reviewRounds: i.reviewRounds,
                  rework: i.rework,
                  coding: i.coding,
                  pickup: i.pickup,
                  review: i.review,
                  cycle: i.cycle,
                  ciWait: i.ciWait,
                  fragile: i.fragile,
                  bot: i.authorIsBot,
                  working: i.working,
                })),
              }
            : {}),
        }
      : null,
    ci: ci
      ? {
          runs: ci.runs,
          attempts: ci.attempts,
          workflows: ci.workflows,
          ...(options.detail
            ? {
                items: ci.items.map((a) => ({
                  repo: a.repo,
                  id: a.id,
                  workflow: a.workflow,
                  headSha: a.headSha,
                  attempt: a.attempt,
                  conclusion: a.conclusion,
                  createdAt: iso(a.createdAt) as string,
                  startedAt: iso(a.startedAt),
                  completedAt: iso(a.completedAt),
                  queue: a.queue,
                  duration: a.duration,
                })),
              }
            : {}),
        }
      : null,
    deliveries: delivery.gitDeliveries,
    diagnosis: delivery.diagnosis,
    costs: delivery.costs,
    dora,
    systemEffects: delivery.effects,
    ciReturnLag: delivery.ciReturnLag,
    dataQuality: {
      ...(prs ? prs.dataQuality : {}),
      ciNegativeDurations: ci?.negativeDurations ?? 0,
      unknownTeamMembers: delivery.unknownTeamMembers,
      malformedJobs:
        (await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM github_malformed WHERE kind = 'job'`))?.n ?? 0,
    },
    method: {
      baselineCycle: delivery.baselineCycle,
      deliveries: delivery.deliveries,
      weeks: delivery.weeks,
      minDeliveries: DEFAULT_DIAGNOSIS.minDeliveries,
      alpha: DEFAULT_DIAGNOSIS.alpha,
      minRelativeExcess: DEFAULT_DIAGNOSIS.minRelativeExcess,
      minShare: DEFAULT_DIAGNOSIS.minShare,
      timeBasis: delivery.timeBasis,
    },
    collection: await collectionStates(q),
    series,
    outsideWindow,
    anonymized: false,
    empty: {
      git: summary.commits + summary.merges > 0 ? null : (elsewhere('git') ?? HOW_TO_COLLECT.git),
      pullRequests: prs && prs.count > 0 ? null : (elsewhere('pullRequests') ?? HOW_TO_COLLECT.pullRequests),
      ci: ci && ci.runs > 0 ? null : (elsewhere('ci') ?? HOW_TO_COLLECT.ci),
      builds: builds.summary.length > 0 || builds.wrappedPerDay.length > 0 ? null : HOW_TO_COLLECT.builds,
      hotspots: files.length > 0 ? null : (elsewhere('git') ?? HOW_TO_COLLECT.hotspots),
      coupling:
        architecture.coupling.length + architecture.moduleCoupling.length > 0
          ? null
          : files.length > 0
            ? HOW_TO_COLLECT.coupling
            : (elsewhere('git') ?? HOW_TO_COLLECT.git),
      dora:
        dora.deployments > 0
          ? null
          : { ...HOW_TO_COLLECT.dora, missing: dora.missing ?? HOW_TO_COLLECT.dora.missing },
      diagnosis:
        delivery.diagnosis.length > 0 || delivery.costs.some((c) => c.hoursPerWeek !== null)
          ? null
          : (elsewhere('diagnosis') ?? HOW_TO_COLLECT.diagnosis),
    },
  };
  const verdict = verdictOf(model, fileRevisions);
  const week = options.week ?? reportedWeek(new Date(window.until * 1000), options.now, isoWeekOf);
  return { ...model, verdict, week: weekComparison(model, series, week, verdict.headline) };
}

/** Commits, pull requests and CI runs collected outside the window, in all and per side, with the dates of each side. */
async function countOutside(q: Queryable, w: Window): Promise<Report['outsideWindow']> {
  const since = w.since ?? Number.MIN_SAFE_INTEGER;
  type Row = {
    before: number | null;
    after: number | null;
    b0: number | null;
    b1: number | null;
    a0: number | null;
    a1: number | null;
  };
  const read = async (table: string, time: string) =>
    (await q.get<Row>(
      `SELECT SUM(${time} < ?1) AS before, SUM(${time} > ?2) AS after,
              MIN(CASE WHEN ${time} < ?1 THEN ${time} END) AS b0, MAX(CASE WHEN ${time} < ?1 THEN ${time} END) AS b1,
              MIN(CASE WHEN ${time} > ?2 THEN ${time} END) AS a0, MAX(CASE WHEN ${time} > ?2 THEN ${time} END) AS a1
       FROM ${table} WHERE ${time} < ?1 OR ${time} > ?2`,
      [since, w.until],
    )) ?? { before: 0, after: 0, b0: null, b1: null, a0: null, a1: null };
  const commits = await read('git_commits', 'commit_time');
  const pullRequests = await read('github_pull_requests', 'COALESCE(merged_at, created_at)');
  const ciRuns = await read('github_workflow_runs', 'created_at');
  const rows = [commits, pullRequests, ciRuns];
  const iso = (values: (number | null)[], pick: (...v: number[]) => number) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : new Date(pick(...known) * 1000).toISOString();
  };
  const side = (
    n: (r: Row) => number | null,
    first: (r: Row) => number | null,
    last: (r: Row) => number | null,
  ) => ({
    commits: n(commits) ?? 0,
    pullRequests: n(pullRequests) ?? 0,
    ciRuns: n(ciRuns) ?? 0,
    first: iso(rows.map(first), Math.min),
    last: iso(rows.map(last), Math.max),
  });
  const before = side(
    (r) => r.before,
    (r) => r.b0,
    (r) => r.b1,
  );
  const after = side(
    (r) => r.after,
    (r) => r.a0,
    (r) => r.a1,
  );
  return {
    commits: before.commits + after.commits,
    pullRequests: before.pullRequests + after.pullRequests,
    ciRuns: before.ciRuns + after.ciRuns,
    before,
    after,
  };
}
