// The JSON report contract (SPEC §11). Other tools depend on these names: add
// fields freely, never rename or drop one without bumping SCHEMA_VERSION.
import type { BuildsSection } from '../analysis/build-summary.js';
import type { FileStats } from '../analysis/git-files.js';

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
    /** Number of files changed in the window (files[] may be cut to the top ones without --detail). */
    filesChanged: number;
    files: FileStats[];
  };
  /** Local build and test timings (SPEC §5 "Local builds"); durations in seconds. */
  builds: BuildsSection;
}
