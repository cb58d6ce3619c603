// DORA's four keys per repository and overall: deployment frequency, lead
// time for changes (with its split into coding, pickup, review and the wait
// from merge to deployment), change failure rate with the signals that fired,
// and time to restore, each placed in a DORA performance band. Keys are per
// repository and organisation only: never per person.
import { gitOrNull } from '../../collectors/git/repository.js';
import { type Config, DEFAULT_CONFIG, type DeploymentSource, type DoraSettings } from '../config.js';
import type { Queryable } from '../store/db.js';
import { listRepositories } from '../store/repositories.js';
import { bandOf, DORA_EDITION, DORA_THRESHOLDS, type DoraBand, weakestBand } from './dora-bands.js';
import {
  type ChangeFailure,
  type FiredSignal,
  findFailures,
  readIncidents,
  readRevertLinks,
} from './dora-failures.js';
import { readGraph, type ShippedChanges, type WalkedDeployment, walkDeployments } from './dora-shipping.js';
import { type Deployment, type FailedStatus, readSource } from './dora-sources.js';
import type { Window } from './git-files.js';
import { type Summary, selectRank, summarize } from './stats.js';
import { isoWeek, isoWeekRange } from './time.js';

const WEEK = 7 * 86_400;

/** The four keys of one scope (a repository, or all of them). */
export interface DoraKeys {
  /** Where deployments came from; 'mixed' overall when repositories differ; null when none were found. */
  source: DeploymentSource | 'mixed' | null;
  /** Successful production deployments in the window (a repeat of the previous deployment's commit not counted). */
  deployments: number;
  deploymentsPerWeek: number | null;
  deploymentsPerDay: number | null;
  /** Deployment → start of each change it shipped (the PR's first commit, or the commit's author time). */
  leadTime: Summary;
  /** Lead time split: coding (first commit → ready), pickup (→ first review), review (→ merge), deployWait (merge → deployment). */
  leadTimeStages: { coding: Summary; pickup: Summary; review: Summary; deployWait: Summary };
  /** Share (0..1) of deployments followed by a failure signal; null without deployments. */
  changeFailureRate: number | null;
  failedDeployments: number;
  /** First failure signal → restore, over the failures that were restored. */
  timeToRestore: Summary;
  /** The weakest of the four bands. */
  band: DoraBand | null;
  bands: {
    deploymentFrequency: DoraBand | null;
    leadTime: DoraBand | null;
    changeFailureRate: DoraBand | null;
    timeToRestore: DoraBand | null;
  };
  /** ISO weeks of the window, for sparklines. */
  weekly: { week: string; deployments: number; leadTimeMedian: number | null }[];
}

/** A failed deployment and the signals that fired for it. */
export interface DoraFailure {
  deployment: string;
  sha: string;
  deployedAt: string;
  signals: { kind: FiredSignal['kind']; ref: string; at: string; restoredAt: string | null }[];
  timeToRestore: number | null;
}

export interface DoraRepository extends DoraKeys {
  repo: string;
  failures: DoraFailure[];
  /** What could not be used and why (commits missing from the clone, unknown environments, ...). */
  notes: string[];
  /** Why no deployment was found here, with what was tried; null when deployments were found. */
  missing: string | null;
}

export interface DoraSection extends DoraKeys {
  repositories: DoraRepository[];
  /** "No deployments found" with what was tried and how to configure it; null when any were found. */
  missing: string | null;
  edition: string;
  thresholds: typeof DORA_THRESHOLDS;
}

interface RepoWork {
  repo: string;
  source: DeploymentSource | null;
  walked: WalkedDeployment[];
  /** What the walked deployments shipped (their rows); null without deployments. */
  changes: ShippedChanges | null;
  failures: ChangeFailure[];
  notes: string[];
  tried: string[];
}

