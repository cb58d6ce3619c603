// One malformed job object costs only that job: the checks that decide it.
import { describe, expect, it } from 'vitest';
import { count } from '../../../../agent/util/plural.js';
import {
  describeMalformedJob,
  isWellFormedJob,
  malformedJobReason,
} from '../../../../collectors/github/validate.js';

/** A job as GitHub's REST API returns it (the fields the store reads). */
const job = {
  id: 29_679_449_236,
  run_id: 10_973_551_222,
  run_attempt: 1,
  name: 'build (ubuntu-latest)',
  runner_name: 'GitHub Actions 12',
  labels: ['ubuntu-latest'],
  status: 'completed',
  conclusion: 'success',
  created_at: '2024-09-23T08:01:12Z',
  started_at: '2024-09-23T08:01:20Z',
  completed_at: '2024-09-23T08:05:41Z',
};

describe('job objects', () => {
  it('accepts a complete job, a queued one and one from an API without run_attempt', () => {
    expect(isWellFormedJob(job)).toBe(true);
    expect(
      isWellFormedJob({ ...job, status: 'queued', conclusion: null, started_at: null, completed_at: null }),
    ).toBe(true);
    const { run_attempt: _attempt, ...older } = job;
    expect(isWellFormedJob(older)).toBe(true);
  });

  it('names what is wrong with each malformed one', () => {
    const { created_at: _created, ...noCreated } = job;
    expect(malformedJobReason(noCreated)).toBe('no valid created_at');
    expect(malformedJobReason({ ...job, created_at: null })).toBe('no valid created_at');
    expect(malformedJobReason({ ...job, created_at: 'yesterday' })).toBe('no valid created_at');
    expect(malformedJobReason({ ...job, id: '29679449236' })).toBe('no numeric id');
    expect(malformedJobReason({ ...job, name: null })).toBe('no name');
    expect(malformedJobReason({ ...job, status: '' })).toBe('no status');
    expect(malformedJobReason({ ...job, completed_at: '2024-13-45T00:00:00Z' })).toBe(
      'an invalid completed_at',
    );
    expect(malformedJobReason({ ...job, run_attempt: 0 })).toBe('an invalid run_attempt');
    expect(malformedJobReason({ ...job, labels: 'ubuntu-latest' })).toBe('labels that are not a list');
    expect(malformedJobReason(null)).toBe('not an object');
    expect(malformedJobReason([job])).toBe('not an object');
    expect(describeMalformedJob(noCreated)).toBe(
      'job 29679449236 (build (ubuntu-latest)) has no valid created_at',
    );
    expect(describeMalformedJob({ name: 'x' })).toBe('job without id (x) has no numeric id');
  });
});

describe('counts in command output', () => {
  it('agree with their number', () => {
    expect(count(1, 'pull request')).toBe('1 pull request');
    expect(count(0, 'pull request')).toBe('0 pull requests');
    expect(count(2, 'job')).toBe('2 jobs');
    expect(count(81_966, 'commit')).toBe('81,966 commits');
    expect(count(1, 'file change')).toBe('1 file change');
  });
});
