// DORA's GitHub facts in GraphQL pages: deployments with their statuses,
// releases, issues with the incident label and pull requests with a hotfix
// label. Every request asks for all lists that still have pages, so an
// unchanged repository costs one request.
//
// Deployments can only be listed oldest first (cursor pages of 100), so a full
// sync reads both ends at once, `first: 100` forward from the oldest and
// `last: 100` backward from the newest, until the two meet: 200 deployments
// per request. Incremental syncs read backward from the newest until they
// pass the newest deployment of the last sync, less three days (a recent
// deployment may still gain a status). Each page is stored in one transaction;
// the cursor moves when the pass completes.
import type { DoraSettings } from '../../agent/config.js';
import type { Db } from '../../agent/store/db.js';
import { writeDeployments, writeIssues, writePrLabels, writeReleases } from '../../agent/store/dora.js';
import { insertRaw } from '../../agent/store/github.js';
import { getState, setState } from '../../agent/store/repositories.js';
import { type GithubClient, GithubGraphqlError } from './client.js';
import { extractDeployment, type GqlDeployment } from './deployments-extractor.js';
import { extractIssue, extractPrLabels, type GqlIssue, type GqlLabelledPr } from './issues-extractor.js';
import { extractRelease, type GqlRelease } from './releases-extractor.js';

const STEP = 'dora';
const PAGE = 100;
const FIRST_INCREMENTAL = 20;
/** A deployment this recent may still change status: re-read on the next sync. */
const OVERLAP_SECONDS = 3 * 86_400;

/** What one sync did, for the summary and the request budget. */
export interface DoraCollectResult {
  deployments: number;
  releases: number;
  incidents: number;
  hotfixPullRequests: number;
  requests: number;
  /** GraphQL points the queries cost, as GitHub answered them. */
  points: number;
  mode: 'full' | 'incremental';
}

export interface DoraCollectOptions {
  db: Db;
  client: GithubClient;
  repoId: number;
  owner: string;
  name: string;
  runId: number;
  since: Date | null;
  settings: Pick<DoraSettings, 'incidentLabel' | 'hotfixLabels'>;
  signal?: AbortSignal | undefined;
  onProgress?: ((text: string) => void) | undefined;
}

type ListName = 'deployments' | 'releases' | 'issues' | 'hotfixes';

interface Cursor {
  /** Newest createdAt (deployments, releases) or updatedAt (issues, pull requests) covered, ISO. */
  tops: Record<ListName, string | null>;
  since: string | null;
}

interface Page<N> {
  totalCount?: number;
  pageInfo: {
    hasNextPage: boolean;
    endCursor: string | null;
    hasPreviousPage?: boolean;
    startCursor?: string | null;
  };
  nodes: N[];
}

interface Answer {
  rateLimit?: { cost: number; remaining: number; resetAt: string } | null;
  repository: {
    newest?: Page<GqlDeployment>;
    oldest?: Page<GqlDeployment>;
    releases?: Page<GqlRelease>;
    issues?: Page<GqlIssue>;
    hotfixes?: Page<GqlLabelledPr>;
  } | null;
}

const DEPLOYMENT_FIELDS = `totalCount pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
      nodes { databaseId environment commitOid createdAt updatedAt ref { name } statuses(first: 20) { nodes { state createdAt } } }`;

/** Builds the query for the lists still open (exported so tests can run it against GitHub's schema). */
export function doraQuery(parts: {
  newest?: { last: number; before: string | null };
  oldest?: { first: number; after: string | null };
  releases?: { first: number; after: string | null };
  issues?: { first: number; after: string | null; label: string };
  hotfixes?: { first: number; after: string | null; labels: string[] };
}): string {
  const arg = (name: string, value: string | null) =>
    value === null ? '' : `, ${name}: ${JSON.stringify(value)}`;
  const fields: string[] = [];
  if (parts.newest) {
    fields.push(
      `newest: deployments(last: ${parts.newest.last}${arg('before', parts.newest.before)}) { ${DEPLOYMENT_FIELDS} }`,
    );
  }
  if (parts.oldest) {
    fields.push(
      `oldest: deployments(first: ${parts.oldest.first}${arg('after', parts.oldest.after)}) { ${DEPLOYMENT_FIELDS} }`,
    );
  }
  if (parts.releases) {
    fields.push(`releases(first: ${parts.releases.first}${arg('after', parts.releases.after)}, orderBy: { field: CREATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { databaseId tagName isPrerelease isDraft createdAt publishedAt tagCommit { oid } } }`);
  }
  if (parts.issues) {
    fields.push(`issues(first: ${parts.issues.first}${arg('after', parts.issues.after)}, labels: [${JSON.stringify(parts.issues.label)}], orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { number title createdAt closedAt updatedAt labels(first: 20) { nodes { name } } } }`);
  }
  if (parts.hotfixes) {
    fields.push(`hotfixes: pullRequests(first: ${parts.hotfixes.first}${arg('after', parts.hotfixes.after)}, labels: ${JSON.stringify(parts.hotfixes.labels)}, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { number updatedAt labels(first: 20) { nodes { name } } } }`);
  }
  return `query Dora($owner: String!, $name: String!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    ${fields.join('\n    ')}
  }
}`;
}