/** Computes the DORA section for the window from the store. */
export async function analyseDora(
  q: Queryable,
  window: Window,
  config: Partial<Pick<Config, 'dora'>> = {},
): Promise<DoraSection> {
  const settings = config.dora ?? DEFAULT_CONFIG.dora;
  const inWindow = (d: { at: number }) =>
    d.at <= window.until && (window.since === null || d.at >= window.since);
  const work: RepoWork[] = [];
  const repos = await listRepositories(q);
  const begin = (i: number) => {
    const repo = repos[i];
    if (!repo) return null;
    const running = analyseRepository(q, repo.id, repo.github ?? repo.name, repo.branch, settings, inWindow);
    // a failure surfaces where the result is awaited
    running.catch(() => undefined);
    return running;
  };
  // two repositories at a time: one reads from SQLite while the other walks its graph
  let next = begin(0);
  for (let i = 0; next; i += 1) {
    const current = next;
    next = begin(i + 1);
    work.push(await current);
  }
  const firstDeployment = Math.min(...work.flatMap((w) => w.walked.filter(inWindow).map((d) => d.at)));
  const start = window.since ?? (Number.isFinite(firstDeployment) ? firstDeployment : null);
  const scope = (items: RepoWork[]) => keysOf(items, start, window.until, inWindow);

  const repositories = work.map((w) => {
    const keys = scope([w]);
    const failures = w.failures
      .filter((f) => inWindow(w.walked[f.deployment]!))
      .map((f) => {
        const d = w.walked[f.deployment]!;
        return {
          deployment: d.ref,
          sha: d.sha,
          deployedAt: iso(d.at),
          signals: f.signals.map((s) => ({
            kind: s.kind,
            ref: s.ref,
            at: iso(s.at),
            restoredAt: s.restoredAt === null ? null : iso(s.restoredAt),
          })),
          timeToRestore: f.timeToRestore,
        };
      });
    const missing =
      w.source === null ? `no deployments found in ${w.repo}: tried ${w.tried.join('; ')}` : null;
    return { repo: w.repo, ...keys, failures, notes: w.notes, missing };
  });
  const found = work.some((w) => w.source !== null);
  const missing = found
    ? null
    : `no deployments found${work.length ? ` (${repositories.map((r) => r.missing).join('. ')})` : ' (no repositories collected)'}. ` +
      'To configure: name your production environments in dora.environments, your deploy workflow in dora.workflowPattern, ' +
      'or your release tags in dora.tagPattern (docs/dora.md); `dx-audit collect github` reads deployments and releases, ' +
      '`dx-audit collect git` reads tags';
  return {
    ...scope(work),
    repositories,
    missing,
    edition: DORA_EDITION,
    thresholds: DORA_THRESHOLDS,
  };
}

async function analyseRepository(
  q: Queryable,
  repoId: number,
  name: string,
  branch: string | null,
  settings: DoraSettings,
  inWindow: (d: { at: number }) => boolean,
): Promise<RepoWork> {
  const defaultBranch = branch ?? (await mostCommonBase(q, repoId));
  const tried: string[] = [];
  const notes: string[] = [];
  let chosen: { source: DeploymentSource; deployments: Deployment[]; failedStatuses: FailedStatus[] } | null =
    null;
  for (const source of settings.sources) {
    const result = await readSource(q, repoId, source, settings, defaultBranch);
    tried.push(result.tried);
    notes.push(...result.notes);
    if (result.deployments.length > 0) {
      chosen = result;
      break;
    }
  }
  if (!chosen) return { repo: name, source: null, walked: [], changes: null, failures: [], notes, tried };

  // A repeat of the commit production already runs (a re-run, a second region) ships nothing and is not counted.
  const sorted = [...chosen.deployments].sort((a, b) => a.at - b.at || (a.ref < b.ref ? -1 : 1));
  const deployments: Deployment[] = [];
  for (const d of sorted) if (deployments.at(-1)?.sha !== d.sha) deployments.push(d);
  const repeats = sorted.length - deployments.length;
  if (repeats > 0)
    notes.push(`${repeats} repeated deployment(s) of the commit already deployed were counted once`);

  // the history, pull requests and failure signals read at once: SQLite queues them without waiting for this thread
  const [{ graph, prs }, revertLinks, incidents] = await Promise.all([
    readGraph(
      q,
      repoId,
      deployments.map((d) => d.sha),
    ),
    readRevertLinks(q, repoId),
    readIncidents(q, repoId, settings.incidentLabel),
  ]);
  const shipping = walkDeployments(deployments, graph, prs);
  const absent = shipping.deployments.filter((d) => !d.inClone && inWindow(d));
  if (absent.length > 0) {
    const shas = absent.slice(0, 3).map((d) => d.sha.slice(0, 7));
    notes.push(
      `${absent.length} deployment(s) of commits not in the local clone (${shas.join(', ')}${absent.length > 3 ? ', …' : ''}: a shallow clone, another branch or rewritten history) are counted as deployments but left out of lead time`,
    );
  }
  const uncertain = shipping.deployments.filter(inWindow).reduce((n, d) => n + d.uncertain, 0);
  if (uncertain > 0) {
    notes.push(
      `${uncertain} change(s) that may have shipped with a deployment missing from the clone are left out of lead time`,
    );
  }
  const failures = findFailures(shipping, chosen.failedStatuses, revertLinks, incidents, settings);
  const unrestored = failures.filter(
    (f) => f.timeToRestore === null && inWindow(shipping.deployments[f.deployment]!),
  ).length;
  if (unrestored > 0) notes.push(`${unrestored} failure(s) not restored yet are left out of time to restore`);
  return {
    repo: name,
    source: chosen.source,
    walked: shipping.deployments,
    changes: shipping.changes,
    failures,
    notes,
    tried,
  };
}

