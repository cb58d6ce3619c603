// Fragile architecture (SPEC §5): per-file hotspots, ownership, defect density
// and change coupling, rolled up to modules. One pass over the window's change
// log feeds every figure, so they always describe the same commits.
import type { Config } from '../config.js';
import type { Queryable } from '../store/db.js';
import { loadTipFiles } from './complexity.js';
import { type CouplingPair, changeCoupling } from './coupling.js';
import { fixRatio } from './defects.js';
import type { ExcludedByReason } from './exclusions.js';
import type { FileStats, Window } from './git-files.js';
import { loadHistory, type RepoHistory } from './history.js';
import { hotspotScores, round } from './hotspots.js';
import { componentMatcher, directoryModule, type ModuleRollUp, rollUpModules } from './modules.js';
import { OwnershipTable } from './ownership.js';

const DAY = 86_400;

/** A file's figures over the window (SPEC §11 git.files[] plus the architecture figures). */
export interface ArchitectureFile extends FileStats {
  /** Share of the added lines written by the author who added most (0..1); null when nothing was added. */
  mainAuthorShare: number | null;
  /** Knowledge fragmentation, 1 − Σ share² over authors by added lines (0..1); null when nothing was added. */
  fragmentation: number | null;
  /** Commits whose subject marks a fix or revert. */
  fixes: number;
  /** fixes / revisions (0..1). */
  fixRatio: number | null;
  /** Total logical indentation at the tip (indentation levels summed over non-blank lines); null when deleted or binary. */
  complexity: number | null;
  /** Deepest indentation level at the tip; null when deleted or binary. */
  maxIndent: number | null;
  /** Days from the last change to the end of the window. */
  ageDays: number;
  /** Sum of coupling: Σ over its coupling change sets of (files in the change set − 1). */
  couplingSum: number;
  /** Revisions counted for coupling (commits over maxChangeSetSize files left out). */
  couplingRevisions: number;
  /** (revisions / max revisions) × (complexity / max complexity) within the repository, 0..1; null without complexity. */
  hotspotScore: number | null;
  /** Directory module (first `modules.depth` folders; "." at the root). */
  module: string;
  /** Component from `modules.components`, or null. */
  component: string | null;
}

/** A pair of files that change together (git.coupling[]). */
export interface FileCoupling {
  repo: string;
  a: string;
  b: string;
  /** Commits changing both. */
  shared: number;
  /** 100 × shared / average revisions, in %, rounded to 2 decimals (thresholds use the exact value). */
  degree: number;
  revisionsA: number;
  revisionsB: number;
  averageRevisions: number;
  /** The two files are in different directory modules. */
  crossModule: boolean;
}

/** Figures of a directory or component (git.modules[]). */
export interface ArchitectureModule {
  repo: string;
  kind: 'directory' | 'component';
  name: string;
  files: number;
  revisions: number;
  added: number;
  deleted: number;
  churn: number;
  lines: number;
  complexity: number;
  authors: number;
  mainAuthorShare: number | null;
  fragmentation: number | null;
  fixRatio: number | null;
  lastChanged: string;
  ageDays: number;
  /** Sum of its files' hotspot scores. */
  hotspotScore: number;
  couplingSum: number;
  /** Reported file couplings with one file inside the module and one outside. */
  crossModuleCouplings: number;
}

/** Two modules that change together (git.moduleCoupling[]), same definitions as file coupling. */
export interface ModuleCoupling {
  repo: string;
  kind: 'directory' | 'component';
  a: string;
  b: string;
  shared: number;
  degree: number;
  revisionsA: number;
  revisionsB: number;
  averageRevisions: number;
}

export interface Architecture {
  /** Ranked by hotspotScore (files without a score last), then revisions. */
  files: ArchitectureFile[];
  /** Ranked by degree, then shared. */
  coupling: FileCoupling[];
  /** Ranked by hotspotScore, then revisions. */
  modules: ArchitectureModule[];
  /** Ranked by degree, then shared. */
  moduleCoupling: ModuleCoupling[];
  /** Distinct paths changed in the window that exclusions left out. */
  excludedFiles: number;
  /** The same paths by why they were left out (lock/generated, vendored, prose/documentation, config glob). */
  excludedByReason: ExcludedByReason;
  /** Commits left out of coupling for changing more than maxChangeSetSize files. */
  largeChangeSets: number;
  warnings: string[];
}

export type ArchitectureConfig = Pick<Config, 'exclude' | 'fixPatterns' | 'coupling' | 'modules'>;

