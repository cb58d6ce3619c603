// Revert links are read again only when the tip moved; tags on every run. An
// unchanged re-run keeps the stored links without walking the history.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { collectTags } from '../../collectors/git/tags.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { H, revertAt, T, tagAt } from './helpers.js';

const repo = new TestRepo();
afterAll(() => repo.remove());

/** One `collect git` pass (log, then tags and reverts) into `db`; what collectTags read. */
async function pass(db: Db) {
  const local = await inspectRepository(repo.path);
  const result = await collectGit(db, local, { since: null });
  return collectTags(db, local.root, result.repoId, local.tip);
}

const rows = (db: Db, sql: string) => db.all<Record<string, string>>(sql);

describe('revert links and tags across runs', () => {
  it('reads reverts when the tip moves, keeps them when it does not, and reads tags every time', async () => {
    const db = await Db.open(join(tempDir(), 'dx.db'));
    try {
      const c1 = repo.commit({ message: 'one', at: T });
      const c2 = repo.commit({ message: 'two', at: T + H });
      const r2 = revertAt(repo, c2, T + 2 * H);
      expect(await pass(db)).toEqual({ tags: 0, reverts: 1 });
      const links = 'SELECT sha, reverted_sha FROM git_reverts ORDER BY sha';
      expect(await rows(db, links)).toEqual([{ sha: r2, reverted_sha: c2 }]);

      // a new tag on the same tip: tags are read, the links are kept as stored
      tagAt(repo, 'v1.0.0', r2, T + 3 * H);
      expect(await pass(db)).toEqual({ tags: 1, reverts: null });
      expect(await rows(db, links)).toEqual([{ sha: r2, reverted_sha: c2 }]);
      expect(await rows(db, 'SELECT name, sha FROM git_tags')).toEqual([{ name: 'v1.0.0', sha: r2 }]);

      // the tip moves with a second revert: both links
      const r1 = revertAt(repo, c1, T + 4 * H);
      expect(await pass(db)).toEqual({ tags: 1, reverts: 2 });
      expect(await rows(db, links)).toEqual(
        [
          { sha: r2, reverted_sha: c2 },
          { sha: r1, reverted_sha: c1 },
        ].sort((a, b) => a.sha.localeCompare(b.sha)),
      );
    } finally {
      await db.close();
    }
  });
});
