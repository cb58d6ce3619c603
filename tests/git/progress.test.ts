// Long work shows how far it is: totals from git before reading, elapsed and
// remaining time, and whole lines on a terminal that reports no width.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clock, fitLine, progressLine } from '../../agent/progress.js';
import { Db } from '../../agent/store/db.js';
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { importHistory } from '../support/fast-import.js';
import { tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

describe('progress lines', () => {
  it('are cut to the terminal width, but never on a terminal that reports 0 columns', () => {
    const long = `git: ${'x'.repeat(120)}`;
    expect(fitLine(long, 0)).toBe(long);
    expect(fitLine(long, undefined)).toBe(long);
    expect(fitLine(long, 81)).toBe(`${long.slice(0, 79)}…`);
    expect(fitLine(long, 81)).toHaveLength(80);
    // a very narrow terminal still gets 20 characters
    expect(fitLine(long, 5)).toBe(`${long.slice(0, 19)}…`);
    expect(fitLine('short', 80)).toBe('short');
  });

  const COMMITS = { one: 'commit read', many: 'commits read' };
  it('show the total, the share, the elapsed time and the remaining time at the rate so far', () => {
    // 12,000 of 81,966 in 42 s: 69,966 left at 12,000 per 42 s = 244.88 s ≈ 4:05; 14.64% → 14%
    expect(progressLine(12_000, 81_966, COMMITS, 42_000)).toBe(
      '12,000 of 81,966 commits read (14%), 0:42 elapsed, about 4:05 left',
    );
    expect(progressLine(0, 500, COMMITS, 1_000)).toBe('0 of 500 commits read (0%), 0:01 elapsed');
    expect(progressLine(300, null, COMMITS, 61_000)).toBe('300 commits read, 1:01 elapsed');
    expect(progressLine(1, null, COMMITS, 1_000)).toBe('1 commit read, 0:01 elapsed');
    expect(progressLine(1, 1, COMMITS, 1_000)).toBe(
      '1 of 1 commit read (100%), 0:01 elapsed, about 0:00 left',
    );
    expect(clock(3_725)).toBe('1:02:05');
    expect(clock(59.6)).toBe('1:00');
  });

  it('collect git counts the commits before reading and reports against that total', async () => {
    const repo = importHistory(
      Array.from({ length: 3_000 }, (_, i) => ({ files: { [`f${i % 50}.txt`]: `${i}\n` } })),
    );
    cleanup.push(() => repo.remove());
    const db = await Db.open(join(tempDir(), 'dx.db'));
    const lines: string[] = [];
    try {
      const result = await collectGit(db, await inspectRepository(repo.path), {
        since: null,
        batchSize: 100,
        progress: { update: (text) => lines.push(text), done() {} },
      });
      expect(result.commits).toBe(3_000);
    } finally {
      await db.close();
    }
    const name = repo.path.split('/').pop();
    const withTotal = lines.filter((line) => line.includes(' of 3,000 commits read'));
    expect(withTotal.length).toBeGreaterThan(0);
    for (const line of withTotal) {
      const match = new RegExp(
        `^${name}: ([\\d,]+) of 3,000 commits read \\((\\d+)%\\), \\d+:\\d\\d elapsed`,
      ).exec(line);
      expect(match, line).not.toBeNull();
      const done = Number(match![1]!.replace(/,/g, ''));
      expect(done % 100).toBe(0);
      expect(Number(match![2])).toBe(Math.floor((done / 3_000) * 100));
    }
  });
});
