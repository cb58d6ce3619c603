// PR lifecycle and CI metrics on data collected from the local GitHub, against
// values computed here from the generator's ground truth (not from the product's code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciMetrics } from '../../agent/analysis/ci.js';
import { pullRequestMetrics } from '../../agent/analysis/pull-requests.js';
import { Db } from '../../agent/store/db.js';
import { type Harness, harness } from '../github/harness.js';
import { type GenOrg, type GenPullRequest, generateOrg } from '../support/github-generator.js';

const s = (ms: number) => Math.floor(ms / 1000);
let org: GenOrg;
let h: Harness;

beforeAll(async () => {
  org = generateOrg({ seed: 11, repos: 1, prsPerRepo: 60, runsPerRepo: 50, people: 6, rerunRate: 0.3 });
  h = await harness(org);
  await h.sync(`${org.login}/${org.repositories[0]!.name}`);
});
afterAll(async () => {
  await h.close();
});

function expected(pr: GenPullRequest) {
  const firstCommit = s(Math.min(...pr.commits.map((c) => c.authoredAt)));
  const human = pr.reviews.filter((r) => !r.author.bot && r.author.login !== pr.author.login);
  const firstReview = human.length ? s(Math.min(...human.map((r) => r.submittedAt))) : null;
  const ready = pr.readyAt === null ? null : s(pr.readyAt);
  const merged = pr.mergedAt === null ? null : s(pr.mergedAt);
  const clamp = (v: number | null) => (v === null ? null : Math.max(0, v));
  return {
    number: pr.number,
    firstCommitAt: firstCommit,
    firstReviewAt: firstReview,
    coding: clamp(ready !== null ? ready - firstCommit : null),
    pickup: clamp(ready !== null && firstReview !== null ? firstReview - ready : null),
    review: clamp(merged !== null && firstReview !== null ? merged - firstReview : null),
    cycle: clamp(merged !== null ? merged - firstCommit : null),
    reviewRounds:
      firstReview === null ? null : human.filter((r) => r.state === 'CHANGES_REQUESTED').length + 1,
    rework: firstReview === null ? null : pr.commits.filter((c) => s(c.committedAt) > firstReview).length,
    size: pr.files.reduce((t, f) => t + f.additions + f.deletions, 0),
  };
}

