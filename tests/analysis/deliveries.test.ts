// Deliveries from git alone: merged branches and their cycle times.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitDeliveries } from '../../agent/analysis/deliveries.js';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

const r = new TestRepo();
afterAll(() => r.remove());

describe('git deliveries', () => {
  it('turns each merge on the main line into one delivery with its branch commits', async () => {
    const ann = { name: 'Ann', email: 'ann@example.com' };
    const ben = { name: 'Ben', email: 'ben@example.com' };
    r.commit({ files: { 'base.txt': 'a\n' }, author: ann, at: 1_000_000 });
    r.git('checkout', '-q', '-b', 'f1');
    r.commit({ files: { 'one.txt': '1\n2\n' }, author: ben, at: 1_010_000 });
    r.commit({ files: { 'one.txt': '1\n2\n3\n', 'two.txt': 'x\n' }, author: ben, at: 1_020_000 });
    r.git('checkout', '-q', 'main');
    r.commit({ files: { 'base.txt': 'b\n' }, author: ann, at: 1_015_000 });
    r.merge('f1', { at: 1_030_000 });
    r.git('checkout', '-q', '-b', 'f2');
    r.commit({ files: { 'three.txt': 'x\n' }, author: ann, at: 1_040_000 });
    r.git('checkout', '-q', 'main');
    r.merge('f2', { at: 1_050_000 });
    const db = await Db.open(join(tempDir(), 'dx.db'));
    await collectGit(db, await inspectRepository(r.path), { since: null });
    const deliveries = await gitDeliveries(db, { since: null, until: 2_000_000 });
    await db.close();
    expect(
      deliveries.map((d) => ({
        author: d.author,
        cycle: d.cycle,
        commits: d.commits,
        size: d.size,
        files: d.files,
      })),
    ).toEqual([
      // f1: first commit 1_010_000, merged 1_030_000; +2, then +1 and +1
      { author: 'ben@example.com', cycle: 20_000, commits: 2, size: 4, files: ['one.txt', 'two.txt'] },
      { author: 'ann@example.com', cycle: 10_000, commits: 1, size: 1, files: ['three.txt'] },
    ]);
    const windowed = await (async () => {
      const again = await Db.open(join(tempDir(), 'dx2.db'));
      await collectGit(again, await inspectRepository(r.path), { since: null });
      const list = await gitDeliveries(again, { since: 1_040_000, until: 2_000_000 });
      await again.close();
      return list;
    })();
    expect(windowed.map((d) => d.cycle)).toEqual([10_000]);
  });
});
