// Delivery analysis: pull requests (or, for repositories without them, merged
// branches from git), CI, the diagnosis per person and team, and the cost of
// each cause. Reads the store, returns plain numbers; renderers format them.
import type { Config } from '../config.js';
import type { Queryable } from '../store/db.js';
import { getOrInit, pushTo } from '../util/maps.js';
import type { Architecture } from './architecture.js';
import { changeFacts, type ReturnLagAttempt } from './change-facts.js';
import { type CiMetrics, ciMetrics } from './ci.js';
import { type CostEntry, type CostInput, computeCosts } from './costs.js';
import { gitDeliveries } from './deliveries.js';
import {
  DEFAULT_DIAGNOSIS,
  type Delivery,
  diagnose,
  groupDeliveries,
  type SubjectDiagnosis,
} from './diagnosis.js';
import {
  type CiReturnLag,
  ciReturnLags,
  DEFAULT_EFFECTS,
  type EffectModel,
  fitEffects,
  moduleOf,
  type SystemEffect,
} from './effects.js';
import { createExclusion, loadAttributes } from './exclusions.js';
import type { Window } from './git-files.js';
import { emailToLogin, subjectForEmail, teamLookup } from './identities.js';
import { type PullRequestMetrics, pullRequestMetrics } from './pull-requests.js';
import { type Summary, summarize } from './stats.js';
import { workingSpan } from './time.js';

export interface GitDeliverySummary {
  /** Repositories whose deliveries come from merge commits (no pull-request data). */
  repositories: string[];
  merges: number;
  cycle: Summary;
  size: Summary;
}

export interface DeliveryAnalysis {
  pullRequests: PullRequestMetrics | null;
  ci: CiMetrics | null;
  gitDeliveries: GitDeliverySummary;
  diagnosis: SubjectDiagnosis[];
  costs: CostEntry[];
  /** System effects measured on everyone's changes (docs/diagnosis.md), significant ones flagged. */
  effects: SystemEffect[];
  /** CI wait and the author's return lag after CI, per repository. */
  ciReturnLag: CiReturnLag[];
  /** Weeks the data covers inside the window, used for every "per week" figure. */
  weeks: number;
  /** Cycle times are working hours (working hours configured) or calendar time. */
  timeBasis: 'working' | 'calendar';
  baselineCycle: number | null;
  deliveries: number;
  unknownTeamMembers: string[];
}

const WEEK = 7 * 86_400;

/** Weeks the data covers inside the window: from the first change's first commit (or the window's start, if later) to the last merge (or the window's end, if earlier). */
export function weeksOfData(deliveries: readonly Delivery[], w: Window): number {
  if (deliveries.length === 0) return 1 / 7;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const d of deliveries) {
    first = Math.min(first, d.mergedAt - d.cycle);
    last = Math.max(last, d.mergedAt);
  }
  const start = Math.max(first, w.since ?? first);
  const end = Math.min(last, w.until);
  return Math.max((end - start) / WEEK, 1 / 7);
}

/** People active per week on average: distinct authors of the changes merged each week, over the weeks of data. */
export function activePeoplePerWeek(deliveries: readonly Delivery[], weeks: number): number {
  const byWeek = new Map<number, Set<string>>();
  for (const d of deliveries)
    getOrInit(byWeek, Math.floor(d.mergedAt / WEEK), () => new Set<string>()).add(d.person);
  let total = 0;
  for (const people of byWeek.values()) total += people.size;
  return total / Math.max(weeks, 1);
}

/** Delay the significant module, reviewer and size effects add to the changes they apply to, seconds. */
export function effectDelays(deliveries: readonly Delivery[], model: EffectModel): CostInput['effectDelay'] {
  const out: CostInput['effectDelay'] = {
    module: { seconds: 0, changes: 0, effects: [] },
    reviewer: { seconds: 0, changes: 0, effects: [] },
    size: { seconds: 0, changes: 0, effects: [] },
  };
  for (const e of model.effects) {
    if (!e.significant) continue;
    if (e.kind === 'module') out.module.effects.push(e);
    if (e.kind === 'reviewer') out.reviewer.effects.push(e);
    if (e.kind === 'size') out.size.effects.push(e);
  }
  const kinds = model.incrementEffects.map((i) => model.effects[i]!.kind);
  const { start, slots, values } = model.increments;
  for (const d of deliveries) {
    const row = model.rowOf.get(d);
    if (row === undefined || kinds.length === 0) continue;
    const parts = { module: 0, reviewer: 0, size: 0 };
    for (let b = start[row]!; b < start[row + 1]!; b += 1) {
      const kind = kinds[slots[b]!]!;
      if (kind === 'module' || kind === 'reviewer' || kind === 'size') parts[kind] += values[b]!;
    }
    for (const kind of ['module', 'reviewer', 'size'] as const) {
      if (parts[kind] <= 0) continue;
      out[kind].seconds += d.cycle * (1 - Math.exp(-parts[kind]));
      out[kind].changes += 1;
    }
  }
  return out;
}

