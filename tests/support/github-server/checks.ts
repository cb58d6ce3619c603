// Actions runs as GitHub's GraphQL shows them: a workflow run is a CheckSuite
// (node id `CS_<check_suite_id>`, the id the REST run carries) with its
// WorkflowRun, and its jobs are CheckRuns. `checkRuns(filterBy: { checkType:
// ALL })` lists the check runs of every attempt, LATEST (GitHub's default)
// only those of the last attempt. Suites are reached by node id
// (`nodes(ids:)`) or from a commit (`Commit.checkSuites`). Served from the
// same generated runs as the REST endpoints.
import { GraphQLError } from 'graphql';
import type { GenAttempt, GenJob, GenOrg, GenRepository, GenRun } from '../github-generator.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

const upper = (s: string | null) => (s === null ? null : s.toUpperCase());

/** A node id in GitHub's current format: base64url of the MessagePack array [0, repository id, id]. */
export function nodeId(prefix: string, repoId: number, id: number): string {
  const bytes = Buffer.alloc(1 + 1 + 5 + 9);
  bytes[0] = 0x93;
  bytes[1] = 0x00;
  bytes[2] = 0xce;
  bytes.writeUInt32BE(repoId, 3);
  bytes[7] = 0xcf;
  bytes.writeBigUInt64BE(BigInt(id), 8);
  return `${prefix}_${bytes.toString('base64url')}`;
}

/** GitHub's `databaseId: Int` is 32-bit: larger ids cannot be served through it. */
const int32 = (id: number) => (id <= 2_147_483_647 ? id : null);

function checkRun(repo: GenRepository, j: GenJob) {
  return {
    __typename: 'CheckRun',
    id: nodeId('CR', repo.id, j.id),
    databaseId: int32(j.id),
    name: j.name,
    status: upper(j.status),
    conclusion: upper(j.conclusion),
    startedAt: iso(j.status === 'queued' ? null : (j.startedAt ?? j.createdAt)),
    completedAt: iso(j.completedAt),
  };
}

/** A run as its CheckSuite (with WorkflowRun and CheckRuns). */
export function checkSuite(repo: GenRepository, run: GenRun, paginate: Paginate) {
  const last = run.attempts.at(-1)!;
  return {
    __typename: 'CheckSuite',
    id: `CS_${run.id + 1}`,
    databaseId: int32(run.id + 1),
    status: upper(last.status),
    conclusion: upper(last.conclusion),
    createdAt: iso(run.createdAt),
    updatedAt: iso(last.updatedAt),
    commit: { __typename: 'Commit', oid: run.headSha, id: `C_${run.headSha}` },
    workflowRun: {
      __typename: 'WorkflowRun',
      id: `WFR_${run.id}`,
      databaseId: int32(run.id),
      runNumber: run.runNumber,
      event: run.event,
      createdAt: iso(run.createdAt),
      updatedAt: iso(last.updatedAt),
      url: `https://github.example.test/${repo.owner}/${repo.name}/actions/runs/${run.id}`,
      workflow: {
        __typename: 'Workflow',
        id: `W_${run.workflow.id}`,
        databaseId: int32(run.workflow.id),
        name: run.workflow.name,
      },
    },
    checkRuns: (args: {
      first?: number | null;
      after?: string | null;
      filterBy?: { checkType?: string } | null;
    }) => {
      const attempts: GenAttempt[] = args.filterBy?.checkType === 'ALL' ? run.attempts : [last];
      return paginate(
        attempts.flatMap((a) => a.jobs),
        args,
        (j: GenJob) => checkRun(repo, j),
      );
    },
  };
}

/** The connection helper of the GraphQL endpoint (cursors, pageInfo, totalCount). */
export type Paginate = <T, N>(
  items: readonly T[],
  args: { first?: number | null; after?: string | null },
  map: (item: T) => N,
) => unknown;

/** `Commit.checkSuites`: the check suites of the runs on one commit, oldest first. */
export function commitCheckSuites(repo: GenRepository, sha: string, paginate: Paginate) {
  const runs = repo.runs.filter((r) => r.headSha === sha);
  return (args: { first?: number | null; after?: string | null }) =>
    paginate(runs, args, (run: GenRun) => checkSuite(repo, run, paginate));
}

/** Resolves `nodes(ids:)` for check suite ids; any other id is NOT_FOUND, as on GitHub. */
export function checkSuiteNodes(org: GenOrg, ids: readonly string[], paginate: Paginate) {
  const byId = new Map<string, { repo: GenRepository; run: GenRun }>();
  for (const repo of org.repositories)
    for (const run of repo.runs) byId.set(`CS_${run.id + 1}`, { repo, run });
  return ids.map((id) => {
    const found = byId.get(id);
    if (!found) {
      throw Object.assign(new GraphQLError(`Could not resolve to a node with the global id of '${id}'`), {
        type: 'NOT_FOUND',
      });
    }
    return checkSuite(found.repo, found.run, paginate);
  });
}
