// A repository's commit graph as git history stored it: every commit with its
// parents, author, times and subject, keyed by sha. Merged branches (cycle time
// from git alone) and DORA's lead time walk the same graph.
import type { Queryable } from '../store/db.js';

export interface GraphCommit {
  parents: string[];
  /** Author email after the mailmap. */
  author: string;
  authorTime: number;
  commitTime: number;
  merge: boolean;
  subject: string;
}

/** Reads every stored commit of the repository into a sha → commit map. */
export async function loadCommitGraph(q: Queryable, repoId: number): Promise<Map<string, GraphCommit>> {
  const rows = await q.all<{
    sha: string;
    parents: string;
    e: string;
    a: number;
    c: number;
    m: number;
    s: string;
  }>(
    `SELECT sha, parents, author_email AS e, author_time AS a, commit_time AS c, is_merge AS m, subject AS s
     FROM git_commits WHERE repo_id = ?`,
    [repoId],
  );
  const graph = new Map<string, GraphCommit>();
  for (const r of rows) {
    graph.set(r.sha, {
      parents: r.parents ? r.parents.split(' ') : [],
      author: r.e,
      authorTime: r.a,
      commitTime: r.c,
      merge: r.m === 1,
      subject: r.s,
    });
  }
  return graph;
}