/** Fragile files per repository id: the top tenth of hotspots (≥ minRevisions) and every coupled file. */
function fragileFiles(
  architecture: Architecture,
  repoIds: ReadonlyMap<string, number[]>,
  minRevisions: number,
): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  const add = (repo: string, path: string) => {
    for (const id of repoIds.get(repo) ?? []) getOrInit(result, id, () => new Set<string>()).add(path);
  };
  const byRepo = new Map<string, typeof architecture.files>();
  for (const f of architecture.files) pushTo(byRepo, f.repo, f);
  for (const [repo, files] of byRepo) {
    const ranked = files
      .filter((f) => f.hotspotScore !== null && f.revisions >= minRevisions)
      .sort((a, b) => (b.hotspotScore ?? 0) - (a.hotspotScore ?? 0));
    const top = Math.ceil(files.length * 0.1);
    for (const f of ranked.slice(0, top)) add(repo, f.path);
  }
  for (const pair of architecture.coupling) {
    add(pair.repo, pair.a);
    add(pair.repo, pair.b);
  }
  return result;
}

export async function analyseDelivery(
  q: Queryable,
  w: Window,
  config: Config,
  architecture: Architecture,
  wrapped: { seconds: number; runs: number } | null,
  benchmarkMedian: number | null,
  /** CI metrics already under way (e.g. on a second connection); computed here when absent. */
  ciEarly: Promise<CiMetrics> | null = null,
): Promise<DeliveryAnalysis> {
  const repos = await q.all<{ id: number; name: string }>('SELECT id, name FROM repositories');
  const repoIds = new Map<string, number[]>();
  for (const r of repos) pushTo(repoIds, r.name, r.id);
  const fragile = fragileFiles(architecture, repoIds, config.coupling.minRevisions);
  const logins = await emailToLogin(q);
  const teamOf = teamLookup(config.teams, logins);

  // lock, generated and vendored files are left out of a change's size and
  // modules, by the config and the linguist attributes recorded with each
  // clone's history, as for hotspots
  const exclusion = createExclusion(config.exclude, await loadAttributes(q));
  let pullRequests: PullRequestMetrics | null = null;
  let ci: CiMetrics | null = null;
  let attempts: ReturnLagAttempt[] = [];
  {
    const metrics = await (ciEarly ?? ciMetrics(q, w));
    attempts = metrics.items.map((a) => ({
      repoId: a.repoId,
      headSha: a.headSha,
      attempt: a.attempt,
      start: a.startedAt ?? a.createdAt,
      finish: a.completedAt,
    }));
    pullRequests = await pullRequestMetrics(q, w, {
      bots: config.bots,
      isExcluded: (repoId, path) => exclusion.excludes(repoId, path),
      fragileFiles: fragile,
      workingHours: config.workingHours,
      // CI wait counts the runs created in the window, already loaded for the CI metrics
      ciAttempts: attempts,
    });
    if (pullRequests.items.length === 0) pullRequests = null;
    ci = metrics.attempts > 0 ? metrics : null;
  }
  const working = config.workingHours !== null && config.workingHours !== undefined;
  const mergedItems = (pullRequests?.items ?? []).filter(
    (i) =>
      !i.authorIsBot &&
      i.cycle !== null &&
      i.mergedAt !== null &&
      i.mergedAt <= w.until &&
      (w.since === null || i.mergedAt >= w.since),
  );
  const facts = await changeFacts(
    q,
    mergedItems.map((i) => ({
      repoId: i.repoId,
      number: i.number,
      author: i.author,
      readyAt: i.readyAt,
      mergedAt: i.mergedAt as number,
    })),
    ci ? attempts : [],
    config.bots,
    (repoId, path) => exclusion.excludes(repoId, path),
    // with working hours, a wait for the author counts in the author's working hours
    working ? (from, to, author) => workingSpan(config.workingHours!, from, to, author) : undefined,
  );

  const deliveries: Delivery[] = [];
  const withPrs = new Set<number>();
  for (const item of pullRequests?.items ?? []) withPrs.add(item.repoId);
  for (const [index, item] of mergedItems.entries()) {
    const person = item.author ?? 'ghost';
    deliveries.push({
      repo: item.repo,
      person,
      team: teamOf(person),
      cycle: (working ? item.working?.cycle : null) ?? (item.cycle as number),
      pickup: (working ? item.working?.pickup : null) ?? item.pickup,
      ciWait: item.ciWait === null ? null : ((working ? item.working?.ciWait : null) ?? item.ciWait),
      size: item.size,
      reviewRounds: item.reviewRounds,
      fragile: item.fragile,
      mergedAt: item.mergedAt as number,
      modules: facts.modules[index]!,
      reviewer: facts.reviewer[index]!,
      returnLag: item.ciWait === null ? null : facts.returnLag[index]!,
    });
  }
  const merged = (await gitDeliveries(q, w)).filter((d) => !withPrs.has(d.repoId));
  const bots = new Set(config.bots.map((b) => b.toLowerCase()));
  for (const d of merged) {
    const person = subjectForEmail(d.author, logins);
    if (bots.has(person.toLowerCase()) || person.endsWith('[bot]')) continue;
    deliveries.push({
      repo: d.repo,
      person,
      team: teamOf(person),
      cycle: d.cycle,
      pickup: null,
      ciWait: null,
      size: d.size,
      reviewRounds: null,
      fragile: d.files.some((path) => fragile.get(d.repoId)?.has(path) ?? false),
      mergedAt: d.mergedAt,
      modules: [...new Set(d.files.map(moduleOf))],
      reviewer: null,
      returnLag: null,
    });
  }

  const weeks = weeksOfData(deliveries, w);
  const settings = { ...DEFAULT_DIAGNOSIS, weeks };
  const ciReturnLag = ciReturnLags(deliveries);
  const model = fitEffects(deliveries, { ...DEFAULT_EFFECTS, alpha: settings.alpha });
  const { people, teams } = groupDeliveries(deliveries);
  const diagnosis = [
    ...diagnose(deliveries, teams, 'team', settings, model),
    ...diagnose(deliveries, people, 'person', settings, model),
  ];
  const verdicts = new Set(diagnosis.flatMap((d) => (d.verdict === 'none' ? [] : [d.verdict])));
  const flaky = ci ? ci.workflows.reduce((total, wf) => total + wf.flakySeconds, 0) : null;
  const prDeliveries = deliveries.filter(
    (d) => d.ciWait !== null || d.pickup !== null || d.reviewer !== null,
  );
  const costs = computeCosts({
    weeks,
    activePeople: activePeoplePerWeek(deliveries, weeks),
    ciWaits: deliveries.flatMap((d) => (d.ciWait === null ? [] : [d.ciWait])),
    returnLags: deliveries.flatMap((d) => (d.returnLag === null ? [] : [d.returnLag])),
    flakySeconds: flaky,
    flakyAttempts: ci ? ci.flakyAttempts : null,
    wrapped,
    benchmarkMedian,
    pickups: prDeliveries.flatMap((d) => (d.pickup === null ? [] : [d.pickup])),
    reviewRounds: prDeliveries.flatMap((d) => (d.reviewRounds === null ? [] : [d.reviewRounds])),
    effectDelay: effectDelays(deliveries, model),
    verdicts,
    contextSwitchMinutes: config.costs?.contextSwitchMinutes,
  });

  const known = new Set(deliveries.map((d) => d.person.toLowerCase()));
  for (const email of logins.keys()) known.add(email);
  const unknownTeamMembers = Object.values(config.teams)
    .flat()
    .filter((member) => !known.has(member.toLowerCase()));

  return {
    pullRequests,
    ci,
    gitDeliveries: {
      repositories: [...new Set(merged.map((d) => d.repo))].sort(),
      merges: merged.length,
      cycle: summarize(merged.map((d) => d.cycle)),
      size: summarize(merged.map((d) => d.size)),
    },
    diagnosis,
    costs,
    effects: model.effects,
    ciReturnLag,
    weeks,
    timeBasis: working ? 'working' : 'calendar',
    baselineCycle: summarize(deliveries.map((d) => d.cycle)).median,
    deliveries: deliveries.length,
    unknownTeamMembers: [...new Set(unknownTeamMembers)].sort(),
  };
}
