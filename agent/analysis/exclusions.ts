// Which paths the architecture analysis leaves out: lock files, vendored and
// generated code (they change in bulk and say nothing about design), unless
// the config says otherwise. Precedence, strongest first:
//   1. a config "!glob" keeps the path;
//   2. a config glob excludes it;
//   3. linguist-generated / linguist-vendored in .gitattributes at the tip
//      (true excludes; an explicit false keeps a path a default glob would drop);
//   4. the default globs below exclude it.
import picomatch from 'picomatch';

/** Lock files, minified bundles, vendored and build-output folders, prose (Markdown, AsciiDoc, reStructuredText) and translation catalogues. */
export const DEFAULT_EXCLUDES: readonly string[] = [
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
  '**/vendor/**',
  '**/node_modules/**',
  '**/third_party/**',
  '**/dist/**',
  // prose and translations: they change with releases and languages, not with the design
  '**/*.md',
  '**/*.markdown',
  '**/*.adoc',
  '**/*.asciidoc',
  '**/*.rst',
  '**/*.po',
  '**/*.pot',
  '**/*.xliff',
  '**/*.xlf',
];

/** linguist attributes of one path: 1 set/true, 0 explicitly false, null unspecified. */
export interface LinguistFlags {
  generated: 0 | 1 | null;
  vendored: 0 | 1 | null;
}

export interface Exclusion {
  /** True when `path` of repository `repoId` is left out of the analysis. */
  excludes(repoId: number, path: string): boolean;
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
  // one expression for all defaults: they match whole paths, so no folder walk is needed
  const defaultsRe = new RegExp(
    DEFAULT_EXCLUDES.map((glob) => picomatch.makeRe(glob, { dot: true }).source).join('|'),
  );
  const defaults = (path: string) => defaultsRe.test(path);
  const config = configGlobs.map((glob) => {
    const negated = glob.startsWith('!');
    const pattern = negated ? glob.slice(1) : glob;
    return { glob, negated, match: compile([pattern]), used: false };
  });
  const cache = new Map<string, boolean>();
  const decide = (repoId: number, path: string): boolean => {
    let configVerdict: boolean | null = null;
    for (const rule of config) {
      if (!rule.match(path)) continue;
      rule.used = true;
      if (rule.negated) configVerdict = false;
      else if (configVerdict === null) configVerdict = true;
    }
    if (configVerdict !== null) return configVerdict;
    const flags = attributes.get(repoId)?.get(path);
    if (flags && (flags.generated === 1 || flags.vendored === 1)) return true;
    if (flags && (flags.generated === 0 || flags.vendored === 0)) return false;
    return defaults(path);
  };
  return {
    excludes(repoId, path) {
      const key = `${repoId}\0${path}`;
      let verdict = cache.get(key);
      if (verdict === undefined) {
        verdict = decide(repoId, path);
        cache.set(key, verdict);
      }
      return verdict;
    },
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
