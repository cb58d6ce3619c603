// Change failures: which deployments were followed by a failure signal, which
// signals fired, and when service was restored. Signals (each can be switched
// off in dora.failureSignals):
//   failed_deployment  a failure/error status of a production deployment, blamed
//                      on the deployment production was running; restored by the
//                      next successful deployment
//   revert             a commit or pull request reverting a shipped change
//                      ("This reverts commit X", or `Revert "<subject>"`), blamed
//                      on the deployment that shipped X; restored by the deployment
//                      that ships the revert
//   hotfix             a merged pull request labelled or branched as a hotfix, blamed
//                      on the deployment running when it was opened; restored by the
//                      deployment that ships it
//   incident           an issue with the incident label opened within 24 h of a
//                      deployment; restored when the issue is closed
import type { DoraSettings, FailureSignal } from '../config.js';
import type { Queryable } from '../store/db.js';
import { REVERT_SUBJECT, type Shipping, subjectsNamedByReverts } from './dora-shipping.js';
import type { FailedStatus } from './dora-sources.js';

/** One signal that fired for a deployment. */
export interface FiredSignal {
  kind: FailureSignal;
  /** What fired: "deployment 12 failure", "revert 1a2b3c4", "PR #41", "issue #7". */
  ref: string;
  at: number;
  /** When service was restored; null while not restored (or not known). */
  restoredAt: number | null;
}

/** A deployment followed by at least one failure signal. */
export interface ChangeFailure {
  /** Index into Shipping.deployments. */
  deployment: number;
  signals: FiredSignal[];
  /** Earliest signal → earliest restore; null when not restored. */
  timeToRestore: number | null;
}

const INCIDENT_WINDOW = 24 * 3600;

/** Reads the incident issues of a repository (label matched case-insensitively). */
export async function readIncidents(
  q: Queryable,
  repoId: number,
  label: string,
): Promise<{ number: number; createdAt: number; closedAt: number | null }[]> {
  return q.all(
    `SELECT i.number, i.created_at AS createdAt, i.closed_at AS closedAt FROM github_issues i
     WHERE i.repo_id = ? AND EXISTS (SELECT 1 FROM json_each(i.labels) l WHERE lower(l.value) = lower(?))`,
    [repoId, label],
  );
}

/** Reads the stored "This reverts commit X" links of a repository. */
export async function readRevertLinks(
  q: Queryable,
  repoId: number,
): Promise<{ sha: string; reverted: string }[]> {
  return q.all('SELECT sha, reverted_sha AS reverted FROM git_reverts WHERE repo_id = ?', [repoId]);
}

