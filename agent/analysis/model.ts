// The one model of an audit: every number any output shows. The analysis
// computes it once; the JSON contract (SPEC §11), the text, Markdown and HTML
// reports and the dashboard only format it. Other tools depend on these names:
// add fields freely, never rename or drop one without bumping
// REPORT_SCHEMA_VERSION. This module holds types and constants only, so the
// dashboard's page script can import it too.

import type { CollectionStatus } from '../store/collection.js';
import type { ArchitectureFile, ArchitectureModule, FileCoupling, ModuleCoupling } from './architecture.js';
import type { BuildsSection } from './build-summary.js';
import type { CiAttempt, WorkflowMetrics } from './ci.js';
import type { CostEntry } from './costs.js';
import type { GitDeliverySummary } from './delivery.js';
import type { SubjectDiagnosis } from './diagnosis.js';
import type { DoraSection } from './dora.js';
import type { CiReturnLag, SystemEffect } from './effects.js';
import type { DataQuality, PullRequestItem, PullRequestMetrics } from './pull-requests.js';

/**
 * 2: costs[].hoursPerWeek means engineer time only (delayHoursPerWeek and
 * engineerHoursPerWeek added), and diagnosis[].causes[].hoursPerWeek means
 * delay; every other name of version 1 keeps its meaning.
 */
export const REPORT_SCHEMA_VERSION = 2;

export interface ReportRepository {
  name: string;
  path: string | null;
  github: string | null;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  window: ReportWindow;
  repositories: ReportRepository[];
  git: {
    commits: number;
    merges: number;
    authors: number;
    /** Number of files changed in the window, after exclusions (files[] may be cut to the top ones without --detail). */
    filesChanged: number;
    /** Ranked by hotspotScore (see README "Fragile architecture"). */
    files: ArchitectureFile[];
    /** Change coupling between files, ranked by degree then shared (code-maat's definitions). */
    coupling: FileCoupling[];
    /** Directory and component roll-ups, ranked by hotspotScore. */
    modules: ArchitectureModule[];
    /** Change coupling between modules, directories first, ranked by degree. */
    moduleCoupling: ModuleCoupling[];
    /** Pairs of coupled files in the window (coupling[] may be cut to the top ones without --detail). */
    couplingPairs: number;
    /** Paths changed in the window that exclusions left out (lock, vendored, generated files, prose). */
    excludedFiles: number;
    /**
     * The same paths by why they were left out: `generated` (lock files, bundles, build output,
     * linguist-generated), `vendored` (vendor folders, linguist-vendored), `documentation` (prose
     * and translations, linguist-documentation), `config` (an "exclude" glob of the config).
     */
    excludedByReason: { generated: number; vendored: number; documentation: number; config: number };
    /** Commits left out of coupling because they change more than coupling.maxChangeSetSize files. */
    largeChangeSets: number;
    /** Problems with the input that did not stop the report (e.g. a config glob matching nothing). */
    warnings: string[];
  };
  /** Local build and test timings (SPEC §5 "Local builds"); durations in seconds. */
  builds: BuildsSection;
  /** Pull-request lifecycle (SPEC §5); null when no pull requests are collected. */
  pullRequests: ReportPullRequests | null;
  /** GitHub Actions (SPEC §5 "CI"); null when no workflow runs are collected. */
  ci: ReportCi | null;
  /** Deliveries read from merge commits, for repositories without pull-request data. */
  deliveries: GitDeliverySummary;
  /** "Slow engineer or slow system?" per team, then per person (SPEC §6). */
  diagnosis: ReportDiagnosis[];
  /** Engineer-hours per week per cause, ranked, with the arithmetic in `evidence`. */
  costs: CostEntry[];
  /** System effects measured on everyone's changes (docs/diagnosis.md): the evidence behind every verdict. */
  systemEffects: SystemEffect[];
  /** CI delay per repository: the wait on CI and the author's return lag after a run finishes. */
  ciReturnLag: CiReturnLag[];
  /** DORA's four keys per repository and overall, with bands and weekly series (docs/dora.md). */
  dora: DoraSection;
  /** Inputs that were clamped, dropped or ignored, counted instead of hidden. */
  dataQuality: ReportDataQuality;
  /** How the diagnosis was computed: its baseline and thresholds. */
  method: {
    baselineCycle: number | null;
    deliveries: number;
    weeks: number;
    minDeliveries: number;
    alpha: number;
    minRelativeExcess: number;
    minShare: number;
    /** Whether cycle times of the diagnosis count working hours (configured) or calendar time. */
    timeBasis: 'working' | 'calendar';
  };
  /** State of the latest collection per repository and source: a partial collection is never shown as complete. */
  collection: CollectionEntry[];
  /** Weekly series per filter slice: what the dashboard charts and the weekly report compares. */
  series: Series;
  /** The reported ISO week against the week before (the weekly report). */
  week: WeekComparison;
  /** The verdict a manager reads first, its findings and what to collect next. */
  verdict: Verdict;
  /** Sections without data: what is missing and the command that collects it (null: the section has data). */
  empty: Record<SectionName, EmptyState | null>;
  /** What is collected but lies outside the window, so that no output calls it missing; and on which side, when. */
  outsideWindow: OutsideWindow;
  /** True when people are replaced by pseudonyms (--anonymize). */
  anonymized: boolean;
}

