// Assembles the report object from the analyses. Renderers (JSON, text,
// Markdown, HTML) only format what this returns.

import { type ArchitectureConfig, analyseArchitecture } from '../analysis/architecture.js';
import { buildsSection } from '../analysis/build-summary.js';
import { ciMetrics } from '../analysis/ci.js';
import { analyseDelivery } from '../analysis/delivery.js';
import { DEFAULT_DIAGNOSIS } from '../analysis/diagnosis.js';
import { analyseDora } from '../analysis/dora.js';
import { gitSummary, type Window } from '../analysis/git-files.js';
import { type Config, DEFAULT_CONFIG } from '../config.js';
import { Db, type Queryable } from '../store/db.js';
import { listRepositories } from '../store/repositories.js';
import { REPORT_SCHEMA_VERSION, type Report } from './model.js';

export interface ReportOptions {
  since: Date | null;
  until: Date;
  now: Date;
  /** Every file instead of the top `top`. */
  detail: boolean;
  top: number;
  /** Exclusions, fix patterns, coupling thresholds and modules (defaults when absent). */
  config?: ArchitectureConfig & Partial<Config>;
}

export async function buildReport(q: Queryable, options: ReportOptions): Promise<Report> {
  const window: Window = {
    since: options.since ? Math.floor(options.since.getTime() / 1000) : null,
    until: Math.floor(options.until.getTime() / 1000),
  };
  const repositories = await listRepositories(q);
  const summary = await gitSummary(q, window);
  // CI metrics need no architecture: on a database file, read them through a
  // second connection while the first one reads the git history.
  const second =
    q instanceof Db ? await Db.open(q.file, { readonly: true, pending: false }).catch(() => null) : null;
  const ciEarly = ciMetrics(second ?? q, window);
  // a failure surfaces where the result is awaited
  ciEarly.catch(() => undefined);
  let architecture: Awaited<ReturnType<typeof analyseArchitecture>>;
  try {
    architecture = await analyseArchitecture(q, window, options.config ?? DEFAULT_CONFIG);
  } catch (error) {
    await ciEarly.catch(() => undefined);
    await second?.close().catch(() => undefined);
    throw error;
  }
  const files = architecture.files;
  const cut = <T>(items: T[]) => (options.detail ? items : items.slice(0, options.top));
  const builds = await buildsSection(q, { since: options.since, until: options.until });
  const config: Config = { ...DEFAULT_CONFIG, ...options.config };
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
  ).finally(() => second?.close().catch(() => undefined));
  const iso = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString());
  const prs = delivery.pullRequests;
  const ci = delivery.ci;
  const since =
    options.since ?? (summary.firstCommitAt !== null ? new Date(summary.firstCommitAt * 1000) : null);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: options.now.toISOString(),
    window: { since: since ? since.toISOString() : null, until: options.until.toISOString() },
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
      largeChangeSets: architecture.largeChangeSets,
      warnings: architecture.warnings,
    },
    builds,
    pullRequests: prs
      ? {
          count: prs.count,
          merged: prs.merged,
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
    dora: await analyseDora(q, window, config),
    dataQuality: {
      ...(prs ? prs.dataQuality : {}),
      ciNegativeDurations: ci?.negativeDurations ?? 0,
      unknownTeamMembers: delivery.unknownTeamMembers,
    },
    method: {
      baselineCycle: delivery.baselineCycle,
      deliveries: delivery.deliveries,
      weeks: delivery.weeks,
      minDeliveries: DEFAULT_DIAGNOSIS.minDeliveries,
      alpha: DEFAULT_DIAGNOSIS.alpha,
      minRelativeExcess: DEFAULT_DIAGNOSIS.minRelativeExcess,
      minShare: DEFAULT_DIAGNOSIS.minShare,
    },
  };
}
