// The parts of the SPEC §11 report contract that the dashboard and the weekly
// report read beyond git history. Each is optional: a report built without
// GitHub data, build timings or a diagnosis simply lacks them, and the
// renderers show the section's empty state instead.
/** Median, p90 and count of a duration in seconds. */
export interface Stat {
  median: number | null;
  p90: number | null;
  n: number;
}

export interface CouplingRow {
  repo: string;
  a: string;
  b: string;
  shared: number;
  degree: number;
}

export interface BuildSummaryRow {
  repo: string;
  command: string;
  kind: 'warm' | 'cold' | 'wrapped';
  task?: string;
  machine?: string;
  runs: number;
  failures: number;
  median: number | null;
  p90: number | null;
  min?: number | null;
  max?: number | null;
  mean?: number | null;
  stddev?: number | null;
}

export interface WrappedPerDayRow {
  repo: string;
  machine?: string;
  runs: number;
  days: number;
  minutesPerDay: number;
}

export interface PullRequestItem {
  repo: string;
  number: number;
  title?: string;
  author: string | null;
  createdAt: string;
  readyAt: string | null;
  firstCommitAt: string | null;
  firstReviewAt: string | null;
  mergedAt: string | null;
  additions: number | null;
  deletions: number | null;
  reviewRounds: number | null;
  coding: number | null;
  pickup: number | null;
  review: number | null;
  cycle: number | null;
  ciWait: number | null;
}

export interface CiRunItem {
  repo: string;
  id: number;
  workflow: string;
  headSha: string;
  attempt: number;
  conclusion: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  queue: number | null;
  duration: number | null;
}

export interface WorkflowRow {
  repo: string;
  name: string;
  runs: number;
  successRate: number | null;
  rerunRate: number | null;
  flakyRate: number | null;
  queue: Stat;
  duration: Stat;
}

export interface DiagnosisRow {
  subject: string;
  kind: 'person' | 'team';
  prs: number;
  cycleMedian: number | null;
  excess: number | null;
  verdict: string;
  /** The diagnosis in one sentence. */
  summary?: string;
  causes: { cause: string; share: number | null; hoursPerWeek: number | null; evidence: string }[];
}

export interface CostRow {
  cause: string;
  hoursPerWeek: number | null;
  evidence: string;
}

/** One file of `git.files` (the fields the dashboard reads). */
export interface FileRow {
  repo: string;
  path: string;
  revisions: number;
  added: number;
  deleted: number;
  churn: number;
  lines: number | null;
  authors: number;
  lastChanged: string;
  hotspotScore?: number | null;
}

/**
 * The report as SPEC §11 names it, every section beyond git optional. It is
 * declared on its own rather than derived from Report, so that any report
 * that carries these fields (with more of its own) fits it.
 */
export interface FullReport {
  schemaVersion: number;
  generatedAt: string;
  window: { since: string | null; until: string };
  repositories: { name: string; path: string | null; github: string | null }[];
  git: {
    commits: number;
    merges: number;
    authors: number;
    filesChanged?: number;
    files: FileRow[];
    coupling?: CouplingRow[];
    /** Coupling between modules (directories or configured components). */
    moduleCoupling?: CouplingRow[];
  };
  builds?: { summary: BuildSummaryRow[]; wrappedPerDay?: WrappedPerDayRow[] };
  pullRequests?: {
    count: number;
    merged: number;
    stages: { coding: Stat; pickup: Stat; review: Stat; cycle: Stat };
    items?: PullRequestItem[];
  } | null;
  ci?: { runs: number; workflows: WorkflowRow[]; items?: CiRunItem[] } | null;
  diagnosis?: DiagnosisRow[];
  costs?: CostRow[];
}
