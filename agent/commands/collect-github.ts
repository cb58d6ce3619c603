// `dx-audit collect github [OWNER/REPO...] [--org ORG] [--github-url URL]`
import { GithubClient, type GithubClientOptions } from '../../collectors/github/client.js';
import { collectGithubRepository, type RepositoryCollectResult } from '../../collectors/github/collect.js';
import { findToken, missingToken, resolveEndpoints } from '../../collectors/github/endpoints.js';
import { eachLimited, listOrgRepositories } from '../../collectors/github/org.js';
import type { Context } from '../context.js';
import { type DxError, InputError, InterruptedError } from '../errors.js';
import { Db } from '../store/db.js';
import { count } from '../util/plural.js';

interface Options {
  org?: string;
  githubUrl?: string;
  includeArchived?: boolean;
  includeForks?: boolean;
  ciJobs?: 'rest' | 'graphql';
}

/** Repositories collected at once; GitHub asks for no more than a few concurrent requests per token. */
const REPOSITORY_CONCURRENCY = 3;

/** Resolves repositories (operands, --org, config), the endpoint and token, then collects each. */
export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const names = operands.map(parseRepositoryName);
  const org =
    options.org ?? (names.length === 0 ? (context.loaded.config.github.org ?? undefined) : undefined);
  if (names.length === 0 && !org) {
    const configured = context.loaded.config.repositories.filter((r) => /^[\w-][\w.-]*\/[\w.-]+$/.test(r));
    names.push(...configured);
  }
  if (names.length === 0 && !org) {
    throw new InputError('no GitHub repositories to collect', {
      fix: 'name them as OWNER/REPO, pass --org ORG, or list them in the config "repositories"',
    });
  }
  const endpoints = resolveEndpoints(options.githubUrl, context.loaded.config.github.url, context.env);
  const token = await findToken(context.env, endpoints.apiUrl);
  if (!token) throw missingToken();
  const clientOptions: GithubClientOptions = {
    ...endpoints,
    token,
    signal: context.signal,
    progress: context.progress,
    note: context.note,
  };
  const client = new GithubClient(clientOptions);

  if (org) {
    const listing = await listOrgRepositories(client, org, {
      includeArchived: options.includeArchived ?? false,
      includeForks: options.includeForks ?? false,
    });
    if (listing.repositories.length === 0) {
      const skipped = listing.skippedArchived + listing.skippedForks;
      throw new InputError(
        `the organisation "${org}" has no repositories to collect${skipped ? ` (${listing.skippedArchived} archived and ${listing.skippedForks} forks skipped)` : ''}`,
        {
          fix: skipped
            ? 'pass --include-archived or --include-forks to collect those'
            : 'check the --org name, and that the token can see its repositories',
        },
      );
    }
    if (listing.skippedArchived + listing.skippedForks > 0) {
      context.note(
        `dx-audit: ${org}: skipping ${listing.skippedArchived} archived repositories and ${listing.skippedForks} forks (--include-archived, --include-forks to collect them)`,
      );
    }
    for (const name of listing.repositories) if (!names.includes(name)) names.push(name);
  }

  const db = await Db.open(context.dbPath);
  const results: RepositoryCollectResult[] = [];
  const failures: { repository: string; error: unknown }[] = [];
  try {
    await eachLimited(names, REPOSITORY_CONCURRENCY, async (name) => {
      try {
        const result = await collectGithubRepository(db, client, name, {
          since: context.since,
          dora: context.loaded.config.dora,
          jobsVia: options.ciJobs ?? 'graphql',
          signal: context.signal,
          onProgress: (text) => context.progress.update(text),
        });
        results.push(result);
        if (!context.json) context.note(describe(result, context.verbose));
        if (context.verbose)
          for (const line of result.actions.malformedJobs) context.note(`dx-audit: ${name}: ${line}`);
      } catch (error) {
        // A bad token or an interruption stops everything; one bad repository does not.
        if (context.signal.aborted || !(error instanceof InputError) || /token/.test(error.message))
          throw error;
        failures.push({ repository: name, error });
        context.note(`dx-audit: ${name}: ${error.line}`);
      }
    });
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason ?? new InterruptedError('SIGINT');
    throw error;
  } finally {
    context.progress.done();
    await db.close();
  }
  if (context.json) {
    context.out(
      JSON.stringify(
        {
          database: context.dbPath,
          requests: client.requests,
          repositories: results,
          failed: failures.map((f) => ({ repository: f.repository, error: (f.error as DxError).line })),
        },
        null,
        2,
      ),
    );
  }
  if (failures.length > 0) {
    const first = failures[0]!.error as DxError;
    if (failures.length === 1) throw first;
    throw new InputError(
      `${failures.length} repositories could not be collected; the first: ${first.message}`,
      {
        ...(first.fix ? { fix: first.fix } : {}),
      },
    );
  }
  return 0;
}

function describe(result: RepositoryCollectResult, verbose: boolean): string {
  const pr = result.pullRequests;
  const ci = result.actions;
  const prs = `${count(pr.pullRequests, 'pull request')} read (${pr.mode} sync)`;
  const malformed =
    ci.malformedJobs.length > 0 ? ` (${count(ci.malformedJobs.length, 'malformed job')} left out)` : '';
  const runs = ci.skipped
    ? `Actions skipped: ${ci.skipped}`
    : ci.unchanged
      ? 'workflow runs unchanged'
      : `${count(ci.runs, 'workflow run')}, ${count(ci.jobs, 'job')}${malformed}`;
  const cost = count(result.requests, 'request');
  if (!verbose) return `${result.repository}: ${prs}, ${runs}; ${cost}`;
  const left = Object.entries(result.budget)
    .map(([resource, b]) => `${resource} ${b.remaining}/${b.limit}`)
    .join(', ');
  return `${result.repository}: ${prs}, ${runs}; ${cost}, ${count(result.points, 'GraphQL point')}; budget left: ${left || 'unknown'}`;
}

/** Accepts OWNER/REPO or a github URL (https://host/OWNER/REPO(.git)). */
export function parseRepositoryName(text: string): string {
  const trimmed = text
    .trim()
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const fromUrl = /^(?:https?:\/\/[^/]+\/|git@[^:]+:)([\w.-]+\/[\w.-]+)$/.exec(trimmed);
  const name = fromUrl ? fromUrl[1]! : trimmed;
  if (!/^[\w.-]+\/[\w.-]+$/.test(name)) {
    throw new InputError(`"${text}" is not a GitHub repository name`, {
      fix: 'write it as OWNER/REPO, e.g. octocat/hello-world',
    });
  }
  return name;
}
