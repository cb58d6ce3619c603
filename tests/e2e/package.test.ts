// The npm package as a user gets it: `npm pack` (which builds in prepack),
// `npm install <tarball>` into an empty folder (install scripts off: the
// project's own sqlite3 binding is copied in), then the installed bin through
// npx: --version, and an audit of a fresh clone.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRepo, tempDir } from '../support/git-repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
/** The packed-size budget for the tarball. */
const MAX_PACKED_BYTES = 400 * 1024;

interface PackResult {
  filename: string;
  size: number;
  files: { path: string }[];
}

// npm's own configuration only: no workspace or lifecycle variables of the test runner leak in
const npmEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', DX_AUDIT_DB: '', GITHUB_TOKEN: '', GH_TOKEN: '' };
};

describe('the npm package', () => {
  const work = tempDir('dx-audit-pack-');
  const app = join(work, 'app');
  let packed: PackResult;
  let repo: TestRepo;

  beforeAll(async () => {
    // `npm test`'s check bundled dist/cli and the page already; prepack runs `npm run build` (asserted below)
    const pack = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: ROOT,
      env: npmEnv(),
      extendEnv: false,
    });
    packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;
    await execa('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // Install scripts off: sqlite3's native binding would compile from source here (about a minute
    // on an idle machine, many more beside a test run); the project's own build of the same N-API
    // binding is copied in instead, as `npm ci` made it.
    await execa(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        join(work, packed.filename),
      ],
      { cwd: app, env: npmEnv(), extendEnv: false },
    );
    const binding = join('node_modules', 'sqlite3', 'build', 'Release');
    cpSync(join(ROOT, binding), join(app, binding), { recursive: true });
    repo = new TestRepo();
    repo.commit({ files: { 'src/a.ts': 'export const a = 1;\n' }, message: 'add a' });
    repo.commit({ files: { 'src/a.ts': 'export const a = 2;\n', 'src/b.ts': 'b\n' }, message: 'fix a' });
    repo.commit({ files: { 'README.md': '# demo\n' }, message: 'docs' });
  }, 600_000);

  afterAll(() => repo?.remove());

  it('ships only what runs, under the size budget', () => {
    const paths = packed.files.map((f) => f.path);
    expect(packed.size).toBeLessThan(MAX_PACKED_BYTES);
    // with the Chart.js build the dashboard inlines, compressed as npm ships it
    const require = createRequire(import.meta.url);
    const chart = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    expect(packed.size + gzipSync(readFileSync(chart)).length).toBeLessThan(MAX_PACKED_BYTES);
    expect(statSync(join(work, packed.filename)).size).toBe(packed.size);
    for (const required of [
      'bin/dx-audit.js',
      'bin/package.json',
      'bin/wrap/wrap-entry.js',
      'dist/cli/dx-audit.js',
      'dist/cli/THIRD-PARTY-NOTICES.txt',
      'dist/dashboard/page.js',
      'action.yml',
      'LICENSE',
      'README.md',
      'package.json',
    ]) {
      expect(paths).toContain(required);
    }
    expect(paths.filter((p) => /^(tests|docs|dist\/tests)\//.test(p) || p.endsWith('.map'))).toEqual([]);
    // the CLI is one bundle: besides Node's own modules it imports only sqlite3, a native binding
    const imported = new Set<string>();
    const bundle = join(ROOT, 'dist', 'cli');
    for (const file of readdirSync(bundle).filter((name) => name.endsWith('.js'))) {
      const code = readFileSync(join(bundle, file), 'utf8');
      // static (`from"x";`, `import"x";`), dynamic (`import("x")`) and CommonJS (`__require("x")`) imports of a package name
      for (const m of code.matchAll(
        /\b(?:from|import|__require)\s*\(?\s*"((?:@[\w.-]+\/)?[a-z0-9][\w.-]*(?:\/[\w./-]+)?)"\s*[;)]/g,
      ))
        imported.add(m[1]!);
    }
    const external = [...imported].filter(
      (name) => !name.startsWith('node:') && !builtinModules.includes(name),
    );
    expect(external).toEqual(['sqlite3']);
    expect(paths.filter((p) => p.endsWith('.ts'))).toEqual([]);
    // a registry tarball is built by prepack, the same build as npm test's
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['prepack']).toBe('npm run build');
  });

  it('prints the package version through npx', async () => {
    const result = await execa('npx', ['--no-install', 'dx-audit', '--version'], {
      cwd: app,
      env: npmEnv(),
      extendEnv: false,
    });
    expect(result.stdout.trim()).toBe(PKG.version);
    // installed with its two runtime dependencies only: the rest is in the bundle
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules', PKG.name, 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).sort()).toEqual(['chart.js', 'sqlite3']);
    // (picomatch may still arrive as a dependency of sqlite3's build tools)
    for (const bundled of [
      'commander',
      'execa',
      'octokit',
      '@octokit/plugin-retry',
      '@octokit/plugin-throttling',
    ])
      expect(existsSync(join(app, 'node_modules', bundled))).toBe(false);
  });

  it('audits a fresh clone and writes the dashboard and the weekly report', async () => {
    const result = await execa(
      'npx',
      ['--no-install', 'dx-audit', 'audit', repo.path, '--no-build', '--no-github', '--json'],
      { cwd: app, env: npmEnv(), extendEnv: false, reject: false },
    );
    expect(result.exitCode).toBe(0);
    // stderr has the collection notes, never an error
    expect(result.stderr).not.toMatch(/error|missing|cannot/i);
    const out = JSON.parse(result.stdout) as { dashboard: string; report: { markdown: string } };
    expect(out.dashboard).toBe(join(app, '.dx-audit', 'dashboard.html'));
    expect(existsSync(out.dashboard)).toBe(true);
    const html = readFileSync(out.dashboard, 'utf8');
    // Chart.js from the installed dependency is inlined, and the data counts the 3 commits
    expect(html).toContain('Chart.js v4');
    expect(existsSync(out.report.markdown)).toBe(true);
    const report = await execa(
      'npx',
      ['--no-install', 'dx-audit', 'report', '--format', 'json', '--since', '2023-01-01'],
      { cwd: app, env: npmEnv(), extendEnv: false },
    );
    expect((JSON.parse(report.stdout) as { git: { commits: number } }).git.commits).toBe(3);
  });
});
