// Raw GraphQL pull request nodes → normalised rows. The collector calls the
// same rules on the pages it fetches as `rebuild` does on the pages stored in
// github_raw, so re-normalising needs no refetch and gives the same rows:
//   - a page's nodes count from the `since` it was fetched with (kept in params);
//   - a node replaces the stored row of its pull request only when strictly
//     newer (updatedAt), so a later page repeating a version changes nothing;
//   - follow-up pages belong to the current version of their pull request.
// Bots are not decided here: a row records GitHub's own actor type, and the
// configured bot list applies at analysis time.
import type { Queryable } from '../../agent/store/db.js';
import {
  type PrEventRow,
  type PullRequestWrite,
  type ReviewRequestRow,
  readRaw,
  storedPullRequestVersions,
  writePullRequests,
} from '../../agent/store/github.js';

/** An author or reviewer as GraphQL returns it (`__typename` tells bots apart). */
export interface GqlActor {
  __typename: string;
  login?: string;
  slug?: string;
}

/** One page of a nested GraphQL connection. */
export interface GqlPage<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

export interface GqlCommitNode {
  commit: { oid: string; authoredDate: string; committedDate: string };
}
export interface GqlReviewNode {
  fullDatabaseId: string | null;
  author: GqlActor | null;
  state: string;
  submittedAt: string | null;
}
export interface GqlReviewRequestNode {
  requestedReviewer: GqlActor | null;
}
export interface GqlFileNode {
  path: string;
  additions: number;
  deletions: number;
}
export interface GqlTimelineNode {
  __typename: string;
  createdAt?: string;
  actor?: GqlActor | null;
  requestedReviewer?: GqlActor | null;
  beforeCommit?: { oid: string } | null;
  afterCommit?: { oid: string } | null;
}

/** The nested connections of a pull request that may need follow-up pages. */
export interface PrConnections {
  commits: GqlPage<GqlCommitNode>;
  reviews: GqlPage<GqlReviewNode>;
  reviewRequests: GqlPage<GqlReviewRequestNode>;
  files: GqlPage<GqlFileNode>;
  timelineItems: GqlPage<GqlTimelineNode>;
}
export type ConnectionName = keyof PrConnections;
export const CONNECTIONS: ConnectionName[] = [
  'commits',
  'reviews',
  'reviewRequests',
  'files',
  'timelineItems',
];

/** A pull request node as the page query asks for it. */
export interface GqlPullRequest extends PrConnections {
  number: number;
  title: string;
  state: string;
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  author: GqlActor | null;
  baseRefName: string;
  headRefName: string;
  headRefOid: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  comments: { totalCount: number };
}

/** A pull request as collected: its page node plus follow-up pages, each with its raw row id. */
export interface CollectedPullRequest {
  node: GqlPullRequest;
  rawId: number;
  more: { [K in ConnectionName]?: { rawId: number; nodes: PrConnections[K]['nodes'] }[] };
}

/** GitHub's own fact: the actor is a Bot account (logins and the configured list are judged at analysis). */
export function githubBot(actor: GqlActor | null): 0 | 1 {
  return actor?.__typename === 'Bot' ? 1 : 0;
}

