// `dx-audit plan [OWNER/REPO...] [--org ORG] [--shards N] [--previous DB]`: splits
// repositories into shards of about equal collection cost for a GitHub Actions
// matrix (examples/weekly-dx-report.yml). Cost is the commits plus pull requests
// the previous run's database holds for a repository; a repository it does not
// know is estimated from its size on GitHub, scaled by what the known ones cost
// per KB. Shards are filled largest first into the cheapest shard so far.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GithubClient } from '../../collectors/github/client.js';
import { findToken, missingToken, resolveEndpoints } from '../../collectors/github/endpoints.js';
import { listOrgRepositories } from '../../collectors/github/org.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { Db } from '../store/db.js';
import { parseRepositoryName } from './collect-github.js';

interface Options {
  org?: string;
  shards?: string;
  previous?: string;
  githubUrl?: string;
  includeArchived?: boolean;
  includeForks?: boolean;
}

/** GitHub Actions accepts at most 256 jobs in one matrix. */
export const MAX_SHARDS = 256;

/** A repository to plan, with what is known of its size. */
export interface PlanRepository {
  name: string;
  /** Size on GitHub in KB (the REST `size` field); null when unknown. */
  sizeKb: number | null;
}

/** What the previous run collected for a repository. */
export interface RepositoryHistory {
  commits: number;
  pullRequests: number;
}

export interface CostedRepository {
  name: string;
  cost: number;
  basis: 'history' | 'size' | 'unknown';
}

/** One matrix entry. */
export interface Shard {
  shard: string;
  repositories: string;
  count: number;
  cost: number;
}

/**
 * Estimated collection cost per repository: commits + pull requests from the
 * previous run, else size × (known cost / known size), else size in KB when
 * nothing is known yet, and 1 when not even the size is.
 */
export function estimateCosts(
  repositories: readonly PlanRepository[],
  history: ReadonlyMap<string, RepositoryHistory>,
): CostedRepository[] {
  const known = (r: PlanRepository) => history.get(r.name.toLowerCase());
  let costSum = 0;
  let sizeSum = 0;
  for (const r of repositories) {
    const h = known(r);
    if (h && r.sizeKb !== null && r.sizeKb > 0) {
      costSum += h.commits + h.pullRequests;
      sizeSum += r.sizeKb;
    }
  }
  const perKb = sizeSum > 0 ? costSum / sizeSum : 1;
  return repositories.map((r) => {
    const h = known(r);
    if (h) return { name: r.name, cost: Math.max(1, h.commits + h.pullRequests), basis: 'history' };
    if (r.sizeKb !== null && r.sizeKb > 0) {
      return { name: r.name, cost: Math.max(1, Math.round(r.sizeKb * perKb)), basis: 'size' };
    }
    return { name: r.name, cost: 1, basis: 'unknown' };
  });
}

/** Longest-processing-time split: each repository, costliest first, goes to the cheapest shard so far. */
export function splitShards(costed: readonly CostedRepository[], shards: number): Shard[] {
  const count = Math.max(1, Math.min(shards, costed.length));
  const bins = Array.from({ length: count }, () => ({ names: [] as string[], cost: 0 }));
  const order = [...costed].sort((a, b) => b.cost - a.cost || a.name.localeCompare(b.name));
  for (const repo of order) {
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i]!.cost < bins[best]!.cost) best = i;
    bins[best]!.names.push(repo.name);
    bins[best]!.cost += repo.cost;
  }
  return bins
    .filter((b) => b.names.length > 0)
    .map((b, i) => ({
      shard: `shard-${i + 1}`,
      repositories: [...b.names].sort().join(' '),
      count: b.names.length,
      cost: b.cost,
    }));
}

/** Commits and pull requests per GitHub repository (lower-cased owner/repo) in a previous database. */
export async function readHistory(file: string): Promise<Map<string, RepositoryHistory>> {
  const db = await Db.open(file, { readonly: true });
  try {
    const rows = await db.all<{ github: string; commits: number; prs: number }>(
      `SELECT lower(r.github) AS github,
         (SELECT count(*) FROM git_commits c WHERE c.repo_id = r.id AND c.is_merge = 0) AS commits,
         (SELECT count(*) FROM github_pull_requests p WHERE p.repo_id = r.id) AS prs
       FROM repositories r WHERE r.github IS NOT NULL`,
    );
    const out = new Map<string, RepositoryHistory>();
    for (const row of rows) {
      const seen = out.get(row.github) ?? { commits: 0, pullRequests: 0 };
      out.set(row.github, { commits: seen.commits + row.commits, pullRequests: seen.pullRequests + row.prs });
    }
    return out;
  } finally {
    await db.close();
  }
}

export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const shards = Number(options.shards ?? '4');
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new InputError(`--shards "${options.shards}" is not a whole number from 1 to ${MAX_SHARDS}`, {
      fix: `e.g. --shards 8 (a GitHub Actions matrix holds at most ${MAX_SHARDS} jobs)`,
    });
  }
  const named: PlanRepository[] = operands.map((o) => ({ name: parseRepositoryName(o), sizeKb: null }));
  if (named.length === 0 && !options.org) {
    throw new InputError('no repositories to plan', { fix: 'name them as OWNER/REPO or pass --org ORG' });
  }
  const repositories = [...named];
  if (options.org) {
    const endpoints = resolveEndpoints(options.githubUrl, context.loaded.config.github.url, context.env);
    const token = await findToken(context.env, endpoints.apiUrl);
    if (!token) throw missingToken();
    const client = new GithubClient({ ...endpoints, token, signal: context.signal, note: context.note });
    const listing = await listOrgRepositories(client, options.org, options);
    const skipped = listing.skippedArchived + listing.skippedForks;
    if (skipped > 0) {
      context.note(`dx-audit: ${options.org}: ${skipped} archived repositories or forks left out`);
    }
    for (const name of listing.repositories) {
      if (!repositories.some((r) => r.name.toLowerCase() === name.toLowerCase()))
        repositories.push({ name, sizeKb: listing.sizesKb.get(name) ?? null });
    }
  }
  if (repositories.length === 0) {
    throw new InputError(`the organisation "${options.org}" has no repositories to collect`, {
      fix: 'pass --include-archived or --include-forks, or check the token can see its repositories',
    });
  }
  let history = new Map<string, RepositoryHistory>();
  if (options.previous) {
    const file = resolve(context.cwd, options.previous);
    if (existsSync(file)) history = await readHistory(file);
    else context.note(`dx-audit: no previous database at ${file}; costs are estimated from repository sizes`);
  }
  const plan = splitShards(estimateCosts(repositories, history), shards);
  // one line: `echo "matrix=$(dx-audit plan ...)" >> "$GITHUB_OUTPUT"`
  context.out(JSON.stringify({ include: plan }));
  return 0;
}
