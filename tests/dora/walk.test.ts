// The lead-time walk against git itself. On a real repository with feature
// branches, a branch merged twice, a branch that merged main back in and an
// octopus merge, every deployment ships exactly the commits of
// `git rev-list <its commit> --not <every earlier deployment>`, its changes are
// the first-parent part of them, and a merge's start is the earliest author
// time among the commits git lists for `<merge> --not <its first parent>`.
// Also: the numbered graph holds what the sha-keyed one holds, and the
// selection behind median and p90 agrees with a sort.
import { execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommitGraph, loadPackedGraph, packGraph } from '../../agent/analysis/commit-graph.js';
import { summaryOf } from '../../agent/analysis/dora.js';
import { readGraph, walkDeployments } from '../../agent/analysis/dora-shipping.js';
import { summarize } from '../../agent/analysis/stats.js';
import { gitEnv, TestRepo } from '../support/git-repo.js';
import { collect, H, T } from './helpers.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

/** A history with merges of every kind, and deployments (oldest first) at chosen commits. */
function mergedHistory(): { repo: TestRepo; deployments: { ref: string; sha: string; at: number }[] } {
  const r = new TestRepo();
  repos.push(r);
  const at = (hours: number) => T + hours * H;
  const c0 = r.commit({ message: 'root', at: at(0) });
  r.git('checkout', '-q', '-b', 'a');
  r.commit({ message: 'a1', at: at(1) });
  r.commit({ message: 'a2', at: at(2) });
  r.git('checkout', '-q', 'main');
  const c1 = r.commit({ message: 'c1', at: at(3) });
  r.git('checkout', '-q', '-b', 'b');
  r.commit({ message: 'b1', at: at(5) });
  r.git('checkout', '-q', 'main');
  r.merge('a', { at: at(6) });
  r.git('checkout', '-q', 'b');
  r.commit({ message: 'b2', at: at(7) });
  r.git('checkout', '-q', 'main');
  const mb1 = r.merge('b', { at: at(8) });
  r.git('checkout', '-q', 'b');
  r.commit({ message: 'b3', at: at(9) });
  // c branches from before b's merge, then merges main (with b) back in
  r.git('checkout', '-q', '-b', 'c', `${mb1}^1`);
  r.commit({ message: 'c1 on c', at: at(10) });
  r.merge('main', { at: at(11) });
  r.commit({ message: 'c2 on c', at: at(12) });
  r.git('checkout', '-q', 'main');
  r.commit({ message: 'direct d1', at: at(13) });
  const mc = r.merge('c', { at: at(14) });
  const mb2 = r.merge('b', { at: at(15), message: 'Merge b again' });
  r.git('checkout', '-q', '-b', 'e');
  r.commit({ message: 'e1', at: at(16) });
  r.git('checkout', '-q', '-b', 'f', mb2);
  r.commit({ message: 'f1', at: at(17) });
  r.git('checkout', '-q', 'main');
  execaSync('git', ['merge', '-q', '--no-ff', '--no-gpg-sign', '-m', 'Octopus e f', 'e', 'f'], {
    cwd: r.path,
    env: gitEnv({ GIT_AUTHOR_DATE: `@${at(18)} +0000`, GIT_COMMITTER_DATE: `@${at(18)} +0000` }),
  });
  const octopus = r.git('rev-parse', 'HEAD');
  const g1 = r.commit({ message: 'g1', at: at(20) });
  expect(r.git('rev-list', '--parents', '-n', '1', octopus).split(' ')).toHaveLength(4);
  expect(c0).not.toBe(c1);
  return {
    repo: r,
    deployments: [
      { ref: 'd1', sha: c1, at: at(4) }, // baseline
      { ref: 'd2', sha: mb1, at: at(8.5) }, // ships the merges of a and b
      { ref: 'd3', sha: mb2, at: at(15.5) }, // the back-merged c, a direct commit, b merged again
      { ref: 'd4', sha: octopus, at: at(19) },
      { ref: 'd5', sha: mc, at: at(19.5) }, // a rollback: ships nothing
      { ref: 'd6', sha: g1, at: at(21) },
    ],
  };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('the lead-time walk on commit ids', () => {
  it('ships what git rev-list lists, deployment by deployment, and starts each change where git says', async () => {
    const { repo, deployments } = mergedHistory();
    const db = await collect(repo);
    const repoId = (await db.get<{ id: number }>('SELECT id FROM repositories'))!.id;
    const { graph, prs } = await readGraph(
      db,
      repoId,
      deployments.map((d) => d.sha),
    );
    await db.close();
    const shipping = walkDeployments(deployments, graph, prs);
    expect(shipping.deployments.map((d) => d.ref)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);

    const shippedCounts: number[] = [];
    for (const [index, d] of deployments.entries()) {
      const earlier = deployments.slice(0, index).map((e) => e.sha);
      const all = lines(repo.git('rev-list', d.sha, '--not', ...earlier)).sort();
      const firstParent = lines(repo.git('rev-list', '--first-parent', d.sha, '--not', ...earlier)).sort();
      const shipped: string[] = [];
      const changes: string[] = [];
      for (let id = 0; id < graph.size; id += 1) {
        const change = shipping.changeId[id]!;
        if (change >= 0 && shipping.shippedBy[change] === index) shipped.push(graph.shaOf(id));
        if (shipping.shippedBy[id] === index) changes.push(graph.shaOf(id));
      }
      expect(shipped.sort(), d.ref).toEqual(all);
      expect(changes.sort(), d.ref).toEqual(firstParent);
      shippedCounts.push(all.length);

      // every change after the baseline starts at the earliest author time of what it brought in
      const walked = shipping.deployments[index]!;
      for (const change of walked.changes) {
        const parents = repo.git('rev-list', '--parents', '-n', '1', change.sha).split(' ').slice(1);
        const brought = parents.length > 0 ? ['--not', parents[0]!, ...earlier] : ['--not', ...earlier];
        const times = lines(repo.git('log', '--format=%at', change.sha, ...brought)).map(Number);
        expect(change.start, `${d.ref} ${change.sha}`).toBe(Math.min(...times));
        expect(change.leadTime).toBe(d.at - change.start);
      }
      expect(walked.changes.length).toBe(index === 0 ? 0 : firstParent.length);
    }
    // counted by hand: c1 and root; Mb1, Ma, a1, a2, b1, b2; Mb2, Mc, d1, c2, the back-merge, c1 on c, b3;
    // the octopus, e1, f1; nothing for the rollback; g1
    expect(shippedCounts).toEqual([2, 6, 7, 3, 0, 1]);
  });

  it('numbers the same graph the sha-keyed reader reads, absent parents after the stored commits', async () => {
    const { repo } = mergedHistory();
    const db = await collect(repo);
    const repoId = (await db.get<{ id: number }>('SELECT id FROM repositories'))!.id;
    const keyed = await loadCommitGraph(db, repoId);
    const packed = await loadPackedGraph(db, repoId, { keepSubject: `subject LIKE 'Merge%'` });
    const none = await loadPackedGraph(db, repoId, { onlyWith: ['0'.repeat(40)] });
    await db.close();

    expect(packed.size).toBe(keyed.size);
    expect(packed.total).toBe(keyed.size);
    expect(none.size).toBe(0);
    let merges = 0;
    for (const [sha, c] of keyed) {
      const id = packed.idOf(sha);
      expect(packed.shaOf(id)).toBe(sha);
      const parents = packed.parentIds.subarray(packed.parentStart[id]!, packed.parentStart[id + 1]!);
      expect([...parents].map((p) => packed.shaOf(p))).toEqual(c.parents);
      expect(packed.authorTime[id]).toBe(c.authorTime);
      expect(packed.commitTime[id]).toBe(c.commitTime);
      expect(packed.subjects[id]).toBe(c.subject.startsWith('Merge') ? c.subject : undefined);
      if (c.subject.startsWith('Merge')) merges += 1;
    }
    // Ma, Mb1, the back-merge, Mc, Mb2 (the octopus is titled otherwise)
    expect(merges).toBe(5);
    expect(packed.idOf('f'.repeat(40))).toBe(-1);

    // a parent outside the stored history gets an id after the stored commits
    const shallow = packGraph(
      new Map([
        [
          'b'.repeat(40),
          {
            parents: ['a'.repeat(40)],
            author: 'x',
            authorTime: 2,
            commitTime: 3,
            merge: false,
            subject: 's',
          },
        ],
      ]),
    );
    expect(shallow.size).toBe(1);
    expect(shallow.total).toBe(2);
    expect(shallow.idOf('a'.repeat(40))).toBe(1);
    expect(shallow.parentIds[0]).toBe(1);
  });
});

describe('median and p90 by selection', () => {
  // a small linear congruential generator: the same values on every run
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };

  it('agrees with the sorted quantiles on ties, runs, NaN gaps and every small size', () => {
    const cases: number[][] = [];
    for (let n = 0; n <= 40; n += 1) cases.push(Array.from({ length: n }, () => Math.floor(next() * 5)));
    const big = 20_001;
    cases.push(Array.from({ length: big }, () => Math.floor(next() * 1e6)));
    cases.push(Array.from({ length: big }, () => Math.floor(next() * 3))); // almost all ties
    cases.push(Array.from({ length: big }, (_, i) => i)); // ascending
    cases.push(Array.from({ length: big }, (_, i) => big - i)); // descending
    cases.push(Array.from({ length: big }, (_, i) => Math.min(i, big - i))); // organ pipe
    cases.push(Array.from({ length: big }, () => 7)); // one value
    for (const values of cases) {
      // split into parts with stages that do not apply (NaN) between the values
      const parts: Float64Array[] = [];
      for (let i = 0; i < values.length; ) {
        const take = 1 + Math.floor(next() * 50);
        const part = values.slice(i, i + take).flatMap((v) => (next() < 0.2 ? [Number.NaN, v] : [v]));
        parts.push(Float64Array.from(part));
        i += take;
      }
      expect(summaryOf(parts)).toEqual(summarize(values));
    }
    // by hand: 1..10 → median 5.5; p90 at rank 8.1 → 9 + 0.1
    const byHand = summaryOf([
      Float64Array.from([10, 3, Number.NaN, 1, 7]),
      Float64Array.from([2, 9, 4, 8, 6, 5]),
    ]);
    expect(byHand.median).toBe(5.5);
    expect(byHand.p90).toBeCloseTo(9.1, 12);
    expect(byHand.n).toBe(10);
  });
});
