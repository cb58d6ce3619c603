// Re-normalising: every GitHub repository's rows are cleared and extracted
// again from the raw responses kept in github_raw, with the same extractors
// the collector runs. No request is made; one transaction per repository, so
// an interruption leaves each repository either as it was or rebuilt.
import type { Db } from '../../agent/store/db.js';
import { clearNormalised } from '../../agent/store/github.js';
import { replayActions } from './actions-extractor.js';
import { replayPullRequests } from './pr-extractor.js';

/** What was re-extracted for one repository. */
export interface RebuildResult {
  repository: string;
  pullRequests: number;
  runAttempts: number;
}

/** Rebuilds the normalised GitHub tables of every repository that has raw responses. */
export async function rebuildGithub(
  db: Db,
  options: { signal?: AbortSignal; onProgress?: (text: string) => void } = {},
): Promise<RebuildResult[]> {
  const repositories = await db.all<{ id: number; name: string }>(
    `SELECT r.id, coalesce(r.github, r.name) AS name FROM repositories r
     WHERE EXISTS (SELECT 1 FROM github_raw g WHERE g.repo_id = r.id) ORDER BY r.id`,
  );
  const out: RebuildResult[] = [];
  for (const repo of repositories) {
    if (options.signal?.aborted) throw options.signal.reason;
    options.onProgress?.(`${repo.name}: re-extracting`);
    out.push(
      await db.transaction(async (tx) => {
        await clearNormalised(tx, repo.id);
        await replayPullRequests(tx, repo.id);
        await replayActions(tx, repo.id);
        const count = async (table: string) =>
          (await tx.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE repo_id = ?`, [repo.id]))
            ?.n ?? 0;
        return {
          repository: repo.name,
          pullRequests: await count('github_pull_requests'),
          runAttempts: await count('github_workflow_runs'),
        };
      }),
    );
  }
  return out;
}
