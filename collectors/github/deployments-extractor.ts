// Raw GraphQL deployment nodes → deployment rows with their statuses. Pure,
// so stored raw responses can be normalised again without a refetch.
import type { DeploymentRow } from '../../agent/store/dora.js';
import { seconds } from './pr-extractor.js';

/** A deployment node as the DORA query asks for it. */
export interface GqlDeployment {
  databaseId: number | null;
  environment: string | null;
  commitOid: string;
  createdAt: string;
  updatedAt: string;
  ref: { name: string } | null;
  statuses: { nodes: { state: string; createdAt: string }[] } | null;
}

/** Normalises one deployment; null when GitHub gave no id (nothing to key it on). */
export function extractDeployment(node: GqlDeployment, rawId: number): DeploymentRow | null {
  if (node.databaseId === null) return null;
  return {
    id: node.databaseId,
    environment: node.environment,
    sha: node.commitOid,
    ref: node.ref?.name ?? null,
    createdAt: seconds(node.createdAt)!,
    updatedAt: seconds(node.updatedAt)!,
    // Kept in the order GitHub listed them; the analysis reads times, not positions.
    statuses: (node.statuses?.nodes ?? [])
      .map((s) => ({ state: s.state, createdAt: seconds(s.createdAt) }))
      .filter((s): s is { state: string; createdAt: number } => s.createdAt !== null),
    rawId,
  };
}