/** Collects the DORA lists of one repository changed since the cursor (or `since`). */
export async function collectDora(options: DoraCollectOptions): Promise<DoraCollectResult> {
  const { db, client } = options;
  const scope = `${options.owner}/${options.name}`.toLowerCase();
  const labels = options.settings.hotfixLabels;
  const configHash = JSON.stringify([
    options.settings.incidentLabel.toLowerCase(),
    [...labels].map((l) => l.toLowerCase()).sort(),
  ]);
  const saved = await getState(db, 'github', scope, STEP);
  const since = options.since ? options.since.toISOString() : null;
  const previous = saved?.cursor ? (JSON.parse(saved.cursor) as Cursor) : null;
  const incremental =
    previous !== null &&
    saved?.configHash === configHash &&
    (previous.since === null || (since !== null && since >= previous.since));
  const tops: Cursor['tops'] = incremental
    ? { ...previous.tops }
    : { deployments: null, releases: null, issues: null, hotfixes: null };
  const floorOf = (name: ListName, overlap: number): number | null => {
    const top = incremental ? previous.tops[name] : null;
    const fromTop = top === null ? null : Date.parse(top) / 1000 - overlap;
    const fromSince = since === null ? null : Date.parse(since) / 1000 - overlap;
    if (fromTop === null) return fromSince;
    return fromSince === null ? fromTop : Math.max(fromTop, fromSince);
  };
  const floors = {
    deployments: floorOf('deployments', OVERLAP_SECONDS),
    releases: floorOf('releases', OVERLAP_SECONDS),
    issues: floorOf('issues', 0),
    hotfixes: floorOf('hotfixes', 0),
  };
  const result: DoraCollectResult = {
    deployments: 0,
    releases: 0,
    incidents: 0,
    hotfixPullRequests: 0,
    requests: 0,
    points: 0,
    mode: incremental ? 'incremental' : 'full',
  };
  // Open lists and where each continues; null = done.
  const bothEnds = floors.deployments === null;
  let newest: { before: string | null } | null = { before: null };
  let oldest: { after: string | null } | null = bothEnds ? { after: null } : null;
  let releases: { after: string | null } | null = { after: null };
  let issues: { after: string | null } | null = { after: null };
  let hotfixes: { after: string | null } | null = labels.length ? { after: null } : null;
  const seenDeployments = new Set<number>();
  const size = () => (incremental && result.requests === 0 ? FIRST_INCREMENTAL : PAGE);
  const at = (iso: string) => Date.parse(iso) / 1000;
  const maxIso = (a: string | null, b: string | undefined) =>
    b === undefined ? a : a === null || b > a ? b : a;

  while (newest || oldest || releases || issues || hotfixes) {
    if (options.signal?.aborted) throw options.signal.reason;
    const first = size();
    const query = doraQuery({
      ...(newest ? { newest: { last: first, before: newest.before } } : {}),
      ...(oldest ? { oldest: { first, after: oldest.after } } : {}),
      ...(releases ? { releases: { first, after: releases.after } } : {}),
      ...(issues ? { issues: { first, after: issues.after, label: options.settings.incidentLabel } } : {}),
      ...(hotfixes ? { hotfixes: { first, after: hotfixes.after, labels } } : {}),
    });
    const response = await client.graphql<Answer>(query, { owner: options.owner, name: options.name });
    result.requests += 1;
    result.points += response.data.rateLimit?.cost ?? 1;
    const repo = response.data.repository;
    if (!repo) throw new GithubGraphqlError(['NOT_FOUND'], `no repository ${scope} in the answer`);

    const deploymentNodes: GqlDeployment[] = [];
    if (newest && repo.newest) {
      // `last` pages come oldest first: read them newest first to stop at the floor.
      const nodes = [...repo.newest.nodes].reverse();
      let stop = !repo.newest.pageInfo.hasPreviousPage;
      for (const n of nodes) {
        if (n.databaseId !== null && seenDeployments.has(n.databaseId)) {
          stop = true;
          break;
        }
        if (floors.deployments !== null && at(n.createdAt) < floors.deployments) {
          stop = true;
          break;
        }
        deploymentNodes.push(n);
        if (n.databaseId !== null) seenDeployments.add(n.databaseId);
      }
      tops.deployments = maxIso(tops.deployments, nodes[0]?.createdAt);
      newest = stop ? null : { before: repo.newest.pageInfo.startCursor ?? null };
      if (stop) oldest = null;
    }
    if (oldest && repo.oldest) {
      let stop = !repo.oldest.pageInfo.hasNextPage;
      for (const n of repo.oldest.nodes) {
        if (n.databaseId !== null && seenDeployments.has(n.databaseId)) {
          stop = true;
          break;
        }
        deploymentNodes.push(n);
        if (n.databaseId !== null) seenDeployments.add(n.databaseId);
      }
      oldest = stop ? null : { after: repo.oldest.pageInfo.endCursor };
      if (stop) newest = null;
    }
    // Both ends read everything: the two passes have met.
    if (
      bothEnds &&
      seenDeployments.size >= (repo.newest?.totalCount ?? repo.oldest?.totalCount ?? Infinity)
    ) {
      newest = null;
      oldest = null;
    }
    const fresh = <N>(
      page: Page<N> | undefined,
      floor: number | null,
      time: (n: N) => string,
    ): { nodes: N[]; next: { after: string | null } | null } => {
      if (!page) return { nodes: [], next: null };
      const nodes = page.nodes.filter((n) => floor === null || at(time(n)) >= floor);
      const done = nodes.length < page.nodes.length || !page.pageInfo.hasNextPage;
      return { nodes, next: done ? null : { after: page.pageInfo.endCursor } };
    };
    type Next = { after: string | null } | null;
    const none = { nodes: [], next: null };
    const r: { nodes: GqlRelease[]; next: Next } = releases
      ? fresh(repo.releases, floors.releases, (n) => n.createdAt)
      : none;
    const i: { nodes: GqlIssue[]; next: Next } = issues
      ? fresh(repo.issues, floors.issues, (n) => n.updatedAt)
      : none;
    const h: { nodes: GqlLabelledPr[]; next: Next } = hotfixes
      ? fresh(repo.hotfixes, floors.hotfixes, (n) => n.updatedAt)
      : none;
    if (releases) tops.releases = maxIso(tops.releases, repo.releases?.nodes[0]?.createdAt);
    if (issues) tops.issues = maxIso(tops.issues, repo.issues?.nodes[0]?.updatedAt);
    if (hotfixes) tops.hotfixes = maxIso(tops.hotfixes, repo.hotfixes?.nodes[0]?.updatedAt);
    releases = releases ? r.next : null;
    issues = issues ? i.next : null;
    hotfixes = hotfixes ? h.next : null;

    await db.transaction(async (tx) => {
      const rawId = await insertRaw(tx, {
        runId: options.runId,
        repoId: options.repoId,
        kind: 'graphql:dora',
        method: 'POST',
        url: response.url,
        status: 200,
        etag: null,
        body: JSON.stringify(response.data),
      });
      const deployments = deploymentNodes.map((n) => extractDeployment(n, rawId)).filter((d) => d !== null);
      const releaseRows = r.nodes.map((n) => extractRelease(n, rawId)).filter((d) => d !== null);
      await writeDeployments(tx, options.repoId, deployments);
      await writeReleases(tx, options.repoId, releaseRows);
      await writeIssues(
        tx,
        options.repoId,
        i.nodes.map((n) => extractIssue(n, rawId)),
      );
      await writePrLabels(
        tx,
        options.repoId,
        h.nodes.map((n) => extractPrLabels(n, rawId)),
      );
      result.deployments += deployments.length;
      result.releases += releaseRows.length;
      result.incidents += i.nodes.length;
      result.hotfixPullRequests += h.nodes.length;
      if (!newest && !oldest && !releases && !issues && !hotfixes) {
        await setState(tx, 'github', scope, STEP, {
          cursor: JSON.stringify({ tops, since: incremental ? previous.since : since }),
          configHash,
        });
      }
    });
    options.onProgress?.(`${scope}: ${result.deployments} deployments`);
  }
  return result;
}
