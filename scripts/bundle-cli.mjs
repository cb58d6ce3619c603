// Bundles the command line (agent/cli.ts and everything it imports, its
// dependencies included) into dist/cli/: one ES module for the entry and one
// chunk per lazily loaded command, so a run reads a dozen files instead of
// several hundred. Node 20 has no compile cache, and resolving and compiling
// the separate modules of commander, execa and octokit took more CPU than most
// commands' own work (report: 1.01 s of CPU → 0.66 s).
//
// `wrap -- CMD` runs before every wrapped build, so bin/dx-audit.js takes a
// short road for it: agent/wrap-entry.ts and what it imports, bundled into one
// CommonJS file, bin/wrap/wrap-entry.js, which loads without the ES module
// loader, the command-line framework, the config or SQLite.
//
// Left out of the bundle: sqlite3 (a native binding, installed as a
// dependency) and Chart.js (read from node_modules as a file and inlined into
// the dashboard). The licences of the bundled packages are written beside the
// bundle, in THIRD-PARTY-NOTICES.txt.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
rmSync(outdir, { recursive: true, force: true });
rmSync(join(root, 'bin', 'wrap'), { recursive: true, force: true });

/** What both bundles share: Node 20, and whitespace and syntax minified only, so names stay readable in a stack trace. */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

const wrap = await build({
  ...common,
  entryPoints: ['agent/wrap-entry.ts'],
  format: 'cjs',
  outfile: join(root, 'bin', 'wrap', 'wrap-entry.js'),
});
// The short road holds Node's own modules and dx-audit's code only, and no
// import.meta (empty in CommonJS): esbuild would bundle a package or warn, so
// both fail the build here.
const packagesInWrap = Object.keys(wrap.metafile.inputs).filter((input) => input.includes('node_modules/'));
if (packagesInWrap.length > 0)
  throw new Error(`the wrap short road must not bundle packages, but imports ${packagesInWrap.join(', ')}`);
if (wrap.warnings.length > 0) throw new Error('the wrap short road built with warnings (above)');

const result = await build({
  ...common,
  entryPoints: { 'dx-audit': 'agent/cli.ts' },
  splitting: true,
  format: 'esm',
  outdir,
  external: ['sqlite3'],
  // the bundled CommonJS packages (commander, picomatch) call require() for Node's own modules
  banner: {
    js: "import { createRequire as __dxCreateRequire } from 'node:module'; const require = __dxCreateRequire(import.meta.url);",
  },
});
if (result.warnings.length > 0) throw new Error('the command line built with warnings (above)');

/** The package folder an input path lies in: node_modules/<name> or node_modules/@scope/<name>, nested ones included. */
function packageDir(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const length = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + length).join('/');
}

const packages = [...new Set(Object.keys(result.metafile.inputs).map(packageDir).filter(Boolean))].sort();
const notices = packages.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
  if (!licenceFile) throw new Error(`${manifest.name} is bundled into dist/cli but ships no licence file`);
  const text = readFileSync(join(root, dir, licenceFile), 'utf8').trim();
  return `${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}\n`;
});
writeFileSync(
  join(outdir, 'THIRD-PARTY-NOTICES.txt'),
  `dx-audit's bundled command line (dist/cli) contains the following packages.\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);
if (!existsSync(join(outdir, 'dx-audit.js'))) throw new Error('the bundle has no dx-audit.js entry');
