// The collector's tip-content step: indentation profiles computed exactly,
// chunk boundaries irrelevant, and only blobs not seen before are read again.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { IndentationCounter, indentationOf } from '../../collectors/git/indentation.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { collectTipContent } from '../../collectors/git/tip-content.js';
import { importHistory } from '../support/fast-import.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';

describe('indentation profile', () => {
  it('counts leading columns of non-blank lines (tab = 4), ignoring blank and whitespace-only lines', () => {
    const text = 'a\n  b\n\tc\n\n   \n\t  d\r\ne'; // last line without newline
    expect(indentationOf(text)).toEqual({
      binary: false,
      codeLines: 5,
      indentTotal: 0 + 2 + 4 + 6 + 0,
      indentMax: 6,
    });
  });

  it('gives the same answer whatever the chunking', () => {
    const text = Buffer.from('x\n    y\n\t\tz\n  \n w\n'.repeat(50));
    const whole = indentationOf(text);
    const counter = new IndentationCounter();
    for (let i = 0; i < text.length; i++) counter.push(text, i, i + 1);
    expect(counter.finish()).toEqual(whole);
    expect(whole).toEqual({ binary: false, codeLines: 200, indentTotal: 50 * (4 + 8 + 1), indentMax: 8 });
  });

  it('treats a NUL in the first 8,000 bytes as binary, like git', () => {
    expect(indentationOf(Buffer.from([65, 0, 10, 32, 66]))).toMatchObject({ binary: true, codeLines: 0 });
    const late = Buffer.concat([Buffer.alloc(8000, 65), Buffer.from([0])]);
    expect(indentationOf(late)).toMatchObject({ binary: false, codeLines: 1 });
  });
});

describe('collecting the tip', () => {
  const repos: TestRepo[] = [];
  afterAll(() => {
    for (const r of repos) r.remove();
  });

  it('reads only the blobs that changed', async () => {
    const repo = importHistory([{ files: { 'a.ts': 'a\n  b\n', 'b.ts': 'b\n', 'c.ts': 'a\n  b\n' } }]);
    repos.push(repo);
    const db = await Db.open(join(tempDir(), 'dx.db'));
    try {
      const collect = async () => collectGit(db, await inspectRepository(repo.path), { since: null });
      const { repoId } = await collect();
      // a.ts and c.ts share one blob
      const profiles = () =>
        db.all<{ oid: string; indent_total: number }>(
          'SELECT oid, indent_total FROM git_blob_indentation ORDER BY oid',
        );
      expect((await profiles()).map((p) => p.indent_total).sort()).toEqual([0, 2]);
      // mark the stored profiles: a recomputed one would lose the mark
      await db.run('UPDATE git_blob_indentation SET indent_total = indent_total + 1000');

      // appended to main: fast-import continues an existing branch from its tip
      importHistory([{ files: { 'b.ts': 'b\n\tb\n' }, at: 1_700_100_000 }], repo);
      await collect();
      const after = await profiles();
      // b's old blob is gone, its new one read (4 columns), a/c's blob kept as stored
      expect(after.map((p) => p.indent_total).sort((x, y) => x - y)).toEqual([4, 1002]);
      const tip = await db.all<{ path: string }>(
        'SELECT path FROM git_head_blobs WHERE repo_id = ? ORDER BY path',
        [repoId],
      );
      expect(tip.map((r) => r.path)).toEqual(['a.ts', 'b.ts', 'c.ts']);

      const again = await collectTipContent(db, repo.path, repoId, repo.git('rev-parse', 'HEAD'));
      expect(again).toEqual({ files: 0, blobsRead: 0, attributed: 0, skipped: true });

      // a profile lost to another repository's pruning is read again, and only that one
      await db.run('DELETE FROM git_blob_indentation WHERE indent_total = 4');
      const repaired = await collectTipContent(db, repo.path, repoId, repo.git('rev-parse', 'HEAD'));
      expect(repaired).toEqual({ files: 3, blobsRead: 1, attributed: 0, skipped: false });
    } finally {
      await db.close();
    }
  });
});