/** Facts collected on one side of the window, and the dates of the first and last of them (ISO, null when none). */
export interface OutsideSide {
  commits: number;
  pullRequests: number;
  ciRuns: number;
  first: string | null;
  last: string | null;
}

/** Commits, pull requests and CI runs outside the window: in all, then before its start and after its end. */
export interface OutsideWindow {
  commits: number;
  pullRequests: number;
  ciRuns: number;
  before: OutsideSide;
  after: OutsideSide;
}

/** The analysis window, stated once and printed identically by every output. */
export interface ReportWindow {
  /** Start (inclusive); null only when nothing is collected. */
  since: string | null;
  until: string;
  /** Length of the window in weeks (days ÷ 7): every "per week" figure divides by it. */
  weeks: number;
  /** How the window was chosen, in words ("the 52 weeks up to the newest data", "clamped to the data"). */
  basis: string;
  /** The one line every output prints, e.g. "2025-01-06 → 2025-06-30 (25.0 weeks, up to the newest data)". */
  statement: string;
}

/** The latest collection of one repository from one source (the store decides its state). */
export type CollectionEntry = CollectionStatus;

/** Sections that can be empty, each with its own way to collect data. */
export type SectionName =
  | 'git'
  | 'pullRequests'
  | 'ci'
  | 'builds'
  | 'hotspots'
  | 'coupling'
  | 'diagnosis'
  | 'dora';

/** A section with no data says what is missing and the command that collects it. */
export interface EmptyState {
  missing: string;
  command: string;
}

/** Weekly values aligned with `Series.weeks` (index i is week weeks[i]); null where nothing could be computed. */
export type WeeklyValues = (number | null)[];

/**
 * Series per filter slice. Keys: `all`, `r<i>` (repository i), `t<j>` (team j)
 * and `r<i>t<j>` (both), where i and j index `Series.repositories` and `Series.teams`.
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

/** Pull requests by people (bots left out, as in every PR figure) per ISO week of the merge; seconds. */
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
  /** Lines changed without lock, generated and vendored files (the PR `size`). */
  sizeMedian: WeeklyValues;
  sizeP90: WeeklyValues;
}

/** One CI workflow per ISO week of the run's creation, with the same definitions as `ci.workflows`. */
export interface WorkflowWeekly {
  repo: number;
  name: string;
  runs: WeeklyValues;
  /** Seconds, per attempt. */
  queueMedian: WeeklyValues;
  durationMedian: WeeklyValues;
  /** Share (0..1) of judged head commits on which the workflow both failed and succeeded. */
  flakyRate: WeeklyValues;
  /** Share (0..1) of concluded runs whose last attempt succeeded. */
  successRate: WeeklyValues;
}

export interface SlowPullRequest {
  repo: number;
  number: number;
  title: string;
  /** Seconds. */
  cycle: number;
  size: number;
  /** Link to the pull request on GitHub, when the repository's remote is known. */
  url: string | null;
}

/** One of the slowest CI run attempts of the window, with its link on GitHub. */
export interface SlowRun {
  repo: number;
  /** The run id GitHub gives it (the one in its actions/runs URL). */
  id: number;
  attempt: number;
  workflow: string;
  conclusion: string | null;
  /** Seconds: wall time of the attempt, and its wait for a runner. */
  duration: number;
  queue: number | null;
  /** https://github.com/OWNER/REPO/actions/runs/ID, when the repository's owner/repo is known. */
  url: string | null;
}

export interface Series {
  /** ISO weeks (YYYY-Www, UTC), ascending and contiguous, covering the window. */
  weeks: string[];
  repositories: string[];
  teams: string[];
  git: Slices<GitWeekly>;
  pullRequests: Slices<PullRequestWeekly>;
  workflows: WorkflowWeekly[];
  /** The slowest merged pull requests of the window. */
  slowest: SlowPullRequest[];
  /** The slowest CI run attempts of the window. */
  slowestRuns: SlowRun[];
}

