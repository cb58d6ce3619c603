// Raw GraphQL release nodes → release rows. Pure.
import type { ReleaseRow } from '../../agent/store/dora.js';
import { seconds } from './pr-extractor.js';

/** A release node as the DORA query asks for it. */
export interface GqlRelease {
  databaseId: number | null;
  tagName: string;
  isPrerelease: boolean;
  isDraft: boolean;
  createdAt: string;
  publishedAt: string | null;
  tagCommit: { oid: string } | null;
}

export function extractRelease(node: GqlRelease, rawId: number): ReleaseRow | null {
  if (node.databaseId === null) return null;
  return {
    id: node.databaseId,
    tagName: node.tagName,
    sha: node.tagCommit?.oid ?? null,
    prerelease: node.isPrerelease,
    draft: node.isDraft,
    createdAt: seconds(node.createdAt)!,
    publishedAt: seconds(node.publishedAt),
    rawId,
  };
}
