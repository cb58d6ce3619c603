// Ingests one repository's history: decides between nothing to do, an
// incremental range and a full walk, streams the commits into the store in
// batches, and saves the cursor in the transaction that writes the last batch.
import { createHash } from 'node:crypto';
import { DxError } from '../../agent/errors.js';
import { type Progress, progressLine } from '../../agent/progress.js';
import type { Db } from '../../agent/store/db.js';
import { deleteGitHistory, insertCommits, replaceHeadFiles } from '../../agent/store/git.js';
import {
  finishRun,
  getState,
  setState,
  startRun,
  upsertLocalRepository,
} from '../../agent/store/repositories.js';
import { headLineCounts } from './head-lines.js';
import { type GitCommit, logArguments, streamCommits } from './log-stream.js';
import { gitOrNull, isAncestor, type LocalRepository } from './repository.js';
import { collectTipContent } from './tip-content.js';

export interface GitCollectOptions {
  since: Date | null;
  /** Ref to analyse; undefined = HEAD. */
  branch?: string | undefined;
  allBranches?: boolean;
  signal?: AbortSignal;
  progress?: Progress;
  /** Commits per transaction. */
  batchSize?: number;
}

export interface GitCollectResult {
  repoId: number;
  mode: 'unchanged' | 'incremental' | 'full' | 'empty';
  commits: number;
  merges: number;
  fileChanges: number;
  headFiles: number;
}

interface Cursor {
  spec: string;
  tips: string[];
  since: string | null;
}