export type Judgement = 'better' | 'worse' | 'same' | 'new' | 'gone' | 'n/a';

/** One metric in the reported week against the week before. */
export interface Comparison {
  label: string;
  unit: 'count' | 'lines' | 'seconds' | 'percent';
  /** Which way is better; `neutral` for activity that is context, not a goal. */
  better: 'lower' | 'higher' | 'neutral';
  thisWeek: number | null;
  lastWeek: number | null;
  /** Relative change (0.25 = +25 %); null when either side is missing or last week is 0. */
  change: number | null;
  judgement: Judgement;
  /** Dashboard section that charts it. */
  section: string;
}

export interface WeekComparison {
  /** The last complete ISO week inside the window (never the current, unfinished one). */
  week: string;
  previousWeek: string;
  /** Monday 00:00 UTC of the week, and of the next week (exclusive). */
  start: string;
  end: string;
  /** True when the week has any collected activity. */
  hasData: boolean;
  headline: string;
  comparisons: Comparison[];
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
  /** System delays that are nobody's cycle time (the wait from merge to deployment), said beside the verdict. */
  beside: string[];
}

/** Section ids of the dashboard page; the weekly report links to them. */
export const SECTION_IDS = {
  verdict: 'verdict',
  dora: 'dora',
  cycleTime: 'cycle-time',
  reviewWait: 'review-wait',
  ci: 'ci',
  builds: 'builds',
  hotspots: 'hotspots',
  coupling: 'coupling',
  prSize: 'pr-size',
  gitActivity: 'git-activity',
} as const;

/** People's words for the cause ids of the diagnosis and the costs. */
export const CAUSE_LABELS: Record<string, string> = {
  builds_ci: 'Slow builds / CI',
  ci_wait: 'Waiting on CI',
  ci_flaky: 'Re-running flaky CI',
  flaky_ci: 'Re-running flaky CI',
  local_builds: 'Waiting on local builds',
  build_wait: 'Waiting on local builds',
  review_wait: 'Waiting for review',
  review_bottleneck: 'Review bottleneck',
  fragile_architecture: 'Fragile architecture',
  fragile_code: 'Extra time on PRs touching fragile code',
  ci_return_lag: 'Waiting after CI finishes (return lag)',
  slow_reviewers: 'Waiting on particular reviewers',
  oversized_changes: 'Oversized changes',
  none: 'No systemic cause found',
};

/** Times of an item as ISO 8601 strings in the JSON (unix seconds in the analysis). */
type IsoTimes<T, K extends keyof T> = Omit<T, K> & {
  [P in K]: null extends T[P] ? string | null : string;
};

/** A pull request in `report --detail`: the analysis item, times as ISO strings. */
export type ReportPullRequestItem = IsoTimes<
  Omit<PullRequestItem, 'repoId' | 'authorIsBot' | 'state'>,
  'createdAt' | 'readyAt' | 'firstCommitAt' | 'firstReviewAt' | 'mergedAt'
> & { bot: boolean };

/**
 * The pull-request section: the analysis figures (`merged` counts bots' PRs
 * too; `workingStages` is null without `workingHours` in the config), plus
 * the merged PRs by people, the set every stage, size and weekly series is
 * computed on.
 */
export type ReportPullRequests = Omit<PullRequestMetrics, 'items' | 'dataQuality'> & {
  mergedByPeople: number;
  items?: ReportPullRequestItem[];
};

/** One workflow's figures over the window (SPEC §5 "CI"). */
export type ReportWorkflow = WorkflowMetrics;

/** A CI attempt in `report --detail`: the analysis item, times as ISO strings. */
export type ReportCiItem = IsoTimes<
  Omit<CiAttempt, 'repoId' | 'event' | 'branch' | 'firstJobStartedAt'>,
  'createdAt' | 'startedAt' | 'completedAt'
>;

export interface ReportCi {
  runs: number;
  attempts: number;
  workflows: ReportWorkflow[];
  items?: ReportCiItem[];
}

export type ReportDiagnosis = SubjectDiagnosis;

export interface ReportDataQuality extends Partial<DataQuality> {
  /** CI attempts whose queue or duration came out negative (clock skew), clamped to 0. */
  ciNegativeDurations: number;
  /** Team members in the config that appear nowhere in the data. */
  unknownTeamMembers: string[];
  /** CI jobs GitHub sent malformed (e.g. without created_at), left out; `collect github --verbose` names them. */
  malformedJobs: number;
}
