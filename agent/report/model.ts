// The JSON report contract (SPEC §11). Other tools depend on these names: add
// fields freely, never rename or drop one without bumping SCHEMA_VERSION.
import type {
  ArchitectureFile,
  ArchitectureModule,
  FileCoupling,
  ModuleCoupling,
} from '../analysis/architecture.js';
import type { BuildsSection } from '../analysis/build-summary.js';
import type { CostEntry } from '../analysis/costs.js';
import type { GitDeliverySummary } from '../analysis/delivery.js';
import type { SubjectDiagnosis } from '../analysis/diagnosis.js';
import type { DoraSection } from '../analysis/dora.js';
import type { DataQuality } from '../analysis/pull-requests.js';
import type { Summary } from '../analysis/stats.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportRepository {
  name: string;
  path: string | null;
  github: string | null;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  window: { since: string | null; until: string };
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
    /** Paths changed in the window that exclusions left out (lock, vendored, generated files). */
    excludedFiles: number;
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
  };
}

export interface ReportPullRequestItem {
  repo: string;
  number: number;
  title: string;
  author: string | null;
  createdAt: string;
  readyAt: string | null;
  firstCommitAt: string | null;
  firstReviewAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  /** Lines changed without lock, generated and vendored files. */
  size: number;
  reviewRounds: number | null;
  /** Commits after the first review. */
  rework: number | null;
  coding: number | null;
  pickup: number | null;
  review: number | null;
  cycle: number | null;
  ciWait: number | null;
  /** Touches a hotspot or a strongly coupled file. */
  fragile: boolean;
  bot: boolean;
  /** Working-hours variants of the stages; null without `workingHours` in the config. */
  working: {
    coding: number | null;
    pickup: number | null;
    review: number | null;
    cycle: number | null;
  } | null;
}

export interface ReportPullRequests {
  count: number;
  merged: number;
  stages: { coding: Summary; pickup: Summary; review: Summary; cycle: Summary };
  /** The stages in working hours (nights, weekends, holidays left out); null without `workingHours` in the config. */
  workingStages: { coding: Summary; pickup: Summary; review: Summary; cycle: Summary } | null;
  size: Summary;
  reviewRounds: Summary;
  rework: Summary;
  ciWait: Summary;
  items?: ReportPullRequestItem[];
}

export interface ReportWorkflow {
  repo: string;
  name: string;
  runs: number;
  attempts: number;
  successRate: number | null;
  rerunRate: number | null;
  flakyRate: number | null;
  queue: Summary;
  duration: Summary;
  jobQueue: Summary;
  jobDuration: Summary;
  failedAttemptSeconds: number;
  flakySeconds: number;
}

export interface ReportCiItem {
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
}
