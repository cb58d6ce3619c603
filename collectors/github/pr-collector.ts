// Pull requests through GraphQL: pages of 100 ordered by updatedAt (newest
// first) with reviews, commits, files, review requests and timeline events
// nested, then batched follow-up queries for the nested lists longer than one
// page. Each page is written in one transaction together with the cursor, so
// an interrupted sync resumes where it stopped.
//
// Incremental: the cursor is the newest updatedAt of the last complete pass;
// paging stops at the first pull request not updated since then, so an
// unchanged repository costs one request.

import { WorkError } from '../../agent/errors.js';
import { progressLine } from '../../agent/progress.js';
import type { Db, Queryable } from '../../agent/store/db.js';
import { insertRaw, writePullRequests } from '../../agent/store/github.js';
import { getState, setState } from '../../agent/store/repositories.js';
import { type GithubClient, GithubGraphqlError } from './client.js';
import {
  attachFollowUps,
  CONNECTIONS,
  type CollectedPullRequest,
  type ConnectionName,
  extractPullRequest,
  type GqlPullRequest,
  newerPullRequests,
  PR_RAW_KINDS,
  pageNodes,
} from './pr-extractor.js';

/**
 * Nested page sizes. GitHub's cost counts connections, not their sizes (100 PRs × 5
 * lists ≈ 5 points), and the node estimate is 100 × (100+50+20+100+50) ≈ 32,000,
 * far below the 500,000 limit; so lists are large and follow-ups rare.
 */
export const PAGE_SIZES: Record<ConnectionName, number> = {
  commits: 100,
  reviews: 50,
  reviewRequests: 20,
  files: 100,
  timelineItems: 50,
};
const PR_PAGE = 100;
/** First page of an incremental pass: small, since it usually holds everything new. */
const PR_FIRST_INCREMENTAL = 20;
/** Pull requests per follow-up query (aliases), each asking 100 more items per list. */
const FOLLOW_UP_BATCH = 10;
/** Pages held before writing, at most (an interruption refetches no more than this). */
const MAX_BUFFERED_PAGES = 5;

const FRAGMENTS: Record<ConnectionName, string> = {
  commits: `fragment Commits on PullRequestCommitConnection { totalCount pageInfo { hasNextPage endCursor }
  nodes { commit { oid authoredDate committedDate } } }`,
  reviews: `fragment Reviews on PullRequestReviewConnection { totalCount pageInfo { hasNextPage endCursor }
  nodes { fullDatabaseId author { __typename login } state submittedAt } }`,
  reviewRequests: `fragment ReviewRequests on ReviewRequestConnection { totalCount pageInfo { hasNextPage endCursor }
  nodes { requestedReviewer { __typename ...Reviewer } } }`,
  files: `fragment Files on PullRequestChangedFileConnection { totalCount pageInfo { hasNextPage endCursor }
  nodes { path additions deletions } }`,
  timelineItems: `fragment Timeline on PullRequestTimelineItemsConnection { totalCount pageInfo { hasNextPage endCursor }
  nodes { __typename
    ... on ReadyForReviewEvent { createdAt actor { __typename login } }
    ... on ConvertToDraftEvent { createdAt actor { __typename login } }
    ... on HeadRefForcePushedEvent { createdAt actor { __typename login } beforeCommit { oid } afterCommit { oid } }
    ... on ReviewRequestedEvent { createdAt actor { __typename login } requestedReviewer { __typename ...Reviewer } } } }`,
};
const REVIEWER_FRAGMENT = `fragment Reviewer on RequestedReviewer {
  ... on User { login } ... on Bot { login } ... on Mannequin { login } ... on Team { slug } }`;
const FRAGMENT_NAMES: Record<ConnectionName, string> = {
  commits: 'Commits',
  reviews: 'Reviews',
  reviewRequests: 'ReviewRequests',
  files: 'Files',
  timelineItems: 'Timeline',
};
const TIMELINE_TYPES =
  'itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, HEAD_REF_FORCE_PUSHED_EVENT, REVIEW_REQUESTED_EVENT]';

function connectionField(name: ConnectionName, first: number, after: string | null): string {
  const args = [`first: ${first}`];
  if (after) args.push(`after: ${JSON.stringify(after)}`);
  if (name === 'timelineItems') args.push(TIMELINE_TYPES);
  return `${name}(${args.join(', ')}) { ...${FRAGMENT_NAMES[name]} }`;
}

function fragmentsFor(names: Iterable<ConnectionName>): string {
  const set = new Set(names);
  const parts = [...set].map((n) => FRAGMENTS[n]);
  if (set.has('reviewRequests') || set.has('timelineItems')) parts.push(REVIEWER_FRAGMENT);
  return parts.join('\n');
}

/** The page query (exported so tests can check it against GitHub's schema limits). */
export const PULL_REQUESTS_QUERY = `query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number title state isDraft createdAt updatedAt closedAt mergedAt
        author { __typename login }
        baseRefName headRefName headRefOid additions deletions changedFiles
        comments { totalCount }
        ${CONNECTIONS.map((c) => connectionField(c, PAGE_SIZES[c], null)).join('\n        ')}
      }
    }
  }
}
${fragmentsFor(CONNECTIONS)}`;

