// A repository's commit graph as git history stored it: every commit with its
// parents, author, times and subject, keyed by sha. Merged branches (cycle time
// from git alone) and DORA's lead time walk the same graph.
import { packedRows, type Queryable } from '../store/db.js';

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
  // packed into one JSON string by SQLite: far cheaper than an object per row for 100,000s of commits
  const rows = await packedRows<[string, string, string, number, number, number, string]>(
    q,
    'SELECT sha, parents, author_email, author_time, commit_time, is_merge, subject FROM git_commits WHERE repo_id = ?',
    ['sha', 'parents', 'author_email', 'author_time', 'commit_time', 'is_merge', 'subject'],
    [repoId],
  );
  const graph = new Map<string, GraphCommit>();
  for (const [sha, parents, author, authorTime, commitTime, merge, subject] of rows) {
    graph.set(sha, {
      parents: parents ? parents.split(' ') : [],
      author,
      authorTime,
      commitTime,
      merge: merge === 1,
      subject,
    });
  }
  return graph;
}
