// A real git repository with a few authors over three weeks, for the tests of
// git-only outputs (the organisation-sized fixture is tests/support/report-fixture.ts).
import { TestRepo } from '../support/git-repo.js';

/** Monday 2024-01-01 00:00 UTC (ISO week 2024-W01). */
export const MONDAY_2024_W01 = Date.UTC(2024, 0, 1) / 1000;
const DAY = 86_400;

export const AUTHORS = [
  { name: 'Alice Example', email: 'alice@example.com' },
  { name: 'Bob Builder', email: 'bob@example.com' },
  { name: 'Carol Coder', email: 'carol@example.com' },
];

/**
 * Three weeks of commits (2024-W01..W03):
 * W01: alice 2 commits (a.ts +3, b.ts +2), bob 1 commit (a.ts +1 −1)
 * W02: carol 1 commit (c.ts +4)
 * W03: alice 1 commit (a.ts +1 −2), then a merge of branch "topic" with bob's commit (d.ts +5) made in W03
 */
export function activityRepo(): TestRepo {
  const repo = new TestRepo();
  const [alice, bob, carol] = AUTHORS as [(typeof AUTHORS)[0], (typeof AUTHORS)[0], (typeof AUTHORS)[0]];
  const at = (day: number, hour = 10) => MONDAY_2024_W01 + day * DAY + hour * 3600;
  repo.commit({ files: { 'src/a.ts': 'a1\na2\na3\n' }, author: alice, at: at(0), message: 'add a' });
  repo.commit({ files: { 'src/b.ts': 'b1\nb2\n' }, author: alice, at: at(1), message: 'add b' });
  repo.commit({ files: { 'src/a.ts': 'a1\nA2\na3\n' }, author: bob, at: at(2), message: 'fix a' });
  repo.commit({ files: { 'src/c.ts': 'c1\nc2\nc3\nc4\n' }, author: carol, at: at(8), message: 'add c' });
  repo.git('checkout', '-q', '-b', 'topic');
  repo.commit({ files: { 'src/d.ts': 'd1\nd2\nd3\nd4\nd5\n' }, author: bob, at: at(15), message: 'add d' });
  repo.git('checkout', '-q', 'main');
  repo.commit({ files: { 'src/a.ts': 'a1\nX\n' }, author: alice, at: at(16), message: 'shrink a' });
  repo.merge('topic', { at: at(17) });
  return repo;
}