async function mostCommonBase(q: Queryable, repoId: number): Promise<string | null> {
  const row = await q.get<{ base: string }>(
    `SELECT base_ref AS base FROM github_pull_requests WHERE repo_id = ? AND merged_at IS NOT NULL
     GROUP BY base_ref ORDER BY count(*) DESC, base_ref LIMIT 1`,
    [repoId],
  );
  return row?.base ?? null;
}

function keysOf(
  items: RepoWork[],
  start: number | null,
  until: number,
  inWindow: (d: { at: number }) => boolean,
): DoraKeys {
  const sources = new Set(items.map((w) => w.source).filter((s) => s !== null));
  const deployments = items.flatMap((w) => w.walked.filter(inWindow));
  // every shipped change's figures in one typed column each, sorted once for the quantiles
  const columns = {
    lead: [] as Float64Array[],
    coding: [] as Float64Array[],
    pickup: [] as Float64Array[],
    review: [] as Float64Array[],
    deployWait: [] as Float64Array[],
  };
  for (const w of items) {
    if (!w.changes) continue;
    for (const d of w.walked) {
      if (d.changeCount === 0 || !inWindow(d)) continue;
      const rows = (column: Float64Array) => column.subarray(d.firstChange, d.firstChange + d.changeCount);
      columns.lead.push(rows(w.changes.leadTime));
      columns.coding.push(rows(w.changes.coding));
      columns.pickup.push(rows(w.changes.pickup));
      columns.review.push(rows(w.changes.review));
      columns.deployWait.push(rows(w.changes.deployWait));
    }
  }
  const failures = items.flatMap((w) => w.failures.filter((f) => inWindow(w.walked[f.deployment]!)));
  const span = start === null ? 0 : until - start;
  const found = sources.size > 0;
  // a window shorter than a week counts as one: a rate per week never extrapolates from hours
  const perWeek = found && span > 0 ? deployments.length / Math.max(span / WEEK, 1) : null;
  const leadTime = summaryOf(columns.lead);
  const cfr = found && deployments.length > 0 ? failures.length / deployments.length : null;
  const restore = summarize(failures.map((f) => f.timeToRestore).filter((v): v is number => v !== null));
  const bands = {
    deploymentFrequency: bandOf('deploymentFrequency', perWeek),
    leadTime: bandOf('leadTime', leadTime.median),
    changeFailureRate: bandOf('changeFailureRate', cfr),
    timeToRestore: bandOf('timeToRestore', restore.median),
  };
  return {
    source: sources.size === 0 ? null : sources.size === 1 ? [...sources][0]! : 'mixed',
    deployments: deployments.length,
    deploymentsPerWeek: perWeek,
    deploymentsPerDay: perWeek === null ? null : perWeek / 7,
    leadTime,
    leadTimeStages: {
      coding: summaryOf(columns.coding),
      pickup: summaryOf(columns.pickup),
      review: summaryOf(columns.review),
      deployWait: summaryOf(columns.deployWait),
    },
    changeFailureRate: cfr,
    failedDeployments: failures.length,
    timeToRestore: restore,
    band: weakestBand(Object.values(bands)),
    bands,
    weekly: found && start !== null ? weekly(start, until, items, inWindow) : [],
  };
}