describe('pull-request metrics', () => {
  it('computes every stage of every PR exactly as defined', async () => {
    const db = await Db.open(h.dbPath);
    const metrics = await pullRequestMetrics(
      db,
      { since: null, until: s(org.now) + 86_400 },
      { bots: [], isExcluded: () => false, fragileFiles: new Map() },
    );
    await db.close();
    const prs = org.repositories[0]!.pullRequests;
    expect(metrics.items).toHaveLength(prs.length);
    const byNumber = new Map(metrics.items.map((i) => [i.number, i]));
    for (const pr of prs) {
      const got = byNumber.get(pr.number)!;
      const want = expected(pr);
      expect({
        number: got.number,
        firstCommitAt: got.firstCommitAt,
        firstReviewAt: got.firstReviewAt,
        coding: got.coding,
        pickup: got.pickup,
        review: got.review,
        cycle: got.cycle,
        reviewRounds: got.reviewRounds,
        rework: got.rework,
        size: got.size,
      }).toEqual(want);
    }
    // bots never count as reviewers: at least one PR whose first review was a bot's
    expect(prs.some((p) => p.reviews[0]?.author.bot)).toBe(true);
    const merged = prs.filter((p) => p.mergedAt !== null);
    expect(metrics.merged).toBe(merged.length);
    const mergedHuman = merged.filter((p) => !p.author.bot).map(expected);
    const sorted = mergedHuman.map((p) => p.cycle!).sort((a, b) => a - b);
    const mid = (sorted.length - 1) / 2;
    expect(metrics.stages.cycle.median).toBe((sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2);
    expect(metrics.stages.cycle.n).toBe(sorted.length);
    expect(metrics.dataQuality.mergedWithoutReview).toBe(
      merged.filter((p) => expected(p).firstReviewAt === null).length,
    );
  });
});

describe('CI metrics', () => {
  it('computes queue, duration, success, re-run and flaky rates per workflow from the attempts', async () => {
    const db = await Db.open(h.dbPath);
    const metrics = await ciMetrics(db, { since: null, until: s(org.now) + 86_400 });
    await db.close();
    const runs = org.repositories[0]!.runs;
    for (const wf of metrics.workflows) {
      const mine = runs.filter((r) => r.workflow.name === wf.name);
      expect(wf.runs).toBe(mine.length);
      const attempts = mine.flatMap((r) =>
        r.attempts.map((a, i) => ({ run: r, a, latest: i === r.attempts.length - 1 })),
      );
      expect(wf.attempts).toBe(attempts.length);
      const finished = mine.filter((r) => r.attempts.at(-1)!.conclusion !== null);
      const succeeded = finished.filter((r) => r.attempts.at(-1)!.conclusion === 'success');
      expect(wf.successRate).toBe(finished.length ? succeeded.length / finished.length : null);
      expect(wf.rerunRate).toBe(mine.filter((r) => r.attempts.length > 1).length / mine.length);
      const bySha = new Map<string, Set<string | null>>();
      for (const { run, a } of attempts) {
        const set = bySha.get(run.headSha) ?? new Set();
        set.add(a.conclusion);
        bySha.set(run.headSha, set);
      }
      const judged = [...bySha.values()].filter((c) => c.has('success') || c.has('failure'));
      const flaky = judged.filter((c) => c.has('success') && c.has('failure'));
      expect(wf.flakyRate).toBe(judged.length ? flaky.length / judged.length : null);
      // duration of each attempt: last job completion − the attempt's start
      const durations = attempts
        .filter(({ a }) => a.jobs.some((j) => j.completedAt !== null))
        .map(({ run, a, latest }) => {
          // the latest at run_started_at, the first at the run's creation, one between with its first job
          const start = latest
            ? s(a.runStartedAt)
            : a.attempt === 1
              ? s(run.createdAt)
              : Math.min(...a.jobs.map((j) => s(j.createdAt)));
          const end = Math.max(...a.jobs.filter((j) => j.completedAt !== null).map((j) => s(j.completedAt!)));
          return Math.max(0, end - start);
        })
        .sort((x, y) => x - y);
      expect(wf.duration.n).toBe(durations.length);
      if (durations.length) {
        const mid = (durations.length - 1) / 2;
        expect(wf.duration.median).toBe((durations[Math.floor(mid)]! + durations[Math.ceil(mid)]!) / 2);
      }
    }
    for (const wf of metrics.workflows) {
      const jobs = runs
        .filter((r) => r.workflow.name === wf.name)
        .flatMap((r) => r.attempts.flatMap((a) => a.jobs))
        .filter((j) => j.startedAt !== null);
      const quantile = (values: number[], q: number) => {
        const sorted = [...values].sort((x, y) => x - y);
        const position = (sorted.length - 1) * q;
        const lower = Math.floor(position);
        const a = sorted[lower]!;
        const b = sorted[Math.ceil(position)]!;
        return a + (b - a) * (position - lower);
      };
      const durations = jobs
        .filter((j) => j.completedAt !== null)
        .map((j) => s(j.completedAt!) - s(j.startedAt!));
      const queues = jobs.map((j) => s(j.startedAt!) - s(j.createdAt));
      expect(wf.jobDuration).toEqual({
        median: quantile(durations, 0.5),
        p90: quantile(durations, 0.9),
        n: durations.length,
      });
      expect(wf.jobQueue).toEqual({
        median: quantile(queues, 0.5),
        p90: quantile(queues, 0.9),
        n: queues.length,
      });
    }
    expect(metrics.workflows.some((w) => (w.rerunRate ?? 0) > 0)).toBe(true);
  });
});

describe('--anonymize with GitHub data', () => {
  it('leaves no login in the report and keeps one pseudonym per person', async () => {
    const { runCli } = await import('../support/cli.js');
    const result = await runCli(['report', '--format', 'json', '--detail', '--anonymize', '--db', h.dbPath]);
    expect(result.exitCode).toBe(0);
    for (const person of [...org.people, ...org.bots]) {
      expect(result.stdout.includes(`"${person.login}"`), person.login).toBe(false);
    }
    const json = JSON.parse(result.stdout);
    const authors = new Set(json.pullRequests.items.map((i: { author: string }) => i.author));
    expect([...authors].every((a) => a === null || /^Engineer [A-Z0-9]{5}$/.test(a as string))).toBe(true);
    const subjects = json.diagnosis
      .filter((d: { kind: string }) => d.kind === 'person')
      .map((d: { subject: string }) => d.subject);
    expect(subjects.every((s: string) => authors.has(s))).toBe(true);
  });
});
