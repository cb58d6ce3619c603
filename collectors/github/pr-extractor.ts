// Raw GraphQL pull request nodes → normalised rows. Pure: no I/O, so
// re-normalising stored raw responses needs no refetch, and the rules
// (ready time, first commit, bots) are tested on their own.

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

/** Normalised rows of one pull request, ready for agent/store/github.ts. */
export interface PullRequestRows {
  pr: (string | number | null)[];
  reviews: (string | number | null)[][];
  requests: (string | number | null)[][];
  commits: (string | number | null)[][];
  files: (string | number | null)[][];
  events: (string | number | null)[][];
  updatedAt: string;
}

/** Decides whether an actor is a bot: GitHub Bot actors, `[bot]` logins, and the configured list. */
export function botTest(configured: readonly string[]): (actor: GqlActor | null) => boolean {
  const listed = new Set(configured.map((b) => b.toLowerCase()));
  return (actor) => {
    if (!actor) return false;
    const login = (actor.login ?? '').toLowerCase();
    return actor.__typename === 'Bot' || login.endsWith('[bot]') || listed.has(login);
  };
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

/** Normalises one pull request (rows in the column order of agent/store/github.ts). */
export function extractPullRequest(
  pr: CollectedPullRequest,
  isBot: (actor: GqlActor | null) => boolean,
): PullRequestRows {
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
    .map((r) => [
      Number(r.node.fullDatabaseId),
      r.node.author?.login ?? null,
      isBot(r.node.author) ? 1 : 0,
      r.node.state,
      seconds(r.node.submittedAt),
      r.rawId,
    ]);

  const requests = new Map<string, (string | number | null)[]>();
  for (const t of timeline) {
    if (t.node.__typename !== 'ReviewRequestedEvent' || !t.node.requestedReviewer) continue;
    const who = reviewerKey(t.node.requestedReviewer);
    if (!who) continue;
    const at = seconds(t.node.createdAt);
    const existing = requests.get(who.key);
    if (!existing || (at !== null && (existing[2] === null || at < (existing[2] as number)))) {
      requests.set(who.key, [who.key, who.kind, at, 0, t.rawId]);
    }
  }
  for (const r of all(pr, 'reviewRequests')) {
    if (!r.node.requestedReviewer) continue;
    const who = reviewerKey(r.node.requestedReviewer);
    if (!who) continue;
    const existing = requests.get(who.key);
    if (existing) existing[3] = 1;
    else requests.set(who.key, [who.key, who.kind, null, 1, r.rawId]);
  }

  const events: (string | number | null)[][] = [];
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
    events.push([kind, at, t.node.actor?.login ?? null, detail, t.rawId]);
  }

  const files = all(pr, 'files').map((f) => [f.node.path, f.node.additions, f.node.deletions, f.rawId]);

  return {
    pr: [
      n.number,
      n.title,
      n.author?.login ?? null,
      isBot(n.author) ? 1 : 0,
      n.state,
      n.isDraft ? 1 : 0,
      createdAt,
      readyAt,
      seconds(n.closedAt),
      seconds(n.mergedAt),
      n.baseRefName,
      n.headRefName,
      n.headRefOid,
      n.additions,
      n.deletions,
      n.changedFiles,
      n.commits.totalCount,
      n.comments.totalCount,
      firstCommitAt,
      seconds(n.updatedAt)!,
      pr.rawId,
    ],
    reviews,
    requests: [...requests.values()],
    commits: commits.map((c, position) => [
      c.node.commit.oid,
      position,
      seconds(c.node.commit.authoredDate),
      seconds(c.node.commit.committedDate),
      c.rawId,
    ]),
    files,
    events,
    updatedAt: n.updatedAt,
  };
}
