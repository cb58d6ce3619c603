// Collects one GitHub repository: pull requests, then Actions runs and jobs,
// inside one collection run. Turns GitHub's "not found" into an error naming
// the repository; everything else is left to the stages.
import { DEFAULT_CONFIG, type DoraSettings } from '../../agent/config.js';
import { InputError, redact } from '../../agent/errors.js';
import type { Db } from '../../agent/store/db.js';
import { finishRun, startRun, upsertGithubRepository } from '../../agent/store/repositories.js';
import { type ActionsCollectResult, collectActions } from './actions-collector.js';
import { type GithubClient, GithubGraphqlError, GithubHttpError, type RateBudget } from './client.js';
import { collectDora, type DoraCollectResult } from './deployments-collector.js';
import { collectPullRequests, type PrCollectResult } from './pr-collector.js';

/** The summary `collect github` prints per repository (and --json returns). */
export interface RepositoryCollectResult {
  repository: string;
  pullRequests: PrCollectResult;
  actions: ActionsCollectResult;
  dora: DoraCollectResult;
  requests: number;
  /** GraphQL points charged for this repository. */
  points: number;
  /** What GitHub reported left of the token's budgets after this repository (core = REST, graphql). */
  budget: Record<string, RateBudget>;
}

/** Settings shared by every repository of one command. */
export interface RepositoryCollectOptions {
  since: Date | null;
  /** How first attempts' jobs are read (see ActionsCollectOptions). */
  jobsVia?: 'rest' | 'graphql';
  signal?: AbortSignal | undefined;
  onProgress?: ((text: string) => void) | undefined;
  now?: Date;
  /** Incident and hotfix labels (defaults when absent). */
  dora?: Pick<DoraSettings, 'incidentLabel' | 'hotfixLabels'> | undefined;
}

/** Collects `owner/name` into `db` through `client`. */
export async function collectGithubRepository(
  db: Db,
  client: GithubClient,
  fullName: string,
  options: RepositoryCollectOptions,
): Promise<RepositoryCollectResult> {
  const [owner, name] = fullName.split('/') as [string, string];
  const runId = await startRun(db, 'github', fullName.toLowerCase(), `collect github ${fullName}`);
  let repoId: number | null = null;
  const repo = async (tx: Parameters<typeof upsertGithubRepository>[0]) => {
    repoId ??= await upsertGithubRepository(tx, `${owner}/${name}`);
    return repoId;
  };
  try {
    let pullRequests: PrCollectResult;
    try {
      pullRequests = await collectPullRequests({
        db,
        client,
        repo,
        owner,
        name,
        runId,
        since: options.since,
        signal: options.signal,
        onProgress: options.onProgress,
      });
    } catch (error) {
      if (
        (error instanceof GithubGraphqlError && error.types.includes('NOT_FOUND')) ||
        (error instanceof GithubHttpError && error.status === 404)
      ) {
        throw new InputError(
          `the GitHub repository ${fullName} does not exist or is not visible to this token`,
          {
            fix: 'check the OWNER/REPO name, and that the token can read it (fine-grained tokens must list it)',
            cause: error,
          },
        );
      }
      if (error instanceof GithubHttpError && error.status === 403) {
        throw new InputError(`GitHub refused access to ${fullName} (${error.reason})`, {
          fix: 'give the token read access to pull requests (and Actions) of this repository',
          cause: error,
        });
      }
      throw error;
    }
    const id = repoId ?? (await db.transaction((tx) => repo(tx)));
    const actions = await collectActions({
      db,
      client,
      repoId: id,
      owner,
      name,
      runId,
      since: options.since,
      ...(options.jobsVia ? { jobsVia: options.jobsVia } : {}),
      signal: options.signal,
      onProgress: options.onProgress,
      ...(options.now ? { now: options.now } : {}),
    });
    const dora = await collectDora({
      db,
      client,
      repoId: id,
      owner,
      name,
      runId,
      since: options.since,
      settings: options.dora ?? DEFAULT_CONFIG.dora,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    // Counted per stage (the client is shared by repositories collected at once); retries not included.
    const requests =
      pullRequests.pages +
      pullRequests.followUps +
      actions.listRequests +
      actions.jobRequests +
      actions.checkSuiteRequests +
      dora.requests;
    const points = pullRequests.points + actions.points + dora.points;
    const budget = Object.fromEntries(client.budget);
    const result = { repository: fullName, pullRequests, actions, dora, requests, points, budget };
    await finishRun(db, runId, 'done', { ...result });
    return result;
  } catch (error) {
    await finishRun(db, runId, options.signal?.aborted ? 'interrupted' : 'failed', {
      error: redact(error instanceof Error ? error.message : String(error)),
    }).catch(() => undefined);
    throw error;
  }
}