/** Unix seconds of an ISO time (null stays null). */
export function seconds(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function all<K extends ConnectionName>(pr: CollectedPullRequest, name: K) {
  const out: { rawId: number; node: PrConnections[K]['nodes'][number] }[] = [];
  for (const node of pr.node[name].nodes) out.push({ rawId: pr.rawId, node });
  for (const page of pr.more[name] ?? [])
    for (const node of page.nodes) out.push({ rawId: page.rawId, node });
  return out;
}

function reviewerKey(actor: GqlActor): { key: string; kind: string } | null {
  if (actor.__typename === 'Team') return actor.slug ? { key: `team:${actor.slug}`, kind: 'Team' } : null;
  return actor.login ? { key: actor.login, kind: actor.__typename } : null;
}

/** Normalises one pull request into the named rows of agent/store/github.ts. */
export function extractPullRequest(pr: CollectedPullRequest): PullRequestWrite {
  const n = pr.node;
  const timeline = all(pr, 'timelineItems');
  const readyEvents = timeline
    .filter((t) => t.node.__typename === 'ReadyForReviewEvent' && t.node.createdAt)
    .map((t) => seconds(t.node.createdAt)!);
  const createdAt = seconds(n.createdAt)!;
  // Ready = creation, or the last "ready for review" event of a PR opened as draft; none while a draft.
  const readyAt = n.isDraft ? null : readyEvents.length ? Math.max(...readyEvents) : createdAt;
  const commits = all(pr, 'commits');
  const authored = commits
    .map((c) => seconds(c.node.commit.authoredDate))
    .filter((t): t is number => t !== null);
  const firstCommitAt = authored.length ? Math.min(...authored) : null;

  const reviews = all(pr, 'reviews')
    .filter((r) => r.node.fullDatabaseId)
    .map((r) => ({
      prNumber: n.number,
      id: Number(r.node.fullDatabaseId),
      author: r.node.author?.login ?? null,
      authorIsBot: githubBot(r.node.author),
      state: r.node.state,
      submittedAt: seconds(r.node.submittedAt),
      rawId: r.rawId,
    }));

  const requests = new Map<string, ReviewRequestRow>();
  for (const t of timeline) {
    if (t.node.__typename !== 'ReviewRequestedEvent' || !t.node.requestedReviewer) continue;
    const who = reviewerKey(t.node.requestedReviewer);
    if (!who) continue;
    const at = seconds(t.node.createdAt);
    const existing = requests.get(who.key);
    if (!existing || (at !== null && (existing.requestedAt === null || at < existing.requestedAt))) {
      requests.set(who.key, {
        prNumber: n.number,
        reviewer: who.key,
        reviewerKind: who.kind,
        requestedAt: at,
        pending: 0,
        rawId: t.rawId,
      });
    }
  }
  for (const r of all(pr, 'reviewRequests')) {
    if (!r.node.requestedReviewer) continue;
    const who = reviewerKey(r.node.requestedReviewer);
    if (!who) continue;
    const existing = requests.get(who.key);
    if (existing) existing.pending = 1;
    else
      requests.set(who.key, {
        prNumber: n.number,
        reviewer: who.key,
        reviewerKind: who.kind,
        requestedAt: null,
        pending: 1,
        rawId: r.rawId,
      });
  }

  const events: PrEventRow[] = [];
  const kinds: Record<string, string> = {
    ReadyForReviewEvent: 'ready_for_review',
    ConvertToDraftEvent: 'converted_to_draft',
    HeadRefForcePushedEvent: 'head_ref_force_pushed',
  };
  for (const t of timeline) {
    const kind = kinds[t.node.__typename];
    const at = seconds(t.node.createdAt);
    if (!kind || at === null) continue;
    const detail =
      kind === 'head_ref_force_pushed'
        ? JSON.stringify({ before: t.node.beforeCommit?.oid ?? null, after: t.node.afterCommit?.oid ?? null })
        : null;
    events.push({
      prNumber: n.number,
      kind,
      createdAt: at,
      actor: t.node.actor?.login ?? null,
      detail,
      rawId: t.rawId,
    });
  }

  const files = all(pr, 'files').map((f) => ({
    prNumber: n.number,
    path: f.node.path,
    additions: f.node.additions,
    deletions: f.node.deletions,
    rawId: f.rawId,
  }));

  return {
    pr: {
      number: n.number,
      title: n.title,
      author: n.author?.login ?? null,
      authorIsBot: githubBot(n.author),
      state: n.state,
      draft: n.isDraft ? 1 : 0,
      createdAt,
      readyAt,
      closedAt: seconds(n.closedAt),
      mergedAt: seconds(n.mergedAt),
      baseRef: n.baseRefName,
      headRef: n.headRefName,
      headSha: n.headRefOid,
      additions: n.additions,
      deletions: n.deletions,
      changedFiles: n.changedFiles,
      commitsCount: n.commits.totalCount,
      commentsCount: n.comments.totalCount,
      firstCommitAt,
      updatedAt: seconds(n.updatedAt)!,
      rawId: pr.rawId,
    },
    reviews,
    requests: [...requests.values()],
    commits: commits.map((c, position) => ({
      prNumber: n.number,
      sha: c.node.commit.oid,
      position,
      authoredAt: seconds(c.node.commit.authoredDate),
      committedAt: seconds(c.node.commit.committedDate),
      rawId: c.rawId,
    })),
    files,
    events,
  };
}

/** Raw kinds of the pull request stage: pages, and follow-up pages of long nested lists. */
export const PR_RAW_KINDS = { page: 'graphql:pull_requests', lists: 'graphql:pull_request_lists' } as const;

/** The nodes of a page that count: updated since the `since` the page was fetched with. */
export function pageNodes(nodes: readonly GqlPullRequest[], since: string | null): GqlPullRequest[] {
  return nodes.filter((n) => since === null || n.updatedAt >= since);
}

/**
 * The pull requests of a batch of pages that replace stored rows: per number the first node
 * with the newest updatedAt, kept only when strictly newer than the stored row.
 */
export async function newerPullRequests(
  q: Queryable,
  repoId: number,
  collected: readonly CollectedPullRequest[],
): Promise<CollectedPullRequest[]> {
  const latest = new Map<number, CollectedPullRequest>();
  for (const c of collected) {
    const seen = latest.get(c.node.number);
    if (!seen || seconds(c.node.updatedAt)! > seconds(seen.node.updatedAt)!) latest.set(c.node.number, c);
  }
  const stored = await storedPullRequestVersions(q, repoId, [...latest.keys()]);
  return [...latest.values()].filter((c) => {
    const at = stored.get(c.node.number);
    return at === undefined || seconds(c.node.updatedAt)! > at;
  });
}

/** Attaches a follow-up page answer (`p0: { number, commits: {…} }`, …) to the pull requests it continues. */
export function attachFollowUps(
  answer: Record<string, Record<string, unknown> | null>,
  rawId: number,
  byNumber: ReadonlyMap<number, CollectedPullRequest>,
): void {
  for (const entry of Object.values(answer)) {
    if (!entry) continue;
    const pr = byNumber.get(entry['number'] as number);
    if (!pr) continue;
    for (const name of CONNECTIONS) {
      const page = entry[name] as { nodes: never[] } | undefined;
      if (!page) continue;
      const target = pr.more[name] ?? [];
      target.push({ rawId, nodes: page.nodes });
      (pr.more as Record<string, unknown>)[name] = target;
    }
  }
}

/**
 * Re-extracts the pull requests of one repository from its stored pages, in the order they
 * were stored, with the collector's rules; the normalised rows must have been cleared first.
 */
export async function replayPullRequests(q: Queryable, repoId: number): Promise<number> {
  // Pages of one flush are followed by their follow-ups; a flush ends at the next page after follow-ups.
  let pages: { rawId: number; nodes: GqlPullRequest[] }[] = [];
  let winners = new Map<number, CollectedPullRequest>();
  let written = 0;
  const flush = async () => {
    if (winners.size > 0) {
      await writePullRequests(q, repoId, [...winners.values()].map(extractPullRequest));
      written += winners.size;
    }
    pages = [];
    winners = new Map();
  };
  let sawFollowUp = false;
  const decide = async () => {
    const collected = pages.flatMap((p) => p.nodes.map((node) => ({ node, rawId: p.rawId, more: {} })));
    winners = new Map((await newerPullRequests(q, repoId, collected)).map((c) => [c.node.number, c]));
  };
  for await (const raw of readRaw(q, repoId, [PR_RAW_KINDS.page, PR_RAW_KINDS.lists])) {
    const data = JSON.parse(raw.body) as Record<string, unknown>;
    if (raw.kind === PR_RAW_KINDS.page) {
      if (sawFollowUp) {
        await flush();
        sawFollowUp = false;
      }
      const connection = (data as { repository?: { pullRequests?: { nodes: GqlPullRequest[] } } | null })
        .repository?.pullRequests;
      const since = (raw.params['since'] as string | null | undefined) ?? null;
      pages.push({ rawId: raw.id, nodes: pageNodes(connection?.nodes ?? [], since) });
    } else {
      if (!sawFollowUp) await decide();
      sawFollowUp = true;
      attachFollowUps(
        (data as { repository: Record<string, Record<string, unknown> | null> }).repository,
        raw.id,
        winners,
      );
    }
  }
  if (!sawFollowUp) await decide();
  await flush();
  return written;
}