/** No files, couplings or modules (before any repository is analysed, or when none is). */
export function emptyArchitecture(): Architecture {
  return {
    files: [],
    coupling: [],
    modules: [],
    moduleCoupling: [],
    excludedFiles: 0,
    excludedByReason: { generated: 0, vendored: 0, documentation: 0, config: 0 },
    largeChangeSets: 0,
    warnings: [],
  };
}

/** Computes every architecture figure for the window. */
export async function analyseArchitecture(
  q: Queryable,
  window: Window,
  config: ArchitectureConfig,
): Promise<Architecture> {
  const history = await loadHistory(q, window, config);
  const tips = await loadTipFiles(q);
  const result: Architecture = { ...emptyArchitecture(), warnings: history.warnings };
  const component = componentMatcher(config.modules.components);
  for (const repo of history.repos) {
    analyseRepository(
      repo,
      tips.get(repo.repoId) ?? new Map(),
      window,
      config,
      (path) => component.of(path),
      result,
    );
  }
  if (history.repos.length > 0) result.warnings.push(...component.warnings());
  result.files.sort(
    (x, y) =>
      (y.hotspotScore ?? -1) - (x.hotspotScore ?? -1) ||
      y.revisions - x.revisions ||
      y.churn - x.churn ||
      compare(x.repo, y.repo) ||
      compare(x.path, y.path),
  );
  const byDegree = (x: FileCoupling | ModuleCoupling, y: FileCoupling | ModuleCoupling) =>
    y.degree - x.degree ||
    y.shared - x.shared ||
    compare(x.repo, y.repo) ||
    compare(x.a, y.a) ||
    compare(x.b, y.b);
  result.coupling.sort(byDegree);
  result.moduleCoupling.sort(
    (x, y) => (x.kind === y.kind ? 0 : x.kind === 'directory' ? -1 : 1) || byDegree(x, y),
  );
  result.modules.sort(
    (x, y) =>
      y.hotspotScore - x.hotspotScore ||
      y.revisions - x.revisions ||
      compare(x.repo, y.repo) ||
      compare(x.kind, y.kind) ||
      compare(x.name, y.name),
  );
  return result;
}

