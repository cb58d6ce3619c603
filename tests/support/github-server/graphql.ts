// The GraphQL endpoint of the local GitHub: every query is parsed, validated
// and executed against GitHub's published schema (@octokit/graphql-schema),
// with resolvers over the generated data. GitHub's static limits are enforced
// too: `first`/`last` between 1 and 100, and at most 500,000 nodes per query.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  buildSchema,
  type DocumentNode,
  execute,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  parse,
  type SelectionSetNode,
  type ValueNode,
  validate,
} from 'graphql';
import type { GenActor, GenEvent, GenOrg, GenPullRequest, GenRepository } from '../github-generator.js';
import { checkSuiteNodes, commitCheckSuites, type Paginate } from './checks.js';
import { withDora } from './deployments.js';

let schema: GraphQLSchema | null = null;

/** schema.graphql of @octokit/graphql-schema (its exports name only the entry that parses the JSON). */
function publishedSdl(): string {
  const folders = createRequire(import.meta.url).resolve.paths('@octokit/graphql-schema') ?? [];
  for (const folder of folders) {
    const file = join(folder, '@octokit', 'graphql-schema', 'schema.graphql');
    if (existsSync(file)) return file;
  }
  throw new Error('@octokit/graphql-schema is not installed (npm ci installs it)');
}

/**
 * GitHub's schema, built once per process from the published SDL. The file is
 * read directly: importing @octokit/graphql-schema also parses its 5 MB JSON
 * introspection twice and builds a second schema from it (about 0.6 s per
 * test file), none of which the server uses.
 */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const idl = readFileSync(publishedSdl(), 'utf8');
    // The published SDL repeats two enterprise fields; the rest is valid.
    schema = buildSchema(idl, { assumeValidSDL: true });
  }
  return schema;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`cursor:v2:${offset}`).toString('base64');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const match = /^cursor:v2:(\d+)$/.exec(text);
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

function connection<T, N>(items: readonly T[], args: ConnectionArgs, map: (item: T) => N) {
  const start = args.after ? decodeCursor(args.after) + 1 : 0;
  const size = args.first ?? args.last ?? 100;
  const slice = items.slice(start, start + size);
  const end = start + slice.length - 1;
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encodeCursor(start) : null,
      endCursor: slice.length ? encodeCursor(end) : null,
    },
    nodes: slice.map(map),
    edges: slice.map((item, i) => ({ cursor: encodeCursor(start + i), node: map(item) })),
  };
}

function actor(a: GenActor) {
  return {
    __typename: a.bot ? 'Bot' : 'User',
    login: a.login,
    id: `${a.bot ? 'BOT' : 'U'}_${a.id}`,
    databaseId: a.id,
    url: `https://github.example.test/${a.login}`,
  };
}

const EVENT_TYPES: Record<GenEvent['kind'], { type: string; item: string }> = {
  ready_for_review: { type: 'ReadyForReviewEvent', item: 'READY_FOR_REVIEW_EVENT' },
  converted_to_draft: { type: 'ConvertToDraftEvent', item: 'CONVERT_TO_DRAFT_EVENT' },
  head_ref_force_pushed: { type: 'HeadRefForcePushedEvent', item: 'HEAD_REF_FORCE_PUSHED_EVENT' },
  review_requested: { type: 'ReviewRequestedEvent', item: 'REVIEW_REQUESTED_EVENT' },
};

