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

import { packedRows, type Queryable } from '../store/db.js';
import { type GraphCommit, loadPackedGraph, type PackedGraph, packGraph } from './commit-graph.js';
import type { Deployment } from './dora-sources.js';

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

/**
 * Every change a repository's deployments shipped, one typed column per
 * figure (NaN where a stage does not apply), so the keys of 100,000s of
 * changes are read without an object per change.
 */
export interface ShippedChanges {
  count: number;
  /** Id (in Shipping.graph) of the change's first-parent commit. */
  commit: Int32Array;
  /** Pull request number; -1 when the change came from none. */
  pr: Int32Array;
  start: Float64Array;
  leadTime: Float64Array;
  coding: Float64Array;
  pickup: Float64Array;
  review: Float64Array;
  deployWait: Float64Array;
}

/** A deployment after the walk: what it shipped, or why its commits are not known. */
export interface WalkedDeployment extends Deployment {
  inClone: boolean;
  /** The first deployment: what it shipped was built up before any deployment we know of. */
  baseline: boolean;
  /** Its changes are rows firstChange .. firstChange + changeCount − 1 of Shipping.changes. */
  firstChange: number;
  changeCount: number;
  /** The same changes as objects, built when read. */
  readonly changes: ShippedChange[];
  /** Changes left out because an earlier deployment is missing from the clone (they may have shipped then). */
  uncertain: number;
}

/** The walk's result for one repository; commits are the ids of `graph`. */
export interface Shipping {
  deployments: WalkedDeployment[];
  changes: ShippedChanges;
  graph: PackedGraph;
  /** Change (id of its first-parent commit) of every commit that reached the default branch; −1 for the others. */
  changeId: Int32Array;
  /** Index of the deployment that shipped each change; −1 when none did. */
  shippedBy: Int32Array;
  /** The changes in the order the deployments shipped them (baseline included). */
  shippedOrder: Int32Array;
  /** Change made by each merged pull request. */
  changeIdOfPr: Map<number, number>;
  /** The same by sha, for readers that hold shas. */
  changeOf: { get(sha: string): string | undefined };
  changeOfPr: { get(pr: number): string | undefined };
  prs: MergedPr[];
}