interface PageData {
  rateLimit?: { cost: number } | null;
  repository: {
    pullRequests: {
      totalCount?: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: GqlPullRequest[];
    };
  } | null;
}

/** Cursor of the pull request step, saved with the data it covers. */
interface PrCursor {
  /** Newest updatedAt covered by the last complete pass (ISO). */
  top: string | null;
  /** Oldest updatedAt the collection reaches back to (ISO, null = everything). */
  since: string | null;
  /** A pass in progress: where to continue, and what it will cover when done. */
  pass: { after: string | null; floor: string | null; top: string | null; since: string | null } | null;
}

/** What one pull request sync did, for the summary line and the request budget. */
export interface PrCollectResult {
  pullRequests: number;
  pages: number;
  followUps: number;
  /** GraphQL points GitHub charged for the pages and follow-ups. */
  points: number;
  mode: 'full' | 'incremental' | 'resumed';
}

/** Where to collect from and into. */
export interface PrCollectOptions {
  db: Db;
  client: GithubClient;
  /** The repository row, created in the first write transaction (so an unknown repository leaves no row). */
  repo: (tx: Queryable) => Promise<number>;
  owner: string;
  name: string;
  runId: number;
  since: Date | null;
  signal?: AbortSignal | undefined;
  onProgress?: ((text: string) => void) | undefined;
}

const STEP = 'pull_requests';
/**
 * What the stored rows depend on besides the data. The bot list is not part of it (bots are
 * decided at analysis), so editing the list costs no resync; empty as in earlier versions.
 */
const CONFIG_HASH = '';

/** Collects the pull requests of one repository updated since the cursor (or `since`). */
export async function collectPullRequests(options: PrCollectOptions): Promise<PrCollectResult> {
  const { db, client } = options;
  const scope = `${options.owner}/${options.name}`.toLowerCase();
  const configHash = CONFIG_HASH;
  const saved = await getState(db, 'github', scope, STEP);
  let cursor: PrCursor = saved?.cursor
    ? (JSON.parse(saved.cursor) as PrCursor)
    : { top: null, since: null, pass: null };
  const since = options.since ? options.since.toISOString() : null;
  const sameConfig = saved?.configHash === configHash;
  const covered =
    cursor.top !== null && sameConfig && (cursor.since === null || (since !== null && since >= cursor.since));
  let mode: PrCollectResult['mode'];
  let pass: NonNullable<PrCursor['pass']>;
  if (
    cursor.pass &&
    sameConfig &&
    (cursor.pass.since === null || (since !== null && since >= cursor.pass.since))
  ) {
    pass = cursor.pass;
    mode = 'resumed';
  } else if (covered) {
    pass = { after: null, floor: cursor.top, top: null, since: cursor.since };
    mode = 'incremental';
  } else {
    cursor = { top: null, since: null, pass: null };
    pass = { after: null, floor: since, top: null, since };
    mode = 'full';
  }

  const result: PrCollectResult = { pullRequests: 0, pages: 0, followUps: 0, points: 0, mode };
  let pageSize = PR_PAGE;
  let first = mode === 'incremental' ? PR_FIRST_INCREMENTAL : PR_PAGE;
  // Pages wait here (a few at most) so that follow-up queries batch pull requests across pages.
  let buffered: { url: string; body: string; since: string | null; prs: CollectedPullRequest[] }[] = [];

  const flush = async (next: PrCursor) => {
    // Only the pull requests newer than their stored row are written, so only they need follow-ups.
    const known = await db.transaction((tx) => options.repo(tx));
    const winners = await newerPullRequests(
      db,
      known,
      buffered.flatMap((b) => b.prs),
    );
    const followUps = await followUpPages(options, winners);
    result.followUps += followUps.length;
    result.points += followUps.reduce((n, f) => n + f.points, 0);
    await db.transaction(async (tx) => {
      const repoId = await options.repo(tx);
      for (const page of buffered) {
        const rawId = await insertRaw(tx, {
          runId: options.runId,
          repoId,
          kind: PR_RAW_KINDS.page,
          method: 'POST',
          url: page.url,
          status: 200,
          etag: null,
          body: page.body,
          params: { since: page.since },
        });
        for (const c of page.prs) c.rawId = rawId;
      }
      const byNumber = new Map(winners.map((c) => [c.node.number, c]));
      for (const f of followUps) {
        const id = await insertRaw(tx, {
          runId: options.runId,
          repoId,
          kind: PR_RAW_KINDS.lists,
          method: 'POST',
          url: client.graphqlUrl,
          status: 200,
          etag: null,
          body: f.body,
        });
        attachFollowUps(f.answer, id, byNumber);
      }
      await writePullRequests(tx, repoId, winners.map(extractPullRequest));
      await saveCursor(tx, scope, next, configHash);
    });
    cursor = next;
    buffered = [];
  };

  const started = Date.now();
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    let response: Awaited<ReturnType<typeof client.graphql<PageData>>>;
    try {
      response = await client.graphql<PageData>(PULL_REQUESTS_QUERY, {
        owner: options.owner,
        name: options.name,
        first,
        after: pass.after,
      });
    } catch (error) {
      // GitHub answers 502 when a query takes too long: ask for smaller pages from here on.
      if (error instanceof WorkError && serverFailure(error) && first > 10) {
        pageSize = Math.max(10, Math.floor(first / 2));
        first = pageSize;
        continue;
      }
      throw error;
    }
    result.pages += 1;
    result.points += response.data.rateLimit?.cost ?? 1;
    first = pageSize;
    const connection = response.data.repository?.pullRequests;
    if (!connection) throw new GithubGraphqlError(['NOT_FOUND'], `no repository ${scope} in the answer`);
    const fresh = connection.nodes.filter((n) => pass.floor === null || n.updatedAt >= pass.floor);
    const done = fresh.length < connection.nodes.length || !connection.pageInfo.hasNextPage;
    if (pass.top === null && connection.nodes[0]) pass.top = connection.nodes[0].updatedAt;
    pass = { ...pass, after: connection.pageInfo.endCursor };
    buffered.push({
      url: response.url,
      body: JSON.stringify(response.data),
      since: pass.since,
      prs: pageNodes(connection.nodes, pass.since).map((node) => ({ node, rawId: 0, more: {} })),
    });
    result.pullRequests += fresh.length;
    // A first full pass knows its total (every pull request); an update does not.
    const total = pass.floor === null ? (connection.totalCount ?? null) : null;
    const progress = () =>
      options.onProgress?.(
        `${scope}: ${progressLine(result.pullRequests, total, { one: 'pull request', many: 'pull requests' }, Date.now() - started)}`,
      );
    const waiting = buffered.reduce((n, b) => n + b.prs.filter(needsFollowUp).length, 0);
    if (done) {
      await flush({ top: maxIso(pass.top, cursor.top), since: pass.since, pass: null });
      progress();
      return result;
    }
    if (waiting >= FOLLOW_UP_BATCH || buffered.length >= MAX_BUFFERED_PAGES) {
      await flush({ ...cursor, pass });
      progress();
    }
  }
}