function pullRequest(repo: GenRepository, pr: GenPullRequest) {
  return {
    __typename: 'PullRequest',
    id: `PR_${repo.id}_${pr.number}`,
    number: pr.number,
    title: pr.title,
    state: pr.state,
    isDraft: pr.isDraft,
    merged: pr.state === 'MERGED',
    closed: pr.state !== 'OPEN',
    createdAt: iso(pr.createdAt),
    updatedAt: iso(pr.updatedAt),
    closedAt: iso(pr.closedAt),
    mergedAt: iso(pr.mergedAt),
    author: actor(pr.author),
    baseRefName: pr.baseRef,
    headRefName: pr.headRef,
    headRefOid: pr.headSha,
    additions: pr.files.reduce((s, f) => s + f.additions, 0),
    deletions: pr.files.reduce((s, f) => s + f.deletions, 0),
    changedFiles: pr.files.length,
    url: `https://github.example.test/${repo.owner}/${repo.name}/pull/${pr.number}`,
    comments: (args: ConnectionArgs) =>
      connection(
        Array.from({ length: pr.comments }, (_, i) => i),
        args,
        (i) => ({ id: `IC_${pr.number}_${i}`, body: 'comment' }),
      ),
    commits: (args: ConnectionArgs) =>
      connection(pr.commits, args, (c) => ({
        id: `PRC_${c.sha}`,
        commit: {
          oid: c.sha,
          authoredDate: iso(c.authoredAt),
          committedDate: iso(c.committedAt),
          pushedDate: null,
          checkSuites: commitCheckSuites(repo, c.sha, connection as Paginate),
        },
      })),
    reviews: (args: ConnectionArgs) =>
      connection(pr.reviews, args, (r) => ({
        id: `PRR_${r.id}`,
        databaseId: r.id,
        fullDatabaseId: String(r.id),
        author: actor(r.author),
        state: r.state,
        submittedAt: iso(r.submittedAt),
        createdAt: iso(r.submittedAt),
      })),
    reviewRequests: (args: ConnectionArgs) =>
      connection(pr.pendingReviewers, args, (p) => ({
        id: `RR_${pr.number}_${p.id}`,
        asCodeOwner: false,
        requestedReviewer: actor(p),
      })),
    files: (args: ConnectionArgs) =>
      connection(pr.files, args, (f) => ({
        path: f.path,
        additions: f.additions,
        deletions: f.deletions,
        changeType: 'MODIFIED',
        viewerViewedState: 'UNVIEWED',
      })),
    timelineItems: (args: ConnectionArgs & { itemTypes?: string[] | null }) => {
      const wanted = args.itemTypes ? new Set(args.itemTypes) : null;
      const events = pr.events.filter((e) => !wanted || wanted.has(EVENT_TYPES[e.kind].item));
      return {
        ...connection(events, args, (e) => ({
          __typename: EVENT_TYPES[e.kind].type,
          id: `EV_${pr.number}_${e.kind}_${e.at}`,
          createdAt: iso(e.at),
          actor: actor(e.actor),
          requestedReviewer: e.reviewer ? actor(e.reviewer) : null,
          beforeCommit: e.before ? { oid: e.before } : null,
          afterCommit: e.after ? { oid: e.after } : null,
        })),
        filteredCount: events.length,
        updatedAt: iso(pr.updatedAt),
      };
    },
  };
}

const ORDER_FIELDS: Record<string, (pr: GenPullRequest) => number> = {
  UPDATED_AT: (pr) => pr.updatedAt,
  CREATED_AT: (pr) => pr.createdAt,
};

function repositoryObject(repo: GenRepository) {
  return withDora(repo, {
    __typename: 'Repository',
    id: `R_${repo.id}`,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isArchived: repo.archived,
    isFork: repo.fork,
    pullRequests: (
      args: ConnectionArgs & {
        orderBy?: { field: string; direction: string } | null;
        states?: string[] | null;
      },
    ) => {
      const field = ORDER_FIELDS[args.orderBy?.field ?? 'CREATED_AT'] ?? ORDER_FIELDS['CREATED_AT']!;
      const sign = args.orderBy?.direction === 'DESC' ? -1 : 1;
      let list = repo.pullRequests;
      if (args.states) list = list.filter((pr) => args.states!.includes(pr.state));
      const sorted = [...list].sort((a, b) => sign * (field(a) - field(b)) || sign * (a.number - b.number));
      return connection(sorted, args, (pr) => pullRequest(repo, pr));
    },
    pullRequest: ({ number }: { number: number }) => {
      const pr = repo.pullRequests.find((p) => p.number === number);
      if (!pr) {
        throw Object.assign(
          new GraphQLError(`Could not resolve to a PullRequest with the number of ${number}.`),
          { type: 'NOT_FOUND' },
        );
      }
      return pullRequest(repo, pr);
    },
  });
}

function listLength(field: FieldNode, variables: Record<string, unknown>): number | null {
  const arg = field.arguments?.find((a) => a.name.value === 'ids')?.value;
  if (!arg) return null;
  if (arg.kind === Kind.LIST) return arg.values.length;
  if (arg.kind === Kind.VARIABLE) {
    const value = variables[arg.name.value];
    return Array.isArray(value) ? value.length : 1;
  }
  return 1;
}

