// Raw GraphQL nodes of incident issues, and of pull requests carrying a
// hotfix label → rows. Pure.
import type { IssueRow } from '../../agent/store/dora.js';
import { seconds } from './pr-extractor.js';

/** An issue node as the DORA query asks for it. */
export interface GqlIssue {
  number: number;
  title: string;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  labels: { nodes: { name: string }[] } | null;
}

/** A labelled pull request node (only its labels are read here). */
export interface GqlLabelledPr {
  number: number;
  updatedAt: string;
  labels: { nodes: { name: string }[] } | null;
}

export function extractIssue(node: GqlIssue, rawId: number): IssueRow {
  return {
    number: node.number,
    title: node.title,
    labels: (node.labels?.nodes ?? []).map((l) => l.name),
    createdAt: seconds(node.createdAt)!,
    closedAt: seconds(node.closedAt),
    updatedAt: seconds(node.updatedAt)!,
    rawId,
  };
}

export function extractPrLabels(
  node: GqlLabelledPr,
  rawId: number,
): { number: number; labels: string[]; rawId: number } {
  return { number: node.number, labels: (node.labels?.nodes ?? []).map((l) => l.name), rawId };
}
