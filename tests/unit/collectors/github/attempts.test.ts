// Which attempt each check run belongs to, from a suite's check runs alone
// (GraphQL's CheckRun has no attempt number): the k-th check run of a job
// name by id is attempt k, only when every name occurs run_attempt times and
// the attempts follow one another in time; anything else is left unclear.
import { describe, expect, it } from 'vitest';
import {
  attemptsOfCheckRuns,
  databaseIdOf,
  type GqlCheckRun,
  jobsFromCheckRuns,
  type RestRun,
} from '../../../../collectors/github/actions-extractor.js';
import { nodeId } from '../../../support/github-server/checks.js';

const run = (attempt: number): RestRun => ({
  id: 7,
  run_attempt: attempt,
  workflow_id: 1,
  event: 'push',
  head_branch: 'main',
  head_sha: 'abc',
  status: 'completed',
  conclusion: 'success',
  created_at: '2025-01-01T10:00:00Z',
  run_started_at: '2025-01-01T12:00:00Z',
  updated_at: '2025-01-01T12:30:00Z',
});

/** A check run with id `id`, started and completed at the given minutes after 10:00. */
const check = (id: number, name: string, start: number, end: number): GqlCheckRun => ({
  id: nodeId('CR', 9, id),
  name,
  status: 'COMPLETED',
  conclusion: 'SUCCESS',
  startedAt: new Date(Date.parse('2025-01-01T10:00:00Z') + start * 60_000)
    .toISOString()
    .replace('.000Z', 'Z'),
  completedAt: new Date(Date.parse('2025-01-01T10:00:00Z') + end * 60_000)
    .toISOString()
    .replace('.000Z', 'Z'),
});

describe('attemptsOfCheckRuns', () => {
  it('reads a node id back to its database id, beyond 32 bits', () => {
    expect(databaseIdOf(nodeId('CR', 9, 39_028_156_522))).toBe(39_028_156_522);
  });

  it('numbers the occurrences of each name by id, whatever order GitHub lists them in', () => {
    const checks = [
      check(21, 'build', 121, 125),
      check(11, 'build', 1, 5),
      check(12, 'test', 2, 9),
      check(22, 'test', 122, 130),
    ];
    expect(attemptsOfCheckRuns(run(2), checks)).toEqual([2, 1, 1, 2]);
    // A run never re-run: every check run is attempt 1, even with a repeated name.
    expect(attemptsOfCheckRuns(run(1), [check(11, 'build', 1, 5), check(12, 'build', 2, 6)])).toEqual([1, 1]);
  });

  it('leaves a partial re-run, a shared name and overlapping attempts unclear', () => {
    // "re-run failed jobs": only test ran again
    expect(
      attemptsOfCheckRuns(run(2), [
        check(11, 'build', 1, 5),
        check(12, 'test', 2, 9),
        check(22, 'test', 122, 130),
      ]),
    ).toBeNull();
    // two jobs named alike in one attempt: four of a name in two attempts
    expect(
      attemptsOfCheckRuns(run(2), [
        check(11, 'lint', 1, 5),
        check(12, 'lint', 1, 6),
        check(21, 'lint', 121, 125),
        check(22, 'lint', 121, 126),
      ]),
    ).toBeNull();
    // the second "attempt" starts before the first has ended: not an attempt boundary
    expect(
      attemptsOfCheckRuns(run(2), [
        check(11, 'build', 1, 50),
        check(12, 'test', 2, 9),
        check(21, 'build', 20, 25),
        check(22, 'test', 21, 30),
      ]),
    ).toBeNull();
  });

  it('dates jobs at their attempt start: the first at the run creation, the latest at run_started_at', () => {
    const checks = [check(11, 'build', 1, 5), check(21, 'build', 121, 125), check(12, 'test', 2, 9)];
    checks.push(check(22, 'test', 122, 130));
    const jobs = jobsFromCheckRuns(run(2), checks)!;
    expect(jobs.map((j) => [j.id, j.run_attempt, j.created_at])).toEqual([
      [11, 1, '2025-01-01T10:00:00Z'],
      [21, 2, '2025-01-01T12:00:00Z'],
      [12, 1, '2025-01-01T10:00:00Z'],
      [22, 2, '2025-01-01T12:00:00Z'],
    ]);
    expect(jobs.every((j) => j.runner_name === null && j.labels.length === 0)).toBe(true);
  });

  it('leaves a run of three attempts to REST: no GraphQL field says when the middle one started', () => {
    const checks = [
      check(11, 'build', 1, 5),
      check(21, 'build', 61, 65),
      check(31, 'build', 121, 125),
      check(12, 'test', 2, 9),
      check(22, 'test', 62, 70),
      check(32, 'test', 122, 130),
    ];
    expect(attemptsOfCheckRuns(run(3), checks)).toBeNull();
    expect(jobsFromCheckRuns(run(3), checks)).toBeNull();
  });
});
