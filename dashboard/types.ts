// What the dashboard page and the weekly report are drawn from: aggregated
// series only, never raw rows, so a year of a large organisation stays small.
// The agent computes everything here; the page only formats and filters it.

/** Version of this shape; the page refuses data of another version. */
export const DASHBOARD_SCHEMA_VERSION = 1;

/** A section with no data says what is missing and the command that collects it. */
export interface EmptyState {
  missing: string;
  command: string;
}

/**
 * Weekly values for one filter slice, aligned with `DashboardData.weeks`
 * (index i is week weeks[i]); null where nothing could be computed.
 */
export type WeeklyValues = (number | null)[];

/**
 * Series per filter slice. Keys: `all`, `r<i>` (repository i), `t<j>` (team j)
 * and `r<i>t<j>` (both), where i and j index `repositories` and `teams`.
 * A slice with no data is absent.
 */
export type Slices<T> = Record<string, T>;

/** Git activity of one slice, per ISO week. */
export interface GitWeekly {
  commits: WeeklyValues;
  merges: WeeklyValues;
  added: WeeklyValues;
  deleted: WeeklyValues;
  /** Distinct (mailmapped) author emails who committed that week. */
  authors: WeeklyValues;
}

/** Pull request stages of one slice, per ISO week of the merge; seconds. */
export interface PullRequestWeekly {
  merged: WeeklyValues;
  codingMedian: WeeklyValues;
  pickupMedian: WeeklyValues;
  reviewMedian: WeeklyValues;
  cycleMedian: WeeklyValues;
  cycleP90: WeeklyValues;
  pickupP90: WeeklyValues;
  /** Mean review rounds (CHANGES_REQUESTED count + 1). */
  reviewRoundsMean: WeeklyValues;
  /** Lines changed (additions + deletions). */
  sizeMedian: WeeklyValues;
  sizeP90: WeeklyValues;
}

/** One CI workflow, per ISO week of the run's creation. */
export interface WorkflowWeekly {
  repo: number;
  name: string;
  runs: WeeklyValues;
  /** Seconds. */
  queueMedian: WeeklyValues;
  durationMedian: WeeklyValues;
  /** Share (0..1) of head commits on which the workflow both failed and succeeded. */
  flakyRate: WeeklyValues;
  /** Share (0..1) of runs that concluded with success. */
  successRate: WeeklyValues;
}

export interface BuildSummary {
  repo: number;
  command: string;
  kind: 'warm' | 'cold' | 'wrapped';
  /** What was timed (build or test), when known. */
  task: string | null;
  /** Machine the runs were timed on, when known (timings of different machines are never pooled). */
  machine: string | null;
  runs: number;
  failures: number;
  /** Seconds. */
  median: number | null;
  p90: number | null;
}

export interface Hotspot {
  repo: number;
  path: string;
  revisions: number;
  churn: number;
  /** Line count at the collected tip; null when the file is gone or binary. */
  lines: number | null;
  authors: number;
  hotspotScore: number | null;
}

/** Minutes per day spent waiting on builds run through `dx-audit wrap`. */
export interface WrappedPerDay {
  repo: number;
  machine: string | null;
  runs: number;
  days: number;
  minutesPerDay: number;
}

export interface CouplingPair {
  repo: number;
  a: string;
  b: string;
  shared: number;
  /** Percent. */
  degree: number;
}

export interface SlowPullRequest {
  repo: number;
  number: number;
  title: string;
  /** Seconds. */
  cycle: number;
  size: number | null;
}

export interface Cost {
  cause: string;
  label: string;
  hoursPerWeek: number;
  /** The arithmetic and the numbers behind the cost, in words. */
  evidence: string;
}

export interface DiagnosisCause {
  cause: string;
  share: number | null;
  hoursPerWeek: number | null;
  evidence: string;
}

export interface DiagnosisEntry {
  subject: string;
  kind: 'person' | 'team';
  prs: number;
  /** Seconds. */
  cycleMedian: number | null;
  excess: number | null;
  verdict: string;
  /** The diagnosis in one sentence. */
  summary?: string;
  causes: DiagnosisCause[];
}

export interface Verdict {
  /** One sentence a manager reads first. */
  headline: string;
  /** `diagnosed`: a verdict backed by PR data; `insufficient`: some data, not enough for one; `empty`: nothing collected. */
  status: 'diagnosed' | 'insufficient' | 'empty';
  /** Up to three findings from the data that exists, in plain words. */
  findings: string[];
  /** What to collect next, with its command. */
  next: EmptyState[];
}

export interface Section<T> {
  /** null when the section has data. */
  empty: EmptyState | null;
  data: T;
}

export interface DashboardData {
  schemaVersion: typeof DASHBOARD_SCHEMA_VERSION;
  generatedAt: string;
  window: { since: string | null; until: string };
  anonymized: boolean;
  /** ISO weeks (YYYY-Www, UTC), ascending and contiguous. */
  weeks: string[];
  repositories: string[];
  teams: string[];
  verdict: Verdict;
  costs: Section<Cost[]>;
  diagnosis: Section<DiagnosisEntry[]>;
  git: Section<Slices<GitWeekly>>;
  pullRequests: Section<{ weekly: Slices<PullRequestWeekly>; slowest: SlowPullRequest[] }>;
  ci: Section<{ workflows: WorkflowWeekly[] }>;
  builds: Section<{ summary: BuildSummary[]; wrappedPerDay: WrappedPerDay[] }>;
  hotspots: Section<{ files: Hotspot[] }>;
  /** Module (directory or component) pairs and file pairs that change together. */
  coupling: Section<{ modules: CouplingPair[]; files: CouplingPair[] }>;
}

/** Section ids of the page; the weekly report links to them. */
export const SECTION_IDS = {
  verdict: 'verdict',
  cycleTime: 'cycle-time',
  reviewWait: 'review-wait',
  ci: 'ci',
  builds: 'builds',
  hotspots: 'hotspots',
  coupling: 'coupling',
  prSize: 'pr-size',
  gitActivity: 'git-activity',
} as const;
