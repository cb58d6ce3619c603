// Delivery analysis: pull requests (or, for repositories without them, merged
// branches from git), CI, the diagnosis per person and team, and the cost of
// each cause. Reads the store, returns plain numbers; renderers format them.
import type { Config } from '../config.js';
import type { Queryable } from '../store/db.js';
import { getOrInit, pushTo } from '../util/maps.js';
import type { Architecture } from './architecture.js';
import { type CiMetrics, ciMetrics } from './ci.js';
import { type CostEntry, computeCosts } from './costs.js';
import { gitDeliveries } from './deliveries.js';
import {
  DEFAULT_DIAGNOSIS,
  type Delivery,
  diagnose,
  groupDeliveries,
  organisationEffects,
  type SubjectDiagnosis,
} from './diagnosis.js';
import { createExclusion } from './exclusions.js';
import type { Window } from './git-files.js';
import { emailToLogin, subjectForEmail, teamLookup } from './identities.js';
import { type PullRequestMetrics, pullRequestMetrics } from './pull-requests.js';
import { type Summary, summarize } from './stats.js';

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
  /** Window length in weeks used for every "per week" figure. */
  weeks: number;
  baselineCycle: number | null;
  deliveries: number;
  unknownTeamMembers: string[];
}

const WEEK = 7 * 86_400;

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

  let pullRequests: PullRequestMetrics | null = null;
  let ci: CiMetrics | null = null;
  {
    const attributes = new Map();
    const exclusion = createExclusion(config.exclude, attributes);
    const metrics = await (ciEarly ?? ciMetrics(q, w));
    pullRequests = await pullRequestMetrics(q, w, {
      bots: config.bots,
      isExcluded: (path) => exclusion.excludes(-1, path),
      fragileFiles: fragile,
      workingHours: config.workingHours,
      // CI wait counts the runs created in the window, already loaded for the CI metrics
      ciAttempts: metrics.items.map((a) => ({
        repoId: a.repoId,
        headSha: a.headSha,
        start: a.startedAt ?? a.createdAt,
        finish: a.completedAt,
      })),
    });
    if (pullRequests.items.length === 0) pullRequests = null;
    ci = metrics.attempts > 0 ? metrics : null;
  }

  const deliveries: Delivery[] = [];
  const withPrs = new Set<number>();
  for (const item of pullRequests?.items ?? []) {
    withPrs.add(item.repoId);
    if (item.authorIsBot || item.cycle === null || item.mergedAt === null) continue;
    if (item.mergedAt > w.until || (w.since !== null && item.mergedAt < w.since)) continue;
    const person = item.author ?? 'ghost';
    deliveries.push({
      repo: item.repo,
      person,
      team: teamOf(person),
      cycle: item.cycle,
      pickup: item.pickup,
      ciWait: item.ciWait,
      size: item.size,
      reviewRounds: item.reviewRounds,
      fragile: item.fragile,
      mergedAt: item.mergedAt,
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
    });
  }

  const firstEvent = deliveries.reduce((min, d) => Math.min(min, d.mergedAt), Number.POSITIVE_INFINITY);
  const start = w.since ?? (Number.isFinite(firstEvent) ? firstEvent : w.until);
  const weeks = Math.max((w.until - start) / WEEK, 1 / 7);
  const settings = { ...DEFAULT_DIAGNOSIS, weeks };
  const { people, teams } = groupDeliveries(deliveries);
  const diagnosis = [
    ...diagnose(deliveries, teams, 'team', settings),
    ...diagnose(deliveries, people, 'person', settings),
  ];
  const effects = organisationEffects(deliveries);
  const verdicts = new Set(diagnosis.flatMap((d) => (d.verdict === 'none' ? [] : [d.verdict])));
  const mergedPrs = (pullRequests?.items ?? []).filter(
    (i) =>
      i.mergedAt !== null &&
      i.mergedAt <= w.until &&
      (w.since === null || i.mergedAt >= w.since) &&
      !i.authorIsBot,
  );
  const flaky = ci ? ci.workflows.reduce((total, wf) => total + wf.flakySeconds, 0) : null;
  const costs = computeCosts({
    weeks,
    ciWaits: mergedPrs.map((i) => i.ciWait).filter((v): v is number => v !== null),
    flakySeconds: flaky,
    flakyAttempts: ci ? ci.flakyAttempts : null,
    wrapped,
    benchmarkMedian,
    pickups: mergedPrs.map((i) => i.pickup).filter((v): v is number => v !== null),
    fragile: effects.fragile,
    oversized: effects.oversized,
    verdicts,
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
    weeks,
    baselineCycle: summarize(deliveries.map((d) => d.cycle)).median,
    deliveries: deliveries.length,
    unknownTeamMembers: [...new Set(unknownTeamMembers)].sort(),
  };
}