const MERGE_PR = /^Merge pull request #(\d+)\b/;
const SQUASH_PR = /\(#(\d+)\)\s*$/;
/** A revert by title: `Revert "<subject of what it undoes>"` (git's and GitHub's wording). */
export const REVERT_SUBJECT = /^Revert "(.+)"\s*$/;
// The subjects the walk and the failure signals read, as SQL: a superset of MERGE_PR, SQUASH_PR and
// REVERT_SUBJECT (LIKE ignores case, GLOB's '*' spans anything), which the regexes then check exactly.
const KEEP_SUBJECT = `subject LIKE 'Merge pull request #%' OR subject GLOB '*(#[0-9]*)*' OR subject LIKE 'Revert "%'`;

/** Subjects that some revert names (`Revert "<subject>"`), in commits or pull-request titles. */
export function subjectsNamedByReverts(
  subjects: readonly (string | undefined)[],
  prs: readonly MergedPr[],
): Set<string> {
  const named = new Set<string>();
  for (const subject of subjects) {
    const m = subject === undefined ? null : REVERT_SUBJECT.exec(subject);
    if (m) named.add(m[1]!);
  }
  for (const pr of prs) {
    const m = REVERT_SUBJECT.exec(pr.title);
    if (m) named.add(m[1]!);
  }
  return named;
}

/** Reads the stored history and merged pull requests of one repository. */
export async function readGraph(
  q: Queryable,
  repoId: number,
  deployedShas: readonly string[],
): Promise<{ graph: PackedGraph; prs: MergedPr[] }> {
  // both read at once: SQLite reads one while the other is parsed. When no deployed commit is in the
  // clone there is nothing to walk, and the history is not read.
  const [graph, prs] = await Promise.all([
    loadPackedGraph(q, repoId, { keepSubject: KEEP_SUBJECT, onlyWith: deployedShas }),
    readMergedPrs(q, repoId),
  ]);
  // a revert by title needs the subject of the commit it names: read just those
  const named = graph.size > 0 ? subjectsNamedByReverts(graph.subjects, prs) : new Set<string>();
  if (named.size > 0) {
    const rows = await q.all<{ sha: string; subject: string }>(
      'SELECT sha, subject FROM git_commits WHERE repo_id = ? AND subject IN (SELECT value FROM json_each(?))',
      [repoId, JSON.stringify([...named])],
    );
    for (const r of rows) graph.subjects[graph.idOf(r.sha)] = r.subject;
  }
  return { graph, prs };
}

/** The merged pull requests of a repository, with their first review and labels. */
async function readMergedPrs(q: Queryable, repoId: number): Promise<MergedPr[]> {
  // packed into one JSON string by SQLite: far cheaper than an object per row for 10,000s of pull requests
  const prRows = await packedRows<
    [number, string, string, string, number, number | null, number, number | null, number | null, string[]]
  >(
    q,
    `SELECT p.number, p.title, p.head_ref, p.head_sha, p.created_at, p.ready_at, p.merged_at, p.first_commit_at,
       (SELECT min(r.submitted_at) FROM github_pr_reviews r WHERE r.repo_id = p.repo_id AND r.pr_number = p.number
          AND r.author_is_bot = 0 AND r.submitted_at IS NOT NULL AND (p.author IS NULL OR r.author IS NULL OR r.author != p.author))
         AS first_review_at,
       (SELECT json_group_array(l.label) FROM github_pr_labels l WHERE l.repo_id = p.repo_id AND l.pr_number = p.number)
         AS labels
     FROM github_pull_requests p WHERE p.repo_id = ? AND p.merged_at IS NOT NULL`,
    [
      'number',
      'title',
      'head_ref',
      'head_sha',
      'created_at',
      'ready_at',
      'merged_at',
      'first_commit_at',
      'first_review_at',
      // json(): the labels stay a JSON array inside the packed row, not a string
      'json(labels)',
    ],
    [repoId],
  );
  return prRows.map(
    ([
      number,
      title,
      headRef,
      headSha,
      createdAt,
      readyAt,
      mergedAt,
      firstCommitAt,
      firstReviewAt,
      labels,
    ]) => ({
      number,
      title,
      headRef,
      headSha,
      createdAt,
      readyAt,
      mergedAt,
      firstCommitAt,
      firstReviewAt,
      labels,
    }),
  );
}

/** Walks the deployments (any order) over the graph; returns them sorted by time with what each shipped. */
export function walkDeployments(
  deployments: readonly Deployment[],
  commits: PackedGraph | ReadonlyMap<string, GraphCommit>,
  prs: readonly MergedPr[],
): Shipping {
  const graph = 'parentIds' in commits ? commits : packGraph(commits);
  const { size, total, parentStart, parentIds, authorTime, commitTime, subjects } = graph;
  const sorted = [...deployments].sort((a, b) => a.at - b.at || (a.ref < b.ref ? -1 : 1));
  const byNumber = new Map<number, MergedPr>();
  for (const p of prs) byNumber.set(p.number, p);
  // the pull request whose head is each commit (the last listed wins, as in a map by head sha)
  const headPr = new Array<MergedPr | undefined>(total).fill(undefined);
  for (const p of prs) {
    const id = graph.idOf(p.headSha);
    if (id >= 0) headPr[id] = p;
  }
  const changeId = new Int32Array(total).fill(-1);
  const shippedBy = new Int32Array(total).fill(-1);
  // the deployment whose first-parent chain holds each commit, while that chain is walked
  const chainOf = new Int32Array(total).fill(-1);
  const shippedOrder = new Int32Array(size);
  let shippedCount = 0;
  const changeIdOfPr = new Map<number, number>();
  const chain = new Int32Array(size);
  // a walk pushes each parent edge at most once: the edges bound the stack
  const stack = new Int32Array(parentIds.length + 1);
  const changes: ShippedChanges = {
    count: 0,
    commit: new Int32Array(size),
    pr: new Int32Array(size),
    start: new Float64Array(size),
    leadTime: new Float64Array(size),
    coding: new Float64Array(size),
    pickup: new Float64Array(size),
    review: new Float64Array(size),
    deployWait: new Float64Array(size),
  };
  const walked: WalkedDeployment[] = [];
  let seenInClone = false;
  let missingSince: number | null = null;

  const prOf = (id: number): MergedPr | null => {
    const from = parentStart[id]!;
    if (parentStart[id + 1]! - from > 1) {
      const head = headPr[parentIds[from + 1]!];
      if (head) return head;
    }
    const subject = subjects[id];
    if (subject !== undefined) {
      const m = MERGE_PR.exec(subject) ?? SQUASH_PR.exec(subject);
      const pr = m ? byNumber.get(Number(m[1])) : undefined;
      if (pr) return pr;
    }
    return headPr[id] ?? null;
  };

  // The commits a merge brought in: its other parents' history down to the first-parent chain.
  const sideCommits = (change: number, deployment: number): number => {
    let earliest = authorTime[change]!;
    let top = 0;
    for (let e = parentStart[change]! + 1; e < parentStart[change + 1]!; e += 1) stack[top++] = parentIds[e]!;
    while (top > 0) {
      const id = stack[--top]!;
      if (id >= size || changeId[id]! >= 0 || chainOf[id] === deployment) continue;
      changeId[id] = change;
      earliest = Math.min(earliest, authorTime[id]!);
      for (let e = parentStart[id]!; e < parentStart[id + 1]!; e += 1) stack[top++] = parentIds[e]!;
    }
    return earliest;
  };

  for (const [index, d] of sorted.entries()) {
    const head = graph.idOf(d.sha);
    if (head < 0 || head >= size) {
      walked.push(
        walkedDeployment(
          d,
          { inClone: false, baseline: false, firstChange: changes.count, changeCount: 0, uncertain: 0 },
          changes,
          graph,
        ),
      );
      if (seenInClone) missingSince = d.at;
      continue;
    }
    let length = 0;
    for (let cursor = head; cursor >= 0 && cursor < size && shippedBy[cursor]! < 0; ) {
      chain[length++] = cursor;
      chainOf[cursor] = index;
      cursor = parentStart[cursor + 1]! > parentStart[cursor]! ? parentIds[parentStart[cursor]!]! : -1;
    }
    const baseline = !seenInClone;
    const firstChange = changes.count;
    let uncertain = 0;
    for (let k = 0; k < length; k += 1) {
      const id = chain[k]!;
      shippedBy[id] = index;
      shippedOrder[shippedCount++] = id;
      changeId[id] = id;
      const sideStart = sideCommits(id, index);
      const pr = prOf(id);
      if (pr) changeIdOfPr.set(pr.number, id);
      if (baseline) continue;
      const start = pr?.firstCommitAt ?? sideStart;
      if (missingSince !== null && start <= missingSince) {
        uncertain += 1;
        continue;
      }
      const landed = pr ? pr.mergedAt : commitTime[id]!;
      const ready = pr ? (pr.readyAt ?? pr.createdAt) : null;
      const row = changes.count++;
      changes.commit[row] = id;
      changes.pr[row] = pr ? pr.number : -1;
      changes.start[row] = start;
      changes.leadTime[row] = Math.max(0, d.at - start);
      changes.coding[row] = pr
        ? ready === null
          ? Number.NaN
          : Math.max(0, ready - start)
        : Math.max(0, landed - start);
      changes.pickup[row] =
        pr && ready !== null && pr.firstReviewAt !== null
          ? Math.max(0, pr.firstReviewAt - ready)
          : Number.NaN;
      changes.review[row] =
        pr && pr.firstReviewAt !== null ? Math.max(0, pr.mergedAt - pr.firstReviewAt) : Number.NaN;
      changes.deployWait[row] = Math.max(0, d.at - landed);
    }
    seenInClone = true;
    missingSince = null;
    walked.push(
      walkedDeployment(
        d,
        { inClone: true, baseline, firstChange, changeCount: changes.count - firstChange, uncertain },
        changes,
        graph,
      ),
    );
  }
  // Pull requests merged but not yet deployed still map to their change (for hotfixes and reverts).
  for (let id = 0; id < size; id += 1) {
    if (changeId[id]! >= 0) continue;
    const pr = prOf(id);
    if (pr && !changeIdOfPr.has(pr.number)) changeIdOfPr.set(pr.number, id);
  }
  return {
    deployments: walked,
    changes,
    graph,
    changeId,
    shippedBy,
    shippedOrder: shippedOrder.subarray(0, shippedCount),
    changeIdOfPr,
    changeOf: {
      get: (sha) => {
        const id = graph.idOf(sha);
        return id >= 0 && changeId[id]! >= 0 ? graph.shaOf(changeId[id]!) : undefined;
      },
    },
    changeOfPr: {
      get: (pr) => {
        const id = changeIdOfPr.get(pr);
        return id === undefined ? undefined : graph.shaOf(id);
      },
    },
    prs: [...prs],
  };
}

/** A walked deployment whose `changes` are built from its rows of the table when read. */
function walkedDeployment(
  d: Deployment,
  walk: Omit<WalkedDeployment, keyof Deployment | 'changes'>,
  table: ShippedChanges,
  graph: PackedGraph,
): WalkedDeployment {
  return new Walked(d, walk, table, graph);
}

class Walked implements WalkedDeployment {
  ref: string;
  sha: string;
  at: number;
  inClone: boolean;
  baseline: boolean;
  firstChange: number;
  changeCount: number;
  uncertain: number;

  constructor(
    d: Deployment,
    walk: Omit<WalkedDeployment, keyof Deployment | 'changes'>,
    private readonly table: ShippedChanges,
    private readonly graph: PackedGraph,
  ) {
    this.ref = d.ref;
    this.sha = d.sha;
    this.at = d.at;
    this.inClone = walk.inClone;
    this.baseline = walk.baseline;
    this.firstChange = walk.firstChange;
    this.changeCount = walk.changeCount;
    this.uncertain = walk.uncertain;
  }

  get changes(): ShippedChange[] {
    const { table, graph } = this;
    const out: ShippedChange[] = [];
    const orNull = (v: number) => (Number.isNaN(v) ? null : v);
    for (let row = this.firstChange; row < this.firstChange + this.changeCount; row += 1) {
      const pr = table.pr[row]!;
      out.push({
        sha: graph.shaOf(table.commit[row]!),
        pr: pr < 0 ? null : pr,
        start: table.start[row]!,
        leadTime: table.leadTime[row]!,
        coding: orNull(table.coding[row]!),
        pickup: orNull(table.pickup[row]!),
        review: orNull(table.review[row]!),
        deployWait: table.deployWait[row]!,
      });
    }
    return out;
  }
}
