// Hand-built histories for the DORA tests: annotated tags at chosen times are
// deployments (the tags source), collected the way `collect git` does it.
import { join } from 'node:path';
import { execaSync } from 'execa';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { collectTags } from '../../collectors/git/tags.js';
import { gitEnv, type TestRepo, tempDir } from '../support/git-repo.js';

export const T = 1_700_000_000;
export const H = 3600;

/** An annotated tag on `sha` whose tagger date is `at` (Unix seconds). */
export function tagAt(repo: TestRepo, name: string, sha: string, at: number): void {
  execaSync('git', ['tag', '-a', '-m', name, name, sha], {
    cwd: repo.path,
    env: gitEnv({ GIT_COMMITTER_DATE: `@${at} +0000` }),
  });
}

/** `git revert` of `sha`, authored and committed at `at`; returns the new commit. */
export function revertAt(repo: TestRepo, sha: string, at: number): string {
  execaSync('git', ['revert', '--no-edit', '--no-gpg-sign', sha], {
    cwd: repo.path,
    env: gitEnv({ GIT_AUTHOR_DATE: `@${at} +0000`, GIT_COMMITTER_DATE: `@${at} +0000` }),
  });
  return repo.git('rev-parse', 'HEAD');
}

/** Collects git history and tags of `repo` into `db` (a fresh one when not given). */
export async function collect(repo: TestRepo, db?: Db): Promise<Db> {
  const target = db ?? (await Db.open(join(tempDir(), 'dx.db')));
  const local = await inspectRepository(repo.path);
  const result = await collectGit(target, local, { since: null });
  await collectTags(target, local.root, result.repoId, local.tip);
  return target;
}
