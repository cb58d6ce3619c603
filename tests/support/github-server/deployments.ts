// GraphQL fields of the local GitHub for DORA: Repository.deployments (with
// statuses), releases, issues filtered by label, and pullRequests filtered by
// label, over the facts planted by tests/support/deployments-generator.ts.
// Connections page with first/after and last/before like GitHub's.
import { GraphQLError } from 'graphql';
import { plantOf } from '../deployments-generator.js';
import type { GenRepository } from '../github-generator.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

interface Args {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const encode = (offset: number) => Buffer.from(`cursor:v2:${offset}`).toString('base64');
function decode(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/** A connection over `items` honouring first/after and last/before. */
function connection<T, N>(items: readonly T[], args: Args, map: (item: T) => N) {
  let start = args.after ? decode(args.after) + 1 : 0;
  let end = args.before ? decode(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encode(start) : null,
      endCursor: slice.length ? encode(start + slice.length - 1) : null,
    },
    nodes: slice.map(map),
  };
}

type Order = { field: string; direction: string } | null | undefined;

function ordered<T>(
  items: readonly T[],
  order: Order,
  fields: Record<string, (t: T) => number>,
  tie: (t: T) => number,
) {
  const key = fields[order?.field ?? 'CREATED_AT'] ?? Object.values(fields)[0]!;
  const sign = order?.direction === 'DESC' ? -1 : 1;
  return [...items].sort((a, b) => sign * (key(a) - key(b)) || sign * (tie(a) - tie(b)));
}

const labelNodes = (labels: readonly string[]) => (args: Args) =>
  connection(labels, args, (name) => ({ id: `LA_${name}`, name, color: 'ff0000' }));

/** Adds the DORA fields to a repository object; labelled pull-request lists answer from the planted labels. */
export function withDora<R extends { pullRequests: (args: never) => unknown }>(
  repo: GenRepository,
  base: R,
): R {
  const plant = plantOf(repo);
  return {
    ...base,
    deployments: (args: Args & { environments?: string[] | null; orderBy?: Order }) => {
      const wanted = args.environments ? new Set(args.environments) : null;
      const list = ordered(
        plant.deployments.filter((d) => !wanted || wanted.has(d.environment)),
        args.orderBy,
        { CREATED_AT: (d) => d.createdAt },
        (d) => d.id,
      );
      return connection(list, args, (d) => {
        const latest = [...d.statuses].sort((a, b) => b.at - a.at)[0];
        return {
          id: `DE_${d.id}`,
          databaseId: d.id,
          environment: d.environment,
          originalEnvironment: d.environment,
          commitOid: d.sha,
          createdAt: iso(d.createdAt),
          updatedAt: iso(Math.max(d.createdAt, ...d.statuses.map((s) => s.at))),
          ref: { id: `REF_${d.ref}`, name: d.ref, prefix: 'refs/heads/' },
          state: latest?.state === 'SUCCESS' ? 'ACTIVE' : (latest?.state ?? 'PENDING'),
          statuses: (a: Args) =>
            connection(d.statuses, a, (s) => ({
              id: `DS_${d.id}_${s.at}`,
              state: s.state,
              createdAt: iso(s.at),
              updatedAt: iso(s.at),
            })),
        };
      });
    },
    releases: (args: Args & { orderBy?: Order }) =>
      connection(
        ordered(plant.releases, args.orderBy, { CREATED_AT: (r) => r.createdAt }, (r) => r.id),
        args,
        (r) => ({
          id: `RE_${r.id}`,
          databaseId: r.id,
          tagName: r.tagName,
          name: r.tagName,
          isPrerelease: r.prerelease,
          isDraft: r.draft,
          createdAt: iso(r.createdAt),
          publishedAt: iso(r.publishedAt),
          tagCommit: { id: `C_${r.sha}`, oid: r.sha },
        }),
      ),
    issues: (args: Args & { labels?: string[] | null; orderBy?: Order }) => {
      const wanted = args.labels ? args.labels.map((l) => l.toLowerCase()) : null;
      const list = plant.issues.filter(
        (i) => !wanted || i.labels.some((l) => wanted.includes(l.toLowerCase())),
      );
      return connection(
        ordered(
          list,
          args.orderBy,
          { CREATED_AT: (i) => i.createdAt, UPDATED_AT: (i) => i.updatedAt },
          (i) => i.number,
        ),
        args,
        (i) => ({
          id: `I_${i.number}`,
          number: i.number,
          title: i.title,
          createdAt: iso(i.createdAt),
          closedAt: iso(i.closedAt),
          updatedAt: iso(i.updatedAt),
          labels: labelNodes(i.labels),
        }),
      );
    },
    pullRequests: (args: Args & { labels?: string[] | null; orderBy?: Order }) => {
      if (!args.labels) return (base.pullRequests as (a: typeof args) => unknown)(args);
      // Labelled lists serve the fields DORA asks for: number, updatedAt and labels.
      const wanted = args.labels.map((l) => l.toLowerCase());
      const list = [...plant.prLabels]
        .filter(([, p]) => p.labels.some((l) => wanted.includes(l.toLowerCase())))
        .map(([number, p]) => ({ number, ...p }));
      return connection(
        ordered(
          list,
          args.orderBy,
          { UPDATED_AT: (p) => p.updatedAt, CREATED_AT: (p) => p.updatedAt },
          (p) => p.number,
        ),
        args,
        (p) => ({
          id: `PR_${repo.id}_${p.number}`,
          number: p.number,
          updatedAt: iso(p.updatedAt),
          labels: labelNodes(p.labels),
        }),
      );
    },
  };
}
