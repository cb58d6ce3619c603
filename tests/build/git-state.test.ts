import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGitState } from '../../collectors/build/git-state.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

describe('git state read from the .git files (what wrap records)', () => {
  it('agrees with git for a branch, packed refs, a detached HEAD and a linked worktree', () => {
    const repo = new TestRepo();
    const worktree = join(tempDir('dx-audit-worktree-'), 'wt');
    try {
      const first = repo.commit();
      const second = repo.commit();
      mkdirSync(join(repo.path, 'deep', 'er'), { recursive: true });
      const root = realpathSync(repo.path);
      expect(readGitState(join(repo.path, 'deep', 'er'))).toEqual({
        root,
        name: root.split('/').at(-1),
        commit: second,
        branch: 'main',
        dirty: null,
      });
      repo.git('pack-refs', '--all');
      expect(readGitState(repo.path)?.commit).toBe(second);
      repo.git('worktree', 'add', '-q', '-b', 'feature', worktree, first);
      expect(readGitState(worktree)).toMatchObject({
        root: realpathSync(worktree),
        commit: first,
        branch: 'feature',
      });
      repo.git('checkout', '-q', '--detach', first);
      expect(readGitState(repo.path)).toMatchObject({ commit: first, branch: null });
    } finally {
      repo.remove();
      rmSync(join(worktree, '..'), { recursive: true, force: true });
    }
  });

  it('is null outside any repository, and has no commit before the first one', () => {
    const plain = tempDir('dx-audit-plain-');
    const empty = new TestRepo();
    try {
      expect(readGitState(plain)).toBeNull();
      expect(readGitState(empty.path)).toMatchObject({ commit: null, branch: 'main' });
    } finally {
      rmSync(plain, { recursive: true, force: true });
      empty.remove();
    }
  });
});
