// Deliveries from git alone, for repositories without pull-request data: every
// merge commit on the main line delivers the commits of the branch it merged,
// and its cycle time runs from the first of those commits to the merge.

import type { Queryable } from '../store/db.js';
import { getOrInit } from '../util/maps.js';
import { type GraphCommit, loadCommitGraph } from './commit-graph.js';
import type { Window } from './git-files.js';

export interface GitDelivery {
  repoId: number;
  repo: string;
  mergeSha: string;
  /** Author email (after .mailmap) who wrote most of the merged commits. */
  author: string;
  firstCommitAt: number;
  mergedAt: number;
  /** Seconds from the first authored commit of the branch to the merge. */
  cycle: number;
  commits: number;
  /** Lines added + deleted by the merged commits. */
  size: number;
  files: string[];
}

/** Merged branches per repository, merges in the window only. */
export async function gitDeliveries(
  q: Queryable,
  w: Window,
  repoIds?: readonly number[],
): Promise<GitDelivery[]> {
  const repos = await q.all<{ id: number; name: string; tip: string | null }>(
    `SELECT r.id, r.name, s.cursor AS tip FROM repositories r
     LEFT JOIN collection_state s ON s.source = 'git' AND s.scope = r.path AND s.step = 'log'
     WHERE r.path IS NOT NULL`,
  );
  const out: GitDelivery[] = [];
  for (const repo of repos) {
    if (repoIds && !repoIds.includes(repo.id)) continue;
    const tip = repo.tip ? ((JSON.parse(repo.tip) as { tips?: string[] }).tips?.[0] ?? null) : null;
    if (!tip) continue;
    const merges = await q.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM git_commits WHERE repo_id = ? AND is_merge = 1',
      [repo.id],
    );
    if (!merges?.n) continue;
    const graph = await loadCommitGraph(q, repo.id);
    // the main line: first parents from the tip
    const mainline = new Set<string>();
    for (let sha: string | undefined = tip; sha && graph.has(sha) && !mainline.has(sha); ) {
      mainline.add(sha);
      sha = graph.get(sha)!.parents[0];
    }
    const claimed = new Set<string>();
    const branchCommits = new Map<string, string[]>();
    // oldest merges first, so a commit belongs to the first merge that delivered it
    const mergesOnMain = [...mainline]
      .filter((sha) => graph.get(sha)!.merge)
      .sort((a, b) => graph.get(a)!.commitTime - graph.get(b)!.commitTime);
    for (const sha of mergesOnMain) {
      const node = graph.get(sha)!;
      const found: string[] = [];
      const stack = node.parents.slice(1);
      while (stack.length > 0) {
        const current = stack.pop()!;
        if (mainline.has(current) || claimed.has(current)) continue;
        const c = graph.get(current);
        if (!c) continue; // outside the collected history (shallow clone, --since)
        claimed.add(current);
        if (!c.merge) found.push(current);
        stack.push(...c.parents);
      }
      branchCommits.set(sha, found);
    }
    const files = await branchFiles(q, repo.id, branchCommits, w, graph);
    for (const sha of mergesOnMain) {
      const node = graph.get(sha)!;
      if (node.commitTime > w.until || (w.since !== null && node.commitTime < w.since)) continue;
      const commits = branchCommits.get(sha) ?? [];
      if (commits.length === 0) continue;
      const authors = new Map<string, number>();
      let first = Number.POSITIVE_INFINITY;
      for (const c of commits) {
        const n = graph.get(c)!;
        authors.set(n.author, (authors.get(n.author) ?? 0) + 1);
        first = Math.min(first, n.authorTime);
      }
      const author = [...authors.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
      const change = files.get(sha) ?? { size: 0, files: [] };
      out.push({
        repoId: repo.id,
        repo: repo.name,
        mergeSha: sha,
        author,
        firstCommitAt: first,
        mergedAt: node.commitTime,
        cycle: node.commitTime - first,
        commits: commits.length,
        size: change.size,
        files: change.files,
      });
    }
  }
  return out;
}

async function branchFiles(
  q: Queryable,
  repoId: number,
  branchCommits: Map<string, string[]>,
  w: Window,
  graph: Map<string, GraphCommit>,
): Promise<Map<string, { size: number; files: string[] }>> {
  const owner = new Map<string, string>();
  for (const [merge, commits] of branchCommits) {
    const t = graph.get(merge)!.commitTime;
    if (t > w.until || (w.since !== null && t < w.since)) continue;
    for (const c of commits) owner.set(c, merge);
  }
  const result = new Map<string, { size: number; files: Set<string> }>();
  if (owner.size === 0) return new Map();
  const shas = [...owner.keys()];
  for (let i = 0; i < shas.length; i += 5000) {
    const rows = await q.all<{ sha: string; path: string; added: number; deleted: number }>(
      `SELECT sha, path, added, deleted FROM git_file_changes
       WHERE repo_id = ? AND sha IN (SELECT value FROM json_each(?))`,
      [repoId, JSON.stringify(shas.slice(i, i + 5000))],
    );
    for (const r of rows) {
      const merge = owner.get(r.sha)!;
      const entry = getOrInit(result, merge, () => ({ size: 0, files: new Set() }));
      entry.size += r.added + r.deleted;
      entry.files.add(r.path);
    }
  }
  return new Map([...result].map(([k, v]) => [k, { size: v.size, files: [...v.files].sort() }]));
}