/** Median and p90 of the values in `parts`, NaN (a stage that does not apply) left out. */
export function summaryOf(parts: readonly Float64Array[]): Summary {
  let n = 0;
  for (const part of parts) for (let k = 0; k < part.length; k += 1) if (!Number.isNaN(part[k]!)) n += 1;
  const values = new Float64Array(n);
  let i = 0;
  for (const part of parts) {
    for (let k = 0; k < part.length; k += 1) {
      const v = part[k]!;
      if (!Number.isNaN(v)) values[i++] = v;
    }
  }
  // the p90's ranks lie at or above the median's, so its selection runs on what the median's left above it
  return { median: quantileOf(values, 0.5, 0), p90: quantileOf(values, 0.9, Math.floor((n - 1) * 0.5)), n };
}

/**
 * Quantile q of `values` as quantileSorted computes it on the sorted values
 * (linear interpolation between ranks), found by selection instead of a sort:
 * the two ranks it needs are put in place, in linear time. Reorders `values`;
 * ranks below `from` must already hold the smallest values.
 */
function quantileOf(values: Float64Array, q: number, from: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  selectRank(values, lower, from);
  const a = values[lower]!;
  if (lower === Math.ceil(position)) return a;
  // the next rank is the smallest value above `lower`
  let b = Number.POSITIVE_INFINITY;
  for (let k = lower + 1; k < n; k += 1) if (values[k]! < b) b = values[k]!;
  return a + (b - a) * (position - lower);
}

function weekly(
  start: number,
  until: number,
  items: readonly RepoWork[],
  inWindow: (d: { at: number }) => boolean,
): DoraKeys['weekly'] {
  const weeks = new Map<string, { deployments: number; lead: Float64Array[] }>();
  for (let week = isoWeek(start * 1000); ; ) {
    weeks.set(week, { deployments: 0, lead: [] });
    const { end } = isoWeekRange(week);
    if (end / 1000 >= until) break;
    week = isoWeek(end);
  }
  for (const item of items) {
    for (const d of item.walked) {
      if (!inWindow(d)) continue;
      // a change counts in the week of the deployment that shipped it
      const w = weeks.get(isoWeek(d.at * 1000));
      if (!w) continue;
      w.deployments += 1;
      if (item.changes && d.changeCount > 0)
        w.lead.push(item.changes.leadTime.subarray(d.firstChange, d.firstChange + d.changeCount));
    }
  }
  return [...weeks].map(([week, w]) => ({
    week,
    deployments: w.deployments,
    leadTimeMedian: summaryOf(w.lead).median,
  }));
}

const iso = (t: number) => new Date(t * 1000).toISOString();

/** What `init` found: the first source with deployments, and a line per source saying what was there. */
export interface DetectedSource {
  source: DeploymentSource | null;
  found: string[];
}

/** GitHub facts `init` may already hold about a repository. */
export interface GithubDeploymentHints {
  /** Environments of the repository's deployments (one entry per deployment). */
  environments?: readonly string[];
  /** Names (or files) of the repository's workflows. */
  workflows?: readonly string[];
  /** Published, non-pre-release releases. */
  releases?: number;
}

/** Detects which deployment source a repository has, in the default order, for `init` to write into the config. */
export async function detectDeploymentSource(
  repoPath: string,
  githubData?: GithubDeploymentHints,
  settings: DoraSettings = DEFAULT_CONFIG.dora,
): Promise<DetectedSource> {
  const production = new Set(settings.environments.map((e) => e.toLowerCase()));
  const workflow = new RegExp(settings.workflowPattern, 'i');
  const tagPattern = new RegExp(settings.tagPattern, 'i');
  const counts: Record<DeploymentSource, number | null> = {
    deployments: githubData?.environments
      ? githubData.environments.filter((e) => production.has(e.toLowerCase())).length
      : null,
    actions: githubData?.workflows ? githubData.workflows.filter((w) => workflow.test(w)).length : null,
    releases: githubData?.releases ?? null,
    tags: ((await gitOrNull(repoPath, ['tag', '--list'])) ?? '')
      .split('\n')
      .filter((t) => t && tagPattern.test(t)).length,
  };
  const words: Record<DeploymentSource, string> = {
    deployments: 'production deployments on GitHub',
    actions: 'deploy workflows',
    releases: 'published releases',
    tags: 'version tags',
  };
  const found = settings.sources.map((s) =>
    counts[s] === null ? `${words[s]}: not checked (no GitHub data)` : `${words[s]}: ${counts[s]}`,
  );
  const source = settings.sources.find((s) => (counts[s] ?? 0) > 0) ?? null;
  return { source, found };
}
