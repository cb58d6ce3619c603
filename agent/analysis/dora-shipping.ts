// Which changes each deployment shipped, from the git graph. A deployment
// ships the first-parent chain of its commit back to the first commit an
// earlier deployment already shipped (`git rev-list --first-parent prev..sha`,
// with "prev" being everything shipped before). So a rollback to an older
// commit ships nothing, a second deployment of the same commit ships nothing,
// and after a force push only the rewritten part counts.
//
// Each first-parent commit is one change. Its start is the pull request's
// first commit when it came from a pull request (a merge commit whose second
// parent is the PR head, "Merge pull request #N", or a squash "… (#N)"),
// else the earliest author time of the commits it brought in.

import type { Queryable } from '../store/db.js';
import { type GraphCommit, loadCommitGraph } from './commit-graph.js';
import type { Deployment } from './dora-sources.js';

/** A commit of the stored history. */

/** A merged pull request, with what the lead-time split needs. */
export interface MergedPr {
  number: number;
  title: string;
  headRef: string;
  headSha: string;
  createdAt: number;
  readyAt: number | null;
  mergedAt: number;
  firstCommitAt: number | null;
  firstReviewAt: number | null;
  labels: string[];
}

/** One change shipped by a deployment, with its lead time and the stages it splits into. */
export interface ShippedChange {
  sha: string;
  pr: number | null;
  start: number;
  leadTime: number;
  coding: number | null;
  pickup: number | null;
  review: number | null;
  /** Merge (or landing on the default branch) → deployment. */
  deployWait: number;
}

/** A deployment after the walk: what it shipped, or why its commits are not known. */
export interface WalkedDeployment extends Deployment {
  inClone: boolean;
  /** The first deployment: what it shipped was built up before any deployment we know of. */
  baseline: boolean;
  changes: ShippedChange[];
  /** Changes left out because an earlier deployment is missing from the clone (they may have shipped then). */
  uncertain: number;
}

/** The walk's result for one repository. */
export interface Shipping {
  deployments: WalkedDeployment[];
  /** Change (first-parent commit) of every commit that reached the default branch. */
  changeOf: Map<string, string>;
  /** Deployment index that shipped each change. */
  shippedBy: Map<string, number>;
  /** Change made by each merged pull request. */
  changeOfPr: Map<number, string>;
  commits: Map<string, GraphCommit>;
  prs: MergedPr[];
}

/** Reads the stored history and merged pull requests of one repository. */
export async function readGraph(
  q: Queryable,
  repoId: number,
  deployedShas: readonly string[],
): Promise<{ commits: Map<string, GraphCommit>; prs: MergedPr[] }> {
  // When no deployed commit is in the clone there is nothing to walk: skip reading the history.
  const anyInClone = await q.get(
    'SELECT 1 FROM git_commits WHERE repo_id = ? AND sha IN (SELECT value FROM json_each(?)) LIMIT 1',
    [repoId, JSON.stringify(deployedShas)],
  );
  const commits = anyInClone ? await loadCommitGraph(q, repoId) : new Map<string, GraphCommit>();
  const prRows = await q.all<{
    number: number;
    title: string;
    head_ref: string;
    head_sha: string;
    created_at: number;
    ready_at: number | null;
    merged_at: number;
    first_commit_at: number | null;
    first_review_at: number | null;
    labels: string | null;
  }>(
    `SELECT p.number, p.title, p.head_ref, p.head_sha, p.created_at, p.ready_at, p.merged_at, p.first_commit_at,
       (SELECT min(r.submitted_at) FROM github_pr_reviews r WHERE r.repo_id = p.repo_id AND r.pr_number = p.number
          AND r.author_is_bot = 0 AND r.submitted_at IS NOT NULL AND (p.author IS NULL OR r.author IS NULL OR r.author != p.author))
         AS first_review_at,
       (SELECT json_group_array(l.label) FROM github_pr_labels l WHERE l.repo_id = p.repo_id AND l.pr_number = p.number)
         AS labels
     FROM github_pull_requests p WHERE p.repo_id = ? AND p.merged_at IS NOT NULL`,
    [repoId],
  );
  const prs = prRows.map((r) => ({
    number: r.number,
    title: r.title,
    headRef: r.head_ref,
    headSha: r.head_sha,
    createdAt: r.created_at,
    readyAt: r.ready_at,
    mergedAt: r.merged_at,
    firstCommitAt: r.first_commit_at,
    firstReviewAt: r.first_review_at,
    labels: r.labels ? (JSON.parse(r.labels) as string[]) : [],
  }));
  return { commits, prs };
}