/** Static limits GitHub checks before running a query; returns the node count and cost. */
export function staticLimits(
  document: DocumentNode,
  variables: Record<string, unknown>,
): { nodes: number; cost: number } {
  let nodes = 0;
  let requests = 0;
  // Named fragments count where they are spread, like inline ones.
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  const value = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };
  const walk = (set: SelectionSetNode | undefined, multiplier: number) => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = selection as FieldNode;
        const first = value(field.arguments?.find((a) => a.name.value === 'first')?.value);
        const last = value(field.arguments?.find((a) => a.name.value === 'last')?.value);
        const size = typeof first === 'number' ? first : typeof last === 'number' ? last : null;
        // nodes(ids: [...]) resolves one object per id: what is below counts once per id.
        const ids = field.name.value === 'nodes' ? listLength(field, variables) : null;
        if (ids !== null) {
          walk(field.selectionSet, multiplier * ids);
          continue;
        }
        const lists = field.selectionSet?.selections.some(
          (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
        );
        if (size === null && lists) {
          throw new GraphQLError(
            `You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name.value}\` connection.`,
          );
        }
        if (size !== null) {
          if (size < 1 || size > 100) {
            throw new GraphQLError(
              `Requesting ${size} records on the \`${field.name.value}\` connection exceeds the \`first\` limit of 100 records.`,
            );
          }
          requests += multiplier;
          nodes += multiplier * size;
          walk(field.selectionSet, multiplier * size);
        } else walk(field.selectionSet, multiplier);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, multiplier);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value), multiplier);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1);
  }
  if (nodes > 500_000) {
    throw new GraphQLError(
      `By the time this query traverses to the nodes connection, it is requesting up to ${nodes} possible nodes which exceeds the maximum limit of 500,000.`,
    );
  }
  return { nodes, cost: Math.max(1, Math.round(requests / 100)) };
}

export interface GraphqlResult {
  status: number;
  body: { data?: unknown; errors?: unknown[] };
  cost: number;
}

/** Runs one GraphQL request against the generated organisation. */
export function runGraphql(
  org: GenOrg,
  request: { query?: unknown; variables?: unknown },
  rate: { remaining: number; reset: number },
): GraphqlResult {
  if (typeof request.query !== 'string') {
    return { status: 400, body: { errors: [{ message: 'A query attribute must be specified.' }] }, cost: 0 };
  }
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return { status: 200, body: { errors: [{ message: (error as Error).message }] }, cost: 0 };
  }
  const problems = validate(githubSchema(), document);
  if (problems.length > 0) {
    return { status: 200, body: { errors: problems.map((p) => ({ message: p.message })) }, cost: 0 };
  }
  const variables = (request.variables ?? {}) as Record<string, unknown>;
  let limits: { nodes: number; cost: number };
  try {
    limits = staticLimits(document, variables);
  } catch (error) {
    return { status: 200, body: { errors: [{ message: (error as Error).message }] }, cost: 0 };
  }
  const root = {
    rateLimit: {
      cost: limits.cost,
      limit: 5000,
      nodeCount: limits.nodes,
      remaining: rate.remaining,
      used: 5000 - rate.remaining,
      resetAt: new Date(rate.reset * 1000).toISOString(),
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = org.repositories.find(
        (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
      );
      if (!repo) {
        throw Object.assign(
          new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`),
          { type: 'NOT_FOUND' },
        );
      }
      return repositoryObject(repo);
    },
    nodes: ({ ids }: { ids: string[] }) => checkSuiteNodes(org, ids, connection as Paginate),
  };
  const result = execute({
    schema: githubSchema(),
    document,
    rootValue: root,
    variableValues: variables,
  });
  if (result instanceof Promise) throw new Error('resolvers are synchronous');
  const body: { data?: unknown; errors?: unknown[] } = { data: result.data ?? null };
  if (result.errors?.length) {
    body.errors = result.errors.map((e) => ({
      type: (e.originalError as { type?: string } | undefined)?.type,
      path: e.path,
      locations: e.locations,
      message: e.message,
    }));
  }
  return { status: 200, body, cost: limits.cost };
}
