// Modules: files grouped by directory (the first `depth` folders of their path)
// or by named component (config globs), because architecture is discussed in
// modules. Figures roll up from the same change log as the files; coupling
// between modules uses code-maat's definitions with modules as the entities
// (commits over maxChangeSetSize files are dropped first, as for files).
import picomatch from 'picomatch';
import type { CouplingSettings } from '../config.js';
import { type CouplingPair, changeCoupling } from './coupling.js';
import type { RepoHistory } from './history.js';
import { type Ownership, OwnershipTable } from './ownership.js';

/** The directory module of `path`: its first `depth` folders; "." for files at the root. */
export function directoryModule(path: string, depth: number): string {
  const parts = path.split('/');
  parts.pop();
  if (parts.length === 0) return '.';
  return parts.slice(0, depth).join('/');
}

export interface ComponentMatcher {
  /** The first component, in config order, with a glob matching `path`; null when none does. */
  of(path: string): string | null;
  /** One warning per component glob that matched none of the paths asked about. */
  warnings(): string[];
}

/** Maps paths to the components of `modules.components`. */
export function componentMatcher(components: Record<string, string[]>): ComponentMatcher {
  const rules = Object.entries(components).map(([name, globs]) => ({
    name,
    globs: globs.map((glob) => ({ glob, match: picomatch(glob, { dot: true }), used: false })),
  }));
  return {
    of(path) {
      let found: string | null = null;
      // every glob is tried, so that one matching nothing can be reported
      for (const rule of rules) {
        for (const g of rule.globs) {
          if (!g.match(path)) continue;
          g.used = true;
          found ??= rule.name;
        }
      }
      return found;
    },
    warnings() {
      return rules.flatMap((rule) =>
        rule.globs
          .filter((g) => !g.used)
          .map(
            (g) =>
              `the glob "${g.glob}" of component "${rule.name}" in the config matches no file changed in the window; check its spelling (globs are matched against paths relative to the repository root)`,
          ),
      );
    },
  };
}

/** Figures of one module, before rounding. */
export interface ModuleRollUp extends Ownership {
  name: string;
  files: number;
  revisions: number;
  fixes: number;
  added: number;
  deleted: number;
  /** Latest commit time (unix seconds) touching the module. */
  last: number;
  authors: number;
  sumOfCoupling: number;
}

/**
 * Rolls a repository's change log up to modules. `moduleOfFile[fileId]` is the
 * module index (into `names`) or -1 for files that belong to none.
 */
export function rollUpModules(
  history: RepoHistory,
  moduleOfFile: Int32Array,
  names: readonly string[],
  coupling: CouplingSettings,
): { modules: ModuleRollUp[]; pairs: CouplingPair[] } {
  const count = names.length;
  const files = new Int32Array(count);
  for (const m of moduleOfFile) if (m >= 0) files[m]! += 1;
  const revisions = new Int32Array(count);
  const fixes = new Int32Array(count);
  const added = new Float64Array(count);
  const deleted = new Float64Array(count);
  const last = new Float64Array(count);
  const owners = new OwnershipTable(count, history.authors);
  const setOffsets = [0];
  const setMembers: number[] = [];
  const touched = new Int32Array(count).fill(-1);
  const { offsets, files: changed } = history;
  for (let k = 0; k < history.commits; k++) {
    const start = setMembers.length;
    for (let i = offsets[k]!; i < offsets[k + 1]!; i++) {
      const m = moduleOfFile[changed[i]!]!;
      if (m < 0) continue;
      added[m]! += history.added[i]!;
      deleted[m]! += history.deleted[i]!;
      owners.add(m, history.author[k]!, history.added[i]!);
      if (touched[m] !== k) {
        touched[m] = k;
        setMembers.push(m);
        revisions[m]! += 1;
        if (history.fix[k]) fixes[m]! += 1;
        if (history.time[k]! > last[m]!) last[m] = history.time[k]!;
      }
    }
    // the change-set size limit is about files: a commit too big for file coupling is too big here
    if (offsets[k + 1]! - offsets[k]! > coupling.maxChangeSetSize) setMembers.length = start;
    else setOffsets.push(setMembers.length);
  }
  const result = changeCoupling({ offsets: setOffsets, members: setMembers }, count, {
    ...coupling,
    maxChangeSetSize: Number.MAX_SAFE_INTEGER,
  });
  const ownership = owners.finish();
  const modules: ModuleRollUp[] = names.map((name, m) => ({
    name,
    files: files[m]!,
    revisions: revisions[m]!,
    fixes: fixes[m]!,
    added: added[m]!,
    deleted: deleted[m]!,
    last: last[m]!,
    authors: ownership.authors[m]!,
    sumOfCoupling: result.sumOfCoupling[m]!,
    ...ownership.of(m),
  }));
  return { modules, pairs: result.pairs };
}
