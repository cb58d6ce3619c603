// `--org`: the repositories of an organisation (or a user), archived ones and
// forks left out unless asked for, collected a few at a time.
import { InputError } from '../../agent/errors.js';
import { type GithubClient, GithubHttpError } from './client.js';

interface RestRepository {
  full_name: string;
  /** Kilobytes, as GitHub reports it. */
  size?: number;
  archived?: boolean;
  fork: boolean;
  disabled?: boolean;
}

/** Repositories to collect, and how many were left out (so the user hears about them). */
export interface OrgListing {
  repositories: string[];
  /** Size in kilobytes per listed repository, where GitHub gives one. */
  sizesKb: Map<string, number>;
  skippedArchived: number;
  skippedForks: number;
}

/** Lists owner/repo names of an organisation (falling back to a user account of that name). */
export async function listOrgRepositories(
  client: GithubClient,
  org: string,
  options: { includeArchived?: boolean; includeForks?: boolean } = {},
): Promise<OrgListing> {
  const listing: OrgListing = { repositories: [], sizesKb: new Map(), skippedArchived: 0, skippedForks: 0 };
  const paths = [`/orgs/${encodeURIComponent(org)}/repos`, `/users/${encodeURIComponent(org)}/repos`];
  for (const [index, path] of paths.entries()) {
    let url: string | null = `${path}?per_page=100&type=all`;
    try {
      while (url) {
        const page: Awaited<ReturnType<GithubClient['rest']>> = await client.rest<RestRepository[]>(url, {
          check: (d) => Array.isArray(d),
        });
        for (const repo of page.data as RestRepository[]) {
          if (repo.archived && !options.includeArchived) listing.skippedArchived += 1;
          else if (repo.fork && !options.includeForks) listing.skippedForks += 1;
          else {
            listing.repositories.push(repo.full_name);
            if (typeof repo.size === 'number') listing.sizesKb.set(repo.full_name, repo.size);
          }
        }
        url = page.next;
      }
      return listing;
    } catch (error) {
      if (error instanceof GithubHttpError && error.status === 404 && index === 0) continue;
      if (error instanceof GithubHttpError && error.status === 404) {
        throw new InputError(
          `the organisation or user "${org}" was not found on GitHub, or is not visible to this token`,
          {
            fix: 'check the --org name and that the token can see it',
          },
        );
      }
      throw error;
    }
  }
  return listing;
}

/** Runs `work` over `items` with at most `limit` at once; the first failure stops new work. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  let failure: unknown = null;
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined && failure === null; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw failure;
}
