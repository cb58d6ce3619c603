// The lead-time split and the failure signals on a hand-made graph: a merged
// pull request, a squash-merged hotfix, a direct commit and a merge without a
// pull request, each with times chosen so every stage has its own value.
import { describe, expect, it } from 'vitest';
import type { GraphCommit } from '../../../../agent/analysis/commit-graph.js';
import { findFailures } from '../../../../agent/analysis/dora-failures.js';
import { type MergedPr, walkDeployments } from '../../../../agent/analysis/dora-shipping.js';
import { DEFAULT_CONFIG } from '../../../../agent/config.js';

const commit = (parents: string[], authorTime: number, commitTime: number, subject: string): GraphCommit => ({
  parents,
  author: 'dev@example.com',
  authorTime,
  commitTime,
  merge: parents.length > 1,
  subject,
});

const commits = new Map<string, GraphCommit>([
  ['m0', commit([], 0, 0, 'root')],
  ['b1', commit(['m0'], 1000, 1000, 'start login')],
  ['b2', commit(['b1'], 2000, 2000, 'finish login')],
  ['M1', commit(['m0', 'b2'], 10_000, 10_000, 'Merge pull request #1 from acme/login')],
  ['S2', commit(['M1'], 11_000, 12_000, 'Fix login (#2)')],
  ['D3', commit(['S2'], 13_000, 13_500, 'tweak')],
  ['b4', commit(['D3'], 14_000, 14_000, 'side work')],
  ['M4', commit(['D3', 'b4'], 15_000, 15_000, "Merge branch 'side'")],
]);
const pr = (p: Partial<MergedPr> & Pick<MergedPr, 'number'>): MergedPr => ({
  title: `PR ${p.number}`,
  headRef: 'feature',
  headSha: 'none',
  createdAt: 0,
  readyAt: null,
  mergedAt: 0,
  firstCommitAt: null,
  firstReviewAt: null,
  labels: [],
  ...p,
});
const prs = [
  pr({
    number: 1,
    headSha: 'b2',
    createdAt: 3000,
    readyAt: 3000,
    firstCommitAt: 1000,
    firstReviewAt: 5000,
    mergedAt: 10_000,
  }),
  pr({
    number: 2,
    title: 'Fix login',
    headRef: 'hotfix/login',
    createdAt: 9500,
    readyAt: 9600,
    firstCommitAt: 9000,
    mergedAt: 12_000,
  }),
];
const deployments = [
  { ref: 'deployment 3', sha: 'M4', at: 30_000 },
  { ref: 'deployment 1', sha: 'm0', at: 500 },
  { ref: 'deployment 2', sha: 'M1', at: 20_000 },
];