function serverFailure(error: WorkError): boolean {
  const status = (error.cause as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 500;
}

function needsFollowUp(pr: CollectedPullRequest): boolean {
  return CONNECTIONS.some((name) => pr.node[name].pageInfo.hasNextPage);
}

async function saveCursor(tx: Queryable, scope: string, cursor: PrCursor, configHash: string) {
  await setState(tx, 'github', scope, STEP, { cursor: JSON.stringify(cursor), configHash });
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** Fetches the rest of every nested list that did not fit its first page, batching PRs per query. */
async function followUpPages(
  options: PrCollectOptions,
  prs: CollectedPullRequest[],
): Promise<{ body: string; points: number; answer: Record<string, Record<string, unknown> | null> }[]> {
  type Want = { pr: CollectedPullRequest; name: ConnectionName; after: string };
  let wants: Want[] = [];
  for (const pr of prs) {
    for (const name of CONNECTIONS) {
      const page = pr.node[name].pageInfo;
      if (page.hasNextPage && page.endCursor) wants.push({ pr, name, after: page.endCursor });
    }
  }
  const out: { body: string; points: number; answer: Record<string, Record<string, unknown> | null> }[] = [];
  while (wants.length > 0) {
    const byPr = new Map<CollectedPullRequest, Want[]>();
    for (const w of wants) byPr.set(w.pr, [...(byPr.get(w.pr) ?? []), w]);
    const groups = [...byPr.values()];
    const next: Want[] = [];
    for (let i = 0; i < groups.length; i += FOLLOW_UP_BATCH) {
      if (options.signal?.aborted) throw options.signal.reason;
      const batch = groups.slice(i, i + FOLLOW_UP_BATCH);
      const names = new Set<ConnectionName>();
      const fields = batch.map((group, index) => {
        for (const w of group) names.add(w.name);
        const lists = group.map((w) => connectionField(w.name, 100, w.after)).join(' ');
        return `p${index}: pullRequest(number: ${group[0]!.pr.node.number}) { number ${lists} }`;
      });
      const query = `query PullRequestLists($owner: String!, $name: String!) {
  rateLimit { cost }
  repository(owner: $owner, name: $name) {
    ${fields.join('\n    ')}
  }
}
${fragmentsFor(names)}`;
      const response = await options.client.graphql<{
        rateLimit?: { cost: number } | null;
        repository: Record<string, Record<string, unknown>>;
      }>(query, {
        owner: options.owner,
        name: options.name,
      });
      batch.forEach((group, index) => {
        const answer = response.data.repository[`p${index}`];
        if (!answer) return;
        for (const w of group) {
          const page = answer[w.name] as {
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
          if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
            next.push({ pr: w.pr, name: w.name, after: page.pageInfo.endCursor });
          }
        }
      });
      out.push({
        body: JSON.stringify(response.data),
        points: response.data.rateLimit?.cost ?? 1,
        answer: response.data.repository,
      });
    }
    wants = next;
  }
  return out;
}