/** Finds the failures among the walked deployments. */
export function findFailures(
  shipping: Shipping,
  failedStatuses: readonly FailedStatus[],
  revertLinks: readonly { sha: string; reverted: string }[],
  incidents: readonly { number: number; createdAt: number; closedAt: number | null }[],
  settings: DoraSettings,
): ChangeFailure[] {
  const enabled = new Set(settings.failureSignals);
  const deployments = shipping.deployments;
  const times = deployments.map((d) => d.at);
  const signals = new Map<number, FiredSignal[]>();
  const fire = (index: number, signal: FiredSignal) => {
    const list = signals.get(index) ?? [];
    if (!list.some((s) => s.kind === signal.kind && s.ref === signal.ref)) list.push(signal);
    signals.set(index, list);
  };
  // The last successful deployment at or before t (-1 when none).
  const runningAt = (t: number): number => {
    let lo = 0;
    let hi = times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const shippedAt = (change: number | undefined): number | null => {
    if (change === undefined) return null;
    const index = shipping.shippedBy[change]!;
    return index < 0 ? null : deployments[index]!.at;
  };

  if (enabled.has('failed_deployment')) {
    for (const f of failedStatuses) {
      const index = runningAt(f.at);
      if (index < 0) continue;
      // the next successful deployment: times are ascending and times[index] <= f.at
      const next = index + 1 < times.length ? times[index + 1]! : null;
      fire(index, { kind: 'failed_deployment', ref: `${f.ref} ${f.state}`, at: f.at, restoredAt: next });
    }
  }

  if (enabled.has('revert')) {
    const { graph, changeId, shippedBy } = shipping;
    // the change a commit belongs to: its own id when it never reached the default branch
    const changeOf = (id: number) => (changeId[id]! >= 0 ? changeId[id]! : id);
    // Subjects and PR titles of shipped changes, to resolve `Revert "<subject>"`:
    // only the subjects some revert names are kept.
    const named = subjectsNamedByReverts(graph.subjects, shipping.prs);
    const bySubject = new Map<string, number>();
    if (named.size > 0) {
      for (const id of shipping.shippedOrder) {
        const subject = graph.subjects[id];
        if (subject !== undefined && named.has(subject)) bySubject.set(subject, id);
      }
      for (const pr of shipping.prs) {
        const change = shipping.changeIdOfPr.get(pr.number);
        if (change !== undefined && named.has(pr.title) && shippedBy[change]! >= 0)
          bySubject.set(pr.title, change);
      }
    }
    const reverts = new Map<number, { reverted: number; at: number; ref: string }>();
    for (const link of revertLinks) {
      const id = graph.idOf(link.sha);
      const target = resolveSha(link.reverted, shipping);
      if (id < 0 || id >= graph.size || target === undefined) continue;
      reverts.set(changeOf(id), {
        reverted: target,
        at: graph.authorTime[id]!,
        ref: `revert ${link.sha.slice(0, 7)}`,
      });
    }
    for (let id = 0; id < graph.size; id += 1) {
      const subject = graph.subjects[id];
      const m = subject === undefined ? null : REVERT_SUBJECT.exec(subject);
      if (!m) continue;
      const change = changeOf(id);
      if (reverts.has(change)) continue;
      const target = bySubject.get(m[1]!);
      if (target !== undefined)
        reverts.set(change, {
          reverted: target,
          at: graph.authorTime[id]!,
          ref: `revert ${graph.shaOf(id).slice(0, 7)}`,
        });
    }
    for (const pr of shipping.prs) {
      const m = REVERT_SUBJECT.exec(pr.title);
      const change = shipping.changeIdOfPr.get(pr.number);
      if (!m || change === undefined) continue;
      const target = bySubject.get(m[1]!);
      if (target === undefined) continue;
      const seen = reverts.get(change);
      // The pull request was opened before its commit landed: the signal fired then.
      reverts.set(change, {
        reverted: target,
        at: Math.min(pr.createdAt, seen?.at ?? pr.createdAt),
        ref: `PR #${pr.number}`,
      });
    }
    for (const [change, r] of reverts) {
      const index = shippedBy[changeOf(r.reverted)]!;
      if (index < 0) continue;
      // shipped together with (or before) what it undoes: production never ran the change alone
      const revertIndex = shippedBy[change]!;
      if (revertIndex >= 0 && revertIndex <= index) continue;
      // A revert may be written before the change it undoes reaches production; the failure starts no earlier.
      fire(index, {
        kind: 'revert',
        ref: r.ref,
        at: Math.max(r.at, deployments[index]!.at),
        restoredAt: shippedAt(change),
      });
    }
  }

  if (enabled.has('hotfix')) {
    const labels = new Set(settings.hotfixLabels.map((l) => l.toLowerCase()));
    const branch = new RegExp(settings.hotfixBranchPattern, 'i');
    for (const pr of shipping.prs) {
      if (!pr.labels.some((l) => labels.has(l.toLowerCase())) && !branch.test(pr.headRef)) continue;
      const index = runningAt(pr.createdAt);
      if (index < 0) continue;
      fire(index, {
        kind: 'hotfix',
        ref: `PR #${pr.number}`,
        at: pr.createdAt,
        restoredAt: shippedAt(shipping.changeIdOfPr.get(pr.number)),
      });
    }
  }

  if (enabled.has('incident')) {
    for (const issue of incidents) {
      const index = runningAt(issue.createdAt);
      if (index < 0 || issue.createdAt - times[index]! > INCIDENT_WINDOW) continue;
      fire(index, {
        kind: 'incident',
        ref: `issue #${issue.number}`,
        at: issue.createdAt,
        restoredAt: issue.closedAt,
      });
    }
  }

  return [...signals]
    .sort((a, b) => a[0] - b[0])
    .map(([deployment, list]) => {
      list.sort((a, b) => a.at - b.at);
      const first = list[0]!.at;
      const restores = list.map((s) => s.restoredAt).filter((t): t is number => t !== null && t >= first);
      return {
        deployment,
        signals: list,
        timeToRestore: restores.length ? Math.min(...restores) - first : null,
      };
    });
}

/** The id of a stored commit named by a full or abbreviated sha. */
function resolveSha(sha: string, shipping: Shipping): number | undefined {
  const { graph } = shipping;
  const id = graph.idOf(sha);
  if (id >= 0 && id < graph.size) return id;
  if (sha.length >= 40) return undefined;
  for (let i = 0; i < graph.size; i += 1) if (graph.shaOf(i).startsWith(sha)) return i;
  return undefined;
}
