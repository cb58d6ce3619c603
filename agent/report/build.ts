// Assembles the report object from the analyses. Renderers (JSON, text,
// Markdown, HTML) only format what this returns.

import { type ArchitectureConfig, analyseArchitecture } from '../analysis/architecture.js';
import { buildsSection } from '../analysis/build-summary.js';
import { gitSummary, type Window } from '../analysis/git-files.js';
import { DEFAULT_CONFIG } from '../config.js';
import type { Queryable } from '../store/db.js';
import { listRepositories } from '../store/repositories.js';
import { REPORT_SCHEMA_VERSION, type Report } from './model.js';

export interface ReportOptions {
  since: Date | null;
  until: Date;
  now: Date;
  /** Every file instead of the top `top`. */
  detail: boolean;
  top: number;
  /** Exclusions, fix patterns, coupling thresholds and modules (defaults when absent). */
  config?: ArchitectureConfig;
}

export async function buildReport(q: Queryable, options: ReportOptions): Promise<Report> {
  const window: Window = {
    since: options.since ? Math.floor(options.since.getTime() / 1000) : null,
    until: Math.floor(options.until.getTime() / 1000),
  };
  const repositories = await listRepositories(q);
  const summary = await gitSummary(q, window);
  const architecture = await analyseArchitecture(q, window, options.config ?? DEFAULT_CONFIG);
  const files = architecture.files;
  const cut = <T>(items: T[]) => (options.detail ? items : items.slice(0, options.top));
  const builds = await buildsSection(q, { since: options.since, until: options.until });
  const since =
    options.since ?? (summary.firstCommitAt !== null ? new Date(summary.firstCommitAt * 1000) : null);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: options.now.toISOString(),
    window: { since: since ? since.toISOString() : null, until: options.until.toISOString() },
    repositories: repositories.map((r) => ({ name: r.name, path: r.path, github: r.github })),
    git: {
      commits: summary.commits,
      merges: summary.merges,
      authors: summary.authors,
      filesChanged: files.length,
      files: cut(files),
      coupling: cut(architecture.coupling),
      modules: cut(architecture.modules),
      moduleCoupling: cut(architecture.moduleCoupling),
      couplingPairs: architecture.coupling.length,
      excludedFiles: architecture.excludedFiles,
      largeChangeSets: architecture.largeChangeSets,
      warnings: architecture.warnings,
    },
    builds,
  };
}