describe('what each deployment shipped', () => {
  const shipping = walkDeployments(deployments, commits, prs);

  it('splits each change into coding, pickup, review and the wait for deployment', () => {
    expect(shipping.deployments.map((d) => d.ref)).toEqual(['deployment 1', 'deployment 2', 'deployment 3']);
    expect(shipping.deployments[0]!.baseline).toBe(true);
    expect(shipping.deployments[0]!.changes).toEqual([]);
    expect(shipping.deployments[1]!.changes).toEqual([
      // PR #1: first commit 1000, ready 3000, first review 5000, merged 10000, deployed 20000
      {
        sha: 'M1',
        pr: 1,
        start: 1000,
        leadTime: 19_000,
        coding: 2000,
        pickup: 2000,
        review: 5000,
        deployWait: 10_000,
      },
    ]);
    expect(shipping.deployments[2]!.changes).toEqual([
      // a merge without a pull request starts at its earliest side commit (b4, 14000) and lands at 15000
      {
        sha: 'M4',
        pr: null,
        start: 14_000,
        leadTime: 16_000,
        coding: 1000,
        pickup: null,
        review: null,
        deployWait: 15_000,
      },
      // a direct commit: authored 13000, landed (committed) 13500
      {
        sha: 'D3',
        pr: null,
        start: 13_000,
        leadTime: 17_000,
        coding: 500,
        pickup: null,
        review: null,
        deployWait: 16_500,
      },
      // the squash of PR #2 (never reviewed): first commit 9000, ready 9600, merged 12000
      {
        sha: 'S2',
        pr: 2,
        start: 9000,
        leadTime: 21_000,
        coding: 600,
        pickup: null,
        review: null,
        deployWait: 18_000,
      },
    ]);
    expect(shipping.changeOf.get('b1')).toBe('M1');
    expect(shipping.changeOf.get('b4')).toBe('M4');
    expect(shipping.changeOfPr.get(2)).toBe('S2');
  });

  it('fires hotfix, incident and failed-deployment signals and times the restore from the first one', () => {
    const incidents = [
      { number: 10, createdAt: 23_600, closedAt: 27_200 }, // 1 h after deployment 2
      { number: 11, createdAt: 30_000 + 90_000, closedAt: null }, // 25 h after deployment 3: too late
    ];
    const failed = [{ ref: 'deployment 7', state: 'failure', at: 25_000 }];
    const failures = findFailures(shipping, failed, [], incidents, DEFAULT_CONFIG.dora);
    expect(failures).toEqual([
      {
        // the hotfix branch was opened while deployment 1 ran; deployment 3 shipped it
        deployment: 0,
        signals: [{ kind: 'hotfix', ref: 'PR #2', at: 9500, restoredAt: 30_000 }],
        timeToRestore: 20_500,
      },
      {
        deployment: 1,
        signals: [
          { kind: 'incident', ref: 'issue #10', at: 23_600, restoredAt: 27_200 },
          { kind: 'failed_deployment', ref: 'deployment 7 failure', at: 25_000, restoredAt: 30_000 },
        ],
        timeToRestore: 3600,
      },
    ]);
    const noIncidents = findFailures(shipping, failed, [], incidents, {
      ...DEFAULT_CONFIG.dora,
      failureSignals: ['failed_deployment'],
    });
    expect(noIncidents.map((f) => [f.deployment, f.timeToRestore])).toEqual([[1, 5000]]);
  });

  it('reads a hotfix label in any case, and a revert PR title', () => {
    const labelled = [
      { ...prs[0]!, labels: ['HotFix'] },
      { ...prs[1]!, headRef: 'fix-login' },
    ];
    const again = walkDeployments(deployments, commits, labelled);
    const byLabel = findFailures(again, [], [], [], DEFAULT_CONFIG.dora);
    // PR #1 was opened at 3000 under deployment 1 and shipped by deployment 2 at 20000
    expect(byLabel).toEqual([
      {
        deployment: 0,
        signals: [{ kind: 'hotfix', ref: 'PR #1', at: 3000, restoredAt: 20_000 }],
        timeToRestore: 17_000,
      },
    ]);
    const reverting = [prs[0]!, { ...prs[1]!, headRef: 'revert-1', title: 'Revert "PR 1"' }];
    const reverted = findFailures(
      walkDeployments(deployments, commits, reverting),
      [],
      [],
      [],
      DEFAULT_CONFIG.dora,
    );
    // PR #2 reverts PR #1 (shipped by deployment 2 at 20000) and ships at 30000; it was opened at 9500, before
    // PR #1 reached production, so the failure is counted from the deployment, not from the pull request
    expect(reverted).toEqual([
      {
        deployment: 1,
        signals: [{ kind: 'revert', ref: 'PR #2', at: 20_000, restoredAt: 30_000 }],
        timeToRestore: 10_000,
      },
    ]);
  });

  it('counts a revert only when what it undoes reached production without it', () => {
    const shipping = walkDeployments(deployments, commits, prs);
    const reverts = { ...DEFAULT_CONFIG.dora, failureSignals: ['revert' as const] };
    // D3 reverts S2: deployment 3 ships both, so production never ran S2 alone
    expect(findFailures(shipping, [], [{ sha: 'D3', reverted: 'S2' }], [], reverts)).toEqual([]);
    // M4 reverts M1: deployment 2 shipped M1 at 20000, deployment 3 shipped the revert at 30000
    expect(findFailures(shipping, [], [{ sha: 'M4', reverted: 'M1' }], [], reverts)).toEqual([
      {
        deployment: 1,
        signals: [{ kind: 'revert', ref: 'revert M4', at: 20_000, restoredAt: 30_000 }],
        timeToRestore: 10_000,
      },
    ]);
  });
});
