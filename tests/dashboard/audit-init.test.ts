import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectBuild } from '../../agent/commands/init.js';
import { validateConfig } from '../../agent/config.js';
import { runCli } from '../support/cli.js';
import { TestRepo, tempDir } from '../support/git-repo.js';
import { activityRepo } from './fixtures.js';

describe('dx-audit audit', () => {
  let repo: TestRepo;
  let work: string;
  beforeAll(() => {
    repo = activityRepo();
    work = tempDir('dx-audit-audit-');
  });
  afterAll(() => {
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('collects git, writes the dashboard and the weekly report, and prints three findings', async () => {
    const result = await runCli(['audit', repo.path], { cwd: work, env: { GITHUB_TOKEN: '', GH_TOKEN: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const folder = join(work, '.dx-audit');
    for (const file of ['dashboard.html', 'report.md', 'report.html', 'dx.db']) {
      expect(existsSync(join(folder, file)), file).toBe(true);
    }
    // The repository's last commits are in 2024-W03, long before "now": the window ends there, and the report covers that week.
    expect(result.stdout).toBe(
      [
        '',
        'Window:        2024-01-01 → 2024-01-18 (2.4 weeks: the last 52 weeks, ending at the newest collected data, starting at the oldest collected data inside it)',
        `Dashboard:     ${join(folder, 'dashboard.html')}`,
        `Weekly report: ${join(folder, 'report.md')}  (and ${join(folder, 'report.html')}), week 2024-W03`,
        'Build timing:  0 of 1 repository timed (0 runs) within the build budget of 10 min (--build-budget MINUTES).',
        '',
        'From git alone (1 merge): too few changes per person to judge fragile code or oversized changes. Review wait and CI need GitHub data (a token).',
        "  1. 6 commits in the window's 2.4 weeks (3 of its 3 calendar weeks with activity) in 1 repository; up to 2 people committed in one week.",
        '  2. Top hotspot: src/a.ts, changed in 3 commits, 2 lines, 8 lines churned.',
        '',
        `Skipped: build timing of ${basename(repo.path)} (no build system detected; time one with \`dx-audit build -- CMD\`); GitHub (no GitHub remote).`,
      ].join('\n'),
    );
    expect(readFileSync(join(folder, 'report.md'), 'utf8')).toContain('| Commits | 1 | 2 | +100 % |');
    expect(readFileSync(join(folder, 'dashboard.html'), 'utf8')).toContain('id="dx-report"');
    expect(result.stderr).toContain('6 commits, 1 merge,');
  });

  it('audits the clones inside a folder that is not a repository, and refuses a folder without any', async () => {
    const parent = tempDir('dx-audit-audit-parent-');
    try {
      mkdirSync(join(parent, 'one'));
      mkdirSync(join(parent, 'two'));
      const one = new TestRepo(join(parent, 'one'));
      one.commit({ files: { 'a.txt': 'a\n' } });
      const two = new TestRepo(join(parent, 'two'));
      two.commit({ files: { 'b.txt': 'b\n' } });
      two.commit({ files: { 'b.txt': 'b\nb\n' } });
      const result = await runCli(['--json', 'audit', '--no-build'], { cwd: parent });
      expect(result.exitCode, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as { findings: string[]; skipped: string[] };
      expect(summary.findings[0]).toMatch(
        /^3 commits in the window's \d+\.\d weeks \(\d of its \d calendar weeks? with activity\) in 2 repositories;/,
      );
      expect(summary.skipped).toEqual(['build timing (--no-build)', 'GitHub (no GitHub remote)']);
      const nothing = tempDir('dx-audit-audit-none-');
      const refused = await runCli(['audit'], { cwd: nothing });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toBe(
        `dx-audit: ${nothing} is not a git repository and holds no clone — run it inside a clone, or pass the folders of the clones: dx-audit audit PATH...`,
      );
      rmSync(nothing, { recursive: true, force: true });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('rejects a path that is not a repository before writing anything (exit 2)', async () => {
    const empty = tempDir('dx-audit-audit-bad-');
    try {
      const result = await runCli(['audit', join(empty, 'missing')], { cwd: empty });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(
        `dx-audit: ${join(empty, 'missing')} does not exist — pass the folder of a git clone`,
      );
      expect(existsSync(join(empty, '.dx-audit', 'dashboard.html'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('dx-audit init', () => {
  it('detects build commands from package.json and Makefiles', () => {
    const dir = tempDir('dx-audit-detect-');
    try {
      expect(detectBuild(dir)).toEqual({ command: null, clean: null, testCommand: null, source: null });
      writeFileSync(join(dir, 'Makefile'), 'CC := cc\nall: app\nclean:\n\trm -f app\ntest: all\n\t./app\n');
      // the same detector as `build` and `audit`: make runs the default target (the first, "all")
      expect(detectBuild(dir)).toEqual({
        command: 'make',
        clean: 'make clean',
        testCommand: 'make test',
        source: 'Makefile (its default target)',
      });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { build: 'tsc', test: 'vitest' } }));
      writeFileSync(join(dir, 'pnpm-lock.yaml'), '');
      expect(detectBuild(dir)).toEqual({
        command: 'pnpm run build',
        clean: null,
        testCommand: 'pnpm run test',
        source: 'package.json has a "build" script; pnpm-lock.yaml → pnpm',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with audit on a Go module, and writes paths relative to the config file', async () => {
    const parent = tempDir('dx-audit-init-go-');
    mkdirSync(join(parent, 'clones', 'lib'), { recursive: true });
    mkdirSync(join(parent, 'other'));
    const lib = new TestRepo(join(parent, 'clones', 'lib'));
    const other = new TestRepo(join(parent, 'other'));
    try {
      lib.commit({ files: { 'go.mod': 'module example.com/lib\n\ngo 1.22\n', 'lib.go': 'package lib\n' } });
      other.commit({ files: { 'README.md': '# other\n' } });
      const work = join(parent, 'clones');
      const result = await runCli(['init', 'lib', '../other'], { cwd: work });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout.split('\n')).toEqual([
        `Wrote ${join(work, 'dx-audit.config.json')}`,
        '  repositories: ./lib, ../other',
        '  GitHub: no remote found',
        '  build: go build ./... (clean: go clean -cache)',
      ]);
      const config = JSON.parse(readFileSync(join(work, 'dx-audit.config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(config['repositories']).toEqual(['./lib', '../other']);
      expect(config['build']).toEqual({
        command: 'go build ./...',
        clean: 'go clean -cache',
        testCommand: 'go test ./...',
      });
      // audit, run from anywhere with that config, finds both clones through the relative paths
      const audit = await runCli(
        ['--json', '--config', join(work, 'dx-audit.config.json'), 'audit', '--no-build', '--no-github'],
        { cwd: tempDir('dx-audit-elsewhere-'), env: { DX_AUDIT_DB: join(parent, 'dx.db') } },
      );
      expect(audit.exitCode, audit.stderr).toBe(0);
      const report = await runCli(['report', '--format', 'json', '--db', join(parent, 'dx.db')]);
      const names = (JSON.parse(report.stdout).repositories as { path: string }[]).map((r) => r.path).sort();
      expect(names).toEqual([lib.path, other.path].sort());
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('writes a commented config that loads without warnings, and refuses to overwrite it', async () => {
    const repo = new TestRepo();
    try {
      repo.commit({
        files: { 'package.json': JSON.stringify({ scripts: { build: 'tsc', clean: 'rm -rf dist' } }) },
      });
      repo.git('remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
      const result = await runCli(['init'], { cwd: repo.path });
      expect(result.exitCode, result.stderr).toBe(0);
      const file = join(repo.path, 'dx-audit.config.json');
      expect(result.stdout.split('\n')).toEqual([
        `Wrote ${file}`,
        '  repositories: .',
        '  GitHub: acme/widgets (' + repo.path.split('/').at(-1) + ')',
        '  build: npm run build (clean: npm run clean)',
      ]);
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(config['repositories']).toEqual(['.']);
      expect(config['build']).toEqual({
        command: 'npm run build',
        clean: 'npm run clean',
        testCommand: null,
      });
      expect(String(config['// github'])).toContain('acme/widgets');
      const loaded = validateConfig(config as Parameters<typeof validateConfig>[0]);
      expect(loaded.errors).toEqual([]);
      expect(loaded.warnings).toEqual([]);
      // The CLI reads it back without a warning.
      const report = await runCli(['--db', join(repo.path, 'x.db'), 'report', '--format', 'text'], {
        cwd: repo.path,
      });
      expect(report.stderr).toBe('');
      const again = await runCli(['init'], { cwd: repo.path });
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toBe(
        `dx-audit: ${file} already exists — edit it, or pass --force to write a fresh one`,
      );
      expect((await runCli(['init', '--force'], { cwd: repo.path })).exitCode).toBe(0);
    } finally {
      repo.remove();
    }
  });
});