function analyseRepository(
  history: RepoHistory,
  tip: ReadonlyMap<string, { lines: number | null; complexity: number | null; maxIndent: number | null }>,
  window: Window,
  config: ArchitectureConfig,
  componentOf: (path: string) => string | null,
  out: Architecture,
): void {
  const n = history.paths.length;
  const revisions = new Int32Array(n);
  const fixes = new Int32Array(n);
  const added = new Float64Array(n);
  const deleted = new Float64Array(n);
  const last = new Float64Array(n);
  const owners = new OwnershipTable(n, history.authors);
  const { offsets, files: changed } = history;
  for (let k = 0; k < history.commits; k++) {
    const time = history.time[k]!;
    const fix = history.fix[k] === 1;
    const author = history.author[k]!;
    for (let i = offsets[k]!; i < offsets[k + 1]!; i++) {
      const f = changed[i]!;
      revisions[f]! += 1;
      if (fix) fixes[f]! += 1;
      added[f]! += history.added[i]!;
      deleted[f]! += history.deleted[i]!;
      if (time > last[f]!) last[f] = time;
      owners.add(f, author, history.added[i]!);
    }
  }
  const ownership = owners.finish();
  const coupling = changeCoupling({ offsets, members: changed }, n, config.coupling);
  out.largeChangeSets += coupling.dropped;
  out.excludedFiles += history.excludedFiles;
  for (const reason of Object.keys(out.excludedByReason) as (keyof ExcludedByReason)[])
    out.excludedByReason[reason] += history.excludedByReason[reason];

  const tipOf = history.paths.map((path) => tip.get(path));
  const scores = hotspotScores(
    history.paths.map((_, f) => ({ revisions: revisions[f]!, complexity: tipOf[f]?.complexity ?? null })),
  );
  const directoryOf = history.paths.map((path) => directoryModule(path, config.modules.depth));
  const componentOfFile = history.paths.map((path) => componentOf(path));
  const files: ArchitectureFile[] = history.paths.map((path, f) => {
    const owner = ownership.of(f);
    const ratio = fixRatio(fixes[f]!, revisions[f]!);
    const t = tipOf[f];
    return {
      repo: history.repo,
      path,
      revisions: revisions[f]!,
      added: added[f]!,
      deleted: deleted[f]!,
      churn: added[f]! + deleted[f]!,
      lines: t?.lines ?? null,
      authors: ownership.authors[f]!,
      lastChanged: iso(last[f]!),
      mainAuthorShare: owner.mainAuthorShare === null ? null : round(owner.mainAuthorShare, 4),
      fragmentation: owner.fragmentation === null ? null : round(owner.fragmentation, 4),
      fixes: fixes[f]!,
      fixRatio: ratio === null ? null : round(ratio, 4),
      complexity: t?.complexity ?? null,
      maxIndent: t?.maxIndent ?? null,
      ageDays: round(((window.asOf ?? window.until) - last[f]!) / DAY, 1),
      couplingSum: coupling.sumOfCoupling[f]!,
      couplingRevisions: coupling.revisions[f]!,
      hotspotScore: scores[f] ?? null,
      module: directoryOf[f]!,
      component: componentOfFile[f] ?? null,
    };
  });
  for (const file of files) out.files.push(file);
  for (const pair of coupling.pairs) {
    out.coupling.push({
      repo: history.repo,
      ...ordered(history.paths, pair),
      crossModule: directoryOf[pair.a] !== directoryOf[pair.b],
    });
  }

  const groupings: { kind: 'directory' | 'component'; of: (string | null)[] }[] = [
    { kind: 'directory', of: directoryOf },
  ];
  if (Object.keys(config.modules.components).length > 0)
    groupings.push({ kind: 'component', of: componentOfFile });
  for (const { kind, of } of groupings) {
    const names: string[] = [];
    const ids = new Map<string, number>();
    const moduleOfFile = new Int32Array(n);
    for (let f = 0; f < n; f++) {
      const name = of[f];
      if (name === null || name === undefined) {
        moduleOfFile[f] = -1;
        continue;
      }
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        ids.set(name, id);
        names.push(name);
      }
      moduleOfFile[f] = id;
    }
    const rolled = rollUpModules(history, moduleOfFile, names, config.coupling);
    const lines = new Float64Array(names.length);
    const complexity = new Float64Array(names.length);
    const hotspot = new Float64Array(names.length);
    const cross = new Int32Array(names.length);
    for (let f = 0; f < n; f++) {
      const m = moduleOfFile[f]!;
      if (m < 0) continue;
      lines[m]! += files[f]!.lines ?? 0;
      complexity[m]! += files[f]!.complexity ?? 0;
      hotspot[m]! += files[f]!.hotspotScore ?? 0;
    }
    for (const pair of coupling.pairs) {
      const ma = moduleOfFile[pair.a]!;
      const mb = moduleOfFile[pair.b]!;
      if (ma === mb) continue;
      if (ma >= 0) cross[ma]! += 1;
      if (mb >= 0) cross[mb]! += 1;
    }
    rolled.modules.forEach((m: ModuleRollUp, i) => {
      const ratio = fixRatio(m.fixes, m.revisions);
      out.modules.push({
        repo: history.repo,
        kind,
        name: m.name,
        files: m.files,
        revisions: m.revisions,
        added: m.added,
        deleted: m.deleted,
        churn: m.added + m.deleted,
        lines: lines[i]!,
        complexity: round(complexity[i]!, 2),
        authors: m.authors,
        mainAuthorShare: m.mainAuthorShare === null ? null : round(m.mainAuthorShare, 4),
        fragmentation: m.fragmentation === null ? null : round(m.fragmentation, 4),
        fixRatio: ratio === null ? null : round(ratio, 4),
        lastChanged: iso(m.last),
        ageDays: round(((window.asOf ?? window.until) - m.last) / DAY, 1),
        hotspotScore: round(hotspot[i]!, 4),
        couplingSum: m.sumOfCoupling,
        crossModuleCouplings: cross[i]!,
      });
    });
    for (const pair of rolled.pairs) {
      out.moduleCoupling.push({ repo: history.repo, kind, ...ordered(names, pair) });
    }
  }
}

/** A pair with its two names in code-point order (a < b) and the figures that go with each side. */
function ordered(names: readonly string[], pair: CouplingPair) {
  const first = names[pair.a]!;
  const second = names[pair.b]!;
  const swap = compare(first, second) > 0;
  return {
    a: swap ? second : first,
    b: swap ? first : second,
    shared: pair.shared,
    degree: round(pair.degree, 2),
    revisionsA: swap ? pair.revisionsB : pair.revisionsA,
    revisionsB: swap ? pair.revisionsA : pair.revisionsB,
    averageRevisions: pair.averageRevisions,
  };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Code-point order, the same on every machine (unlike localeCompare). */
function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
