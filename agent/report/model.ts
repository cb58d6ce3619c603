// The JSON report contract (SPEC §11). Other tools depend on these names: add
// fields freely, never rename or drop one without bumping SCHEMA_VERSION.
import type {
  ArchitectureFile,
  ArchitectureModule,
  FileCoupling,
  ModuleCoupling,
} from '../analysis/architecture.js';
import type { BuildsSection } from '../analysis/build-summary.js';

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
}
