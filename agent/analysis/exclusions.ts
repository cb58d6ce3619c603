// Which paths the architecture analysis leaves out: lock files, vendored and
// generated code (they change in bulk and say nothing about design) and prose
// (it changes with releases and languages, not with the design), unless the
// config says otherwise. Precedence, strongest first:
//   1. a config "!glob" keeps the path;
//   2. a config glob excludes it;
//   3. linguist-generated / linguist-vendored / linguist-documentation set in
//      .gitattributes at the tip excludes it;
//   4. the default globs below exclude it, unless .gitattributes explicitly
//      unsets the attribute of that default's kind (`-linguist-documentation`
//      keeps a Markdown file, `linguist-vendored=false` keeps a vendor/ folder).
import picomatch from 'picomatch';
import type { Queryable } from '../store/db.js';

/** Why a path is left out: a config glob, or what kind of file it is (by default glob or linguist attribute). */
export type ExclusionReason = 'config' | 'generated' | 'vendored' | 'documentation';

/** Distinct paths left out, by reason. */
export type ExcludedByReason = Record<ExclusionReason, number>;

/** Default globs by kind; each kind is the linguist attribute that can override it. */
export const DEFAULT_EXCLUDES_BY_KIND: Readonly<
  Record<Exclude<ExclusionReason, 'config'>, readonly string[]>
> = {
  // lock files, minified bundles and build output: written by tools
  generated: [
    '**/package-lock.json',
    '**/npm-shrinkwrap.json',
    '**/yarn.lock',
    '**/pnpm-lock.yaml',
    '**/bun.lockb',
    '**/Cargo.lock',
    '**/go.sum',
    '**/poetry.lock',
    '**/Pipfile.lock',
    '**/uv.lock',
    '**/Gemfile.lock',
    '**/composer.lock',
    '**/packages.lock.json',
    '**/*.min.js',
    '**/*.min.css',
    '**/dist/**',
  ],
  vendored: ['**/vendor/**', '**/node_modules/**', '**/third_party/**'],
  // prose and translations: they change with releases and languages, not with the design
  documentation: [
    '**/*.md',
    '**/*.markdown',
    '**/*.adoc',
    '**/*.asciidoc',
    '**/*.rst',
    '**/*.po',
    '**/*.pot',
    '**/*.xliff',
    '**/*.xlf',
  ],
};

/** Lock files, minified bundles, vendored and build-output folders, prose (Markdown, AsciiDoc, reStructuredText) and translation catalogues. */
export const DEFAULT_EXCLUDES: readonly string[] = Object.values(DEFAULT_EXCLUDES_BY_KIND).flat();

/** linguist attributes of one path: 1 set/true, 0 explicitly false, null unspecified. */
export interface LinguistFlags {
  generated: 0 | 1 | null;
  vendored: 0 | 1 | null;
  /** Absent means unspecified (attributes recorded before it was read). */
  documentation?: 0 | 1 | null;
}

export interface Exclusion {
  /** True when `path` of repository `repoId` is left out of the analysis. */
  excludes(repoId: number, path: string): boolean;
  /** Why `path` is left out, or null when it is kept. */
  reason(repoId: number, path: string): ExclusionReason | null;
  /** One warning per config glob that matched none of the paths seen by `excludes`. */
  warnings(): string[];
}

type Matcher = (path: string) => boolean;

/** A glob without a slash matches a file or folder name at any depth, as in .gitignore. */
function compile(globs: readonly string[]): Matcher {
  const match = picomatch([...globs], { dot: true, basename: !globs.some((glob) => glob.includes('/')) });
  return (path) => {
    if (match(path)) return true;
    // a glob naming a folder covers everything under it
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (match(path.slice(0, slash))) return true;
    }
    return false;
  };
}

/**
 * Builds the exclusion rule from the config's `exclude` globs and the linguist
 * attributes recorded at collection (repoId → path → flags).
 */
export function createExclusion(
  configGlobs: readonly string[],
  attributes: ReadonlyMap<number, ReadonlyMap<string, LinguistFlags>>,
): Exclusion {
  // one expression per kind: the defaults match whole paths, so no folder walk is needed
  const kinds = (Object.keys(DEFAULT_EXCLUDES_BY_KIND) as (keyof typeof DEFAULT_EXCLUDES_BY_KIND)[]).map(
    (kind) => ({
      kind,
      re: new RegExp(
        DEFAULT_EXCLUDES_BY_KIND[kind].map((glob) => picomatch.makeRe(glob, { dot: true }).source).join('|'),
      ),
    }),
  );
  const config = configGlobs.map((glob) => {
    const negated = glob.startsWith('!');
    const pattern = negated ? glob.slice(1) : glob;
    return { glob, negated, match: compile([pattern]), used: false };
  });
  const cache = new Map<string, ExclusionReason | null>();
  const decide = (repoId: number, path: string): ExclusionReason | null => {
    let configVerdict: boolean | null = null;
    for (const rule of config) {
      if (!rule.match(path)) continue;
      rule.used = true;
      if (rule.negated) configVerdict = false;
      else if (configVerdict === null) configVerdict = true;
    }
    if (configVerdict !== null) return configVerdict ? 'config' : null;
    const flags = attributes.get(repoId)?.get(path);
    if (flags?.generated === 1) return 'generated';
    if (flags?.vendored === 1) return 'vendored';
    if (flags?.documentation === 1) return 'documentation';
    for (const { kind, re } of kinds) {
      if (flags?.[kind] === 0) continue;
      if (re.test(path)) return kind;
    }
    return null;
  };
  const reason = (repoId: number, path: string): ExclusionReason | null => {
    const key = `${repoId}\0${path}`;
    let verdict = cache.get(key);
    if (verdict === undefined) {
      verdict = decide(repoId, path);
      cache.set(key, verdict);
    }
    return verdict;
  };
  return {
    excludes: (repoId, path) => reason(repoId, path) !== null,
    reason,
    warnings() {
      return config
        .filter((rule) => !rule.used)
        .map(
          (rule) =>
            `the "exclude" glob "${rule.glob}" in the config matches no file changed in the window; check its spelling (globs are matched against paths relative to the repository root)`,
        );
    },
  };
}

/** linguist flags recorded at collection, per repository and path. */
export async function loadAttributes(q: Queryable): Promise<Map<number, Map<string, LinguistFlags>>> {
  const rows = await q.all<{
    repo_id: number;
    path: string;
    generated: 0 | 1 | null;
    vendored: 0 | 1 | null;
    documentation: 0 | 1 | null;
  }>('SELECT repo_id, path, generated, vendored, documentation FROM git_path_attributes');
  const result = new Map<number, Map<string, LinguistFlags>>();
  for (const row of rows) {
    let repo = result.get(row.repo_id);
    if (!repo) {
      repo = new Map();
      result.set(row.repo_id, repo);
    }
    repo.set(row.path, {
      generated: row.generated,
      vendored: row.vendored,
      documentation: row.documentation,
    });
  }
  return result;
}