/** Collects git history of `repo` into `db`. */
export async function collectGit(
  db: Db,
  repo: LocalRepository,
  options: GitCollectOptions,
): Promise<GitCollectResult> {
  const spec = options.allBranches ? '--all' : (options.branch ?? 'HEAD');
  const repoId = await db.transaction((tx) =>
    upsertLocalRepository(tx, {
      path: repo.root,
      name: repo.name,
      github: repo.github,
      remoteUrl: repo.remoteUrl,
      branch: options.allBranches ? null : repo.branch,
    }),
  );
  const empty: GitCollectResult = {
    repoId,
    mode: 'empty',
    commits: 0,
    merges: 0,
    fileChanges: 0,
    headFiles: 0,
  };
  if (!repo.tip) return empty;

  const tips = options.allBranches ? await allTips(repo.root) : [repo.tip];
  const since = options.since ? options.since.toISOString() : null;
  const configHash = hash(spec);
  const state = await getState(db, 'git', repo.root, 'log');
  const previous = state?.cursor ? (JSON.parse(state.cursor) as Cursor) : null;
  const sameSpec = previous !== null && state?.configHash === configHash;
  const windowCovered =
    previous !== null && (previous.since === null || (since !== null && since >= previous.since));

  if (sameSpec && windowCovered && sameTips(previous.tips, tips)) {
    // a database from before the tip-content step gets it here; otherwise a no-op
    await collectTipContent(db, repo.root, repoId, repo.tip, options.signal);
    return { ...empty, mode: 'unchanged' };
  }

  let revisions: string[];
  let mode: GitCollectResult['mode'] = 'full';
  let replace = previous !== null && !sameSpec;
  if (sameSpec && windowCovered) {
    const reachable = await allAncestors(repo.root, previous.tips, tips);
    if (reachable) {
      revisions = [...tips, '--not', ...previous.tips];
      mode = 'incremental';
    } else {
      // history was rewritten (force push, rebase): start again for this repository
      revisions = tips;
      replace = !options.allBranches;
    }
  } else {
    revisions = tips;
  }

  const runId = await startRun(
    db,
    'git',
    repo.root,
    `git ${logArguments({ revisions, since: options.since }).join(' ')}`,
  );
  const result: GitCollectResult = { repoId, mode, commits: 0, merges: 0, fileChanges: 0, headFiles: 0 };
  try {
    if (replace) await db.transaction((tx) => deleteGitHistory(tx, repoId));
    const batchSize = options.batchSize ?? 4000;
    let batch: GitCommit[] = [];
    let batchFiles = 0;
    let inFlight: Promise<void> | null = null;
    // The tip's line counts do not depend on the log: read them alongside it
    // (a separate git process) instead of after it.
    const tip = repo.tip;
    const settle = <T>(promise: Promise<T>) => {
      const settled = promise.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      return async () => {
        const outcome = await settled;
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      };
    };
    const headFilesReady = settle(headLineCounts(repo.root, tip, options.signal));
    // the total for the progress line, counted alongside the walk (only when someone watches)
    let total: number | null = null;
    if (options.progress) {
      void countCommits(repo.root, revisions, options.since).then((n) => {
        total = n;
      });
    }
    const started = Date.now();
    const flush = async (commits: GitCommit[]) => {
      await db.transaction((tx) => insertCommits(tx, repoId, runId, commits));
    };
    for await (const commit of streamCommits(repo.root, {
      revisions,
      since: options.since,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      batch.push(commit);
      batchFiles += commit.files.length;
      if (commit.parents.length > 1) result.merges += 1;
      else result.commits += 1;
      result.fileChanges += commit.files.length;
      if (batch.length >= batchSize || batchFiles >= batchSize * 8) {
        if (inFlight) await inFlight;
        if (options.signal?.aborted) throw options.signal.reason;
        inFlight = flush(batch);
        batch = [];
        batchFiles = 0;
        options.progress?.update(
          `${repo.name}: ${progressLine(result.commits + result.merges, total, { one: 'commit read', many: 'commits read' }, Date.now() - started)}`,
        );
      }
    }
    if (inFlight) await inFlight;
    if (options.signal?.aborted) throw options.signal.reason;

    const headFiles = await headFilesReady();
    result.headFiles = headFiles.length;
    const cursor: Cursor = {
      spec,
      tips,
      since: sameSpec && windowCovered && previous ? previous.since : since,
    };
    await db.transaction(async (tx) => {
      await insertCommits(tx, repoId, runId, batch);
      await replaceHeadFiles(tx, repoId, headFiles);
      await setState(tx, 'git', repo.root, 'log', { cursor: JSON.stringify(cursor), configHash });
    });
    options.progress?.update(`${repo.name}: reading the files at the tip`);
    // after the log: linguist attributes also cover paths that exist only in history
    await collectTipContent(db, repo.root, repoId, tip, options.signal);
    await finishRun(db, runId, 'done', { ...result });
    return result;
  } catch (error) {
    const aborted = options.signal?.aborted ?? false;
    await finishRun(db, runId, aborted ? 'interrupted' : 'failed', {
      ...result,
      ...(aborted ? {} : { error: error instanceof DxError ? error.message : String(error) }),
    }).catch(() => undefined);
    throw error;
  } finally {
    options.progress?.done();
  }
}

/** How many commits the walk will read (`git rev-list --count`); null when git cannot say. */
async function countCommits(root: string, revisions: string[], since: Date | null): Promise<number | null> {
  const args = [
    'rev-list',
    '--count',
    ...(since ? [`--since=${since.toISOString()}`] : []),
    ...revisions,
    '--',
  ];
  const out = await gitOrNull(root, args).catch(() => null);
  return out === null || !/^\d+$/.test(out) ? null : Number(out);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function sameTips(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

async function allTips(root: string): Promise<string[]> {
  const out = await gitOrNull(root, ['for-each-ref', '--format=%(objectname)', 'refs/heads', 'refs/remotes']);
  const tips = new Set((out ?? '').split('\n').filter(Boolean));
  const head = await gitOrNull(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head) tips.add(head);
  return [...tips].sort();
}

/** True when every old tip is an ancestor of some new tip (no history was rewritten). */
async function allAncestors(
  root: string,
  oldTips: readonly string[],
  newTips: readonly string[],
): Promise<boolean> {
  for (const old of oldTips) {
    let found = false;
    for (const tip of newTips) {
      if (await isAncestor(root, old, tip)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
