// SQL for DORA's raw facts: deployments and their statuses, releases,
// incident issues and hotfix labels from GitHub; tags and revert links from
// git. Keyed on natural ids, so re-syncs rewrite instead of duplicating.
import type { Queryable } from './db.js';

type Cell = string | number | null;

async function bulk(q: Queryable, sql: string, head: Cell[], rows: Cell[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await q.run(sql, [...head, JSON.stringify(rows.slice(i, i + 5000))]);
  }
}

const cols = (n: number) => Array.from({ length: n }, (_, i) => `value ->> ${i}`).join(', ');

/** A tag of the local clone, peeled to its commit. */
export interface TagRow {
  name: string;
  sha: string;
  taggedAt: number;
}

/** Replaces the stored tags of a repository with the clone's current ones. */
export async function replaceTags(q: Queryable, repoId: number, tags: readonly TagRow[]): Promise<void> {
  await q.run('DELETE FROM git_tags WHERE repo_id = ?', [repoId]);
  await bulk(
    q,
    `INSERT OR REPLACE INTO git_tags (repo_id, name, sha, tagged_at) SELECT ?, ${cols(3)} FROM json_each(?)`,
    [repoId],
    tags.map((t) => [t.name, t.sha, t.taggedAt]),
  );
}

/** Replaces the stored revert links of a repository. */
export async function replaceReverts(
  q: Queryable,
  repoId: number,
  reverts: readonly { sha: string; reverted: string }[],
): Promise<void> {
  await q.run('DELETE FROM git_reverts WHERE repo_id = ?', [repoId]);
  await bulk(
    q,
    `INSERT OR IGNORE INTO git_reverts (repo_id, sha, reverted_sha) SELECT ?, ${cols(2)} FROM json_each(?)`,
    [repoId],
    reverts.map((r) => [r.sha, r.reverted]),
  );
}

/** A deployment with its statuses, as deployments-extractor normalises it. */
export interface DeploymentRow {
  id: number;
  environment: string | null;
  sha: string;
  ref: string | null;
  createdAt: number;
  updatedAt: number;
  statuses: { state: string; createdAt: number }[];
  rawId: number;
}

/** Writes deployments, replacing the statuses of each one written. */
export async function writeDeployments(q: Queryable, repoId: number, rows: readonly DeploymentRow[]) {
  if (rows.length === 0) return;
  await q.run(
    'DELETE FROM github_deployment_statuses WHERE repo_id = ? AND deployment_id IN (SELECT value FROM json_each(?))',
    [repoId, JSON.stringify(rows.map((r) => r.id))],
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_deployments (repo_id, id, environment, sha, ref, created_at, updated_at, raw_id)
     SELECT ?, ${cols(7)} FROM json_each(?)`,
    [repoId],
    rows.map((r) => [r.id, r.environment, r.sha, r.ref, r.createdAt, r.updatedAt, r.rawId]),
  );
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_deployment_statuses (repo_id, deployment_id, position, state, created_at, raw_id)
     SELECT ?, ${cols(5)} FROM json_each(?)`,
    [repoId],
    rows.flatMap((r) => r.statuses.map((s, i) => [r.id, i, s.state, s.createdAt, r.rawId])),
  );
}

/** A release as GitHub lists it. */
export interface ReleaseRow {
  id: number;
  tagName: string;
  sha: string | null;
  prerelease: boolean;
  draft: boolean;
  createdAt: number;
  publishedAt: number | null;
  rawId: number;
}

export async function writeReleases(q: Queryable, repoId: number, rows: readonly ReleaseRow[]) {
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_releases (repo_id, id, tag_name, sha, prerelease, draft, created_at, published_at,
       raw_id)
     SELECT ?, ${cols(8)} FROM json_each(?)`,
    [repoId],
    rows.map((r) => [
      r.id,
      r.tagName,
      r.sha,
      r.prerelease ? 1 : 0,
      r.draft ? 1 : 0,
      r.createdAt,
      r.publishedAt,
      r.rawId,
    ]),
  );
}

/** An issue carrying the incident label. */
export interface IssueRow {
  number: number;
  title: string;
  labels: string[];
  createdAt: number;
  closedAt: number | null;
  updatedAt: number;
  rawId: number;
}

export async function writeIssues(q: Queryable, repoId: number, rows: readonly IssueRow[]) {
  await bulk(
    q,
    `INSERT OR REPLACE INTO github_issues (repo_id, number, title, labels, created_at, closed_at, updated_at, raw_id)
     SELECT ?, ${cols(7)} FROM json_each(?)`,
    [repoId],
    rows.map((r) => [
      r.number,
      r.title,
      JSON.stringify(r.labels),
      r.createdAt,
      r.closedAt,
      r.updatedAt,
      r.rawId,
    ]),
  );
}

/** Replaces the labels of the pull requests given. */
export async function writePrLabels(
  q: Queryable,
  repoId: number,
  rows: readonly { number: number; labels: string[]; rawId: number }[],
) {
  if (rows.length === 0) return;
  await q.run(
    'DELETE FROM github_pr_labels WHERE repo_id = ? AND pr_number IN (SELECT value FROM json_each(?))',
    [repoId, JSON.stringify(rows.map((r) => r.number))],
  );
  await bulk(
    q,
    `INSERT OR IGNORE INTO github_pr_labels (repo_id, pr_number, label, raw_id) SELECT ?, ${cols(3)} FROM json_each(?)`,
    [repoId],
    rows.flatMap((r) => r.labels.map((l) => [r.number, l, r.rawId])),
  );
}
