// The window's length is one number: the statement every output prints says
// what the JSON's `weeks` says to one decimal, also where rounding the raw
// length directly would differ (1.349 weeks: 1.3 raw, 1.35 → 1.4 rounded).
import { describe, expect, it } from 'vitest';
import { resolveWindow } from '../../../../agent/analysis/window.js';
import { Db } from '../../../../agent/store/db.js';

const WEEK = 7 * 86_400;

describe('the window', () => {
  it('states the length the JSON holds, rounded once', async () => {
    const db = await Db.open(Db.MEMORY);
    try {
      const oldest = Date.parse('2026-11-21T05:44:28Z') / 1000;
      // 1.3493 weeks after the oldest commit: 1.3 to one decimal, 1.35 to two
      const newest = oldest + Math.round(1.3493 * WEEK);
      await db.run(
        `INSERT INTO repositories (id, name, path, created_at) VALUES (1, 'r', '/r', '2026-11-30T00:00:00Z')`,
      );
      await db.run(
        `INSERT INTO collection_runs (id, source, scope, started_at, status) VALUES (1, 'git', '/r', '2026-11-30T00:00:00Z', 'done')`,
      );
      for (const [sha, at] of [
        ['a', oldest],
        ['b', newest],
      ] as const)
        await db.run(
          `INSERT INTO git_commits (repo_id, sha, parents, is_merge, author_name, author_email, raw_author_name,
             raw_author_email, author_time, author_tz, commit_time, subject, run_id)
           VALUES (1, ?, '', 0, 'x', 'x@example.com', 'x', 'x@example.com', ?, 0, ?, 's', 1)`,
          [sha, at, at],
        );
      const window = await resolveWindow(db, { since: null, until: new Date('2026-12-01T00:00:00Z') });
      expect(window.report.weeks).toBe(1.35);
      expect(window.report.statement).toBe(
        '2026-11-21 → 2026-11-30 (1.4 weeks: the last 52 weeks, ending at the newest collected data, starting at the oldest collected data inside it)',
      );
    } finally {
      await db.close();
    }
  });
});