const MERGE_PR = /^Merge pull request #(\d+)\b/;
const SQUASH_PR = /\(#(\d+)\)\s*$/;

/** Walks the deployments (any order) over the graph; returns them sorted by time with what each shipped. */
export function walkDeployments(
  deployments: readonly Deployment[],
  commits: Map<string, GraphCommit>,
  prs: readonly MergedPr[],
): Shipping {
  const sorted = [...deployments].sort((a, b) => a.at - b.at || (a.ref < b.ref ? -1 : 1));
  const byNumber = new Map(prs.map((p) => [p.number, p]));
  const byHead = new Map(prs.map((p) => [p.headSha, p]));
  const changeOf = new Map<string, string>();
  const shippedBy = new Map<string, number>();
  const changeOfPr = new Map<number, string>();
  const walked: WalkedDeployment[] = [];
  let seenInClone = false;
  let missingSince: number | null = null;

  const prOf = (sha: string, c: GraphCommit): MergedPr | null => {
    if (c.parents.length > 1) {
      const head = byHead.get(c.parents[1]!);
      if (head) return head;
    }
    const m = MERGE_PR.exec(c.subject) ?? SQUASH_PR.exec(c.subject);
    const pr = m ? (byNumber.get(Number(m[1])) ?? null) : null;
    return pr ?? byHead.get(sha) ?? null;
  };

  // The commits a merge brought in: its other parents' history down to the first-parent chain.
  const sideCommits = (change: string, c: GraphCommit, chain: Set<string>): number => {
    let earliest = c.authorTime;
    const stack = c.parents.slice(1);
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (changeOf.has(sha) || chain.has(sha)) continue;
      const commit = commits.get(sha);
      if (!commit) continue;
      changeOf.set(sha, change);
      earliest = Math.min(earliest, commit.authorTime);
      for (const p of commit.parents) stack.push(p);
    }
    return earliest;
  };

  for (const [index, d] of sorted.entries()) {
    if (!commits.has(d.sha)) {
      walked.push({ ...d, inClone: false, baseline: false, changes: [], uncertain: 0 });
      if (seenInClone) missingSince = d.at;
      continue;
    }
    const chain: string[] = [];
    let cursor: string | undefined = d.sha;
    while (cursor !== undefined && !shippedBy.has(cursor)) {
      const c = commits.get(cursor);
      if (!c) break;
      chain.push(cursor);
      cursor = c.parents[0];
    }
    const chainSet = new Set(chain);
    const baseline = !seenInClone;
    const changes: ShippedChange[] = [];
    let uncertain = 0;
    for (const sha of chain) {
      const c = commits.get(sha)!;
      shippedBy.set(sha, index);
      changeOf.set(sha, sha);
      const sideStart = sideCommits(sha, c, chainSet);
      const pr = prOf(sha, c);
      if (pr) changeOfPr.set(pr.number, sha);
      if (baseline) continue;
      const start = pr?.firstCommitAt ?? sideStart;
      if (missingSince !== null && start <= missingSince) {
        uncertain += 1;
        continue;
      }
      const landed = pr ? pr.mergedAt : c.commitTime;
      const ready = pr ? (pr.readyAt ?? pr.createdAt) : null;
      changes.push({
        sha,
        pr: pr?.number ?? null,
        start,
        leadTime: Math.max(0, d.at - start),
        coding: pr ? (ready === null ? null : Math.max(0, ready - start)) : Math.max(0, landed - start),
        pickup:
          pr && ready !== null && pr.firstReviewAt !== null ? Math.max(0, pr.firstReviewAt - ready) : null,
        review: pr && pr.firstReviewAt !== null ? Math.max(0, pr.mergedAt - pr.firstReviewAt) : null,
        deployWait: Math.max(0, d.at - landed),
      });
    }
    seenInClone = true;
    missingSince = null;
    walked.push({ ...d, inClone: true, baseline, changes, uncertain });
  }
  // Pull requests merged but not yet deployed still map to their change (for hotfixes and reverts).
  for (const [sha, c] of commits) {
    if (changeOf.has(sha)) continue;
    const pr = prOf(sha, c);
    if (pr && !changeOfPr.has(pr.number)) changeOfPr.set(pr.number, sha);
  }
  return { deployments: walked, changeOf, shippedBy, changeOfPr, commits, prs: [...prs] };
}
