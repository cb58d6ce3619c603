// Bad and unusual input: odd file names, binary files, an empty window, a
// one-commit repository, exclusions (config globs, .gitattributes) and a
// config glob that matches nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { importHistory } from '../support/fast-import.js';
import type { TestRepo } from '../support/git-repo.js';
import { audit } from './helpers.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.remove();
});
const make = (...args: Parameters<typeof importHistory>) => {
  const repo = importHistory(...args);
  repos.push(repo);
  return repo;
};

describe('file names', () => {
  const names = ['dir with space/file name.ts', 'ünïcödé/日本語.ts', 'new\nline.txt', 'tab\tand "quote".txt'];
  it('keeps every name intact in files, coupling and modules', async () => {
    const repo = make(
      [1, 2, 3].map((n) => ({
        files: Object.fromEntries(names.map((p) => [p, `${'  '.repeat(n)}x${n}\n`])),
      })),
    );
    const run = await audit([repo.path], { coupling: { minRevisions: 1, minShared: 1, minDegree: 0 } });
    const { report } = await run.report();
    expect(report.git.files.map((f) => f.path).sort()).toEqual([...names].sort());
    for (const f of report.git.files) {
      expect(f).toMatchObject({
        revisions: 3,
        added: 3,
        deleted: 2,
        lines: 1,
        complexity: 1.5,
        hotspotScore: 1,
      });
    }
    expect(report.git.coupling).toHaveLength(6); // 4 choose 2, each shared 3, degree 100
    expect(report.git.coupling.every((c) => c.shared === 3 && c.degree === 100)).toBe(true);
    expect(report.git.modules.map((m) => m.name).sort()).toEqual(['.', 'dir with space', 'ünïcödé']);
    const text = await run.text();
    // a newline in a path is shown escaped, so one file stays one row
    expect(text).toContain('new\\nline.txt');
    expect(text.split('\n').some((line) => line === 'line.txt')).toBe(false);
  });
});

describe('binary files', () => {
  it('count revisions but have no churn, size, complexity, ownership or score', async () => {
    const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, n, 0]);
    const repo = make([
      { files: { 'logo.png': png(1), 'a.ts': 'a\n' } },
      { files: { 'logo.png': png(2), 'a.ts': 'a\n  b\n' } },
    ]);
    const { report } = await (await audit([repo.path])).report();
    expect(report.git.files.map((f) => f.path)).toEqual(['a.ts', 'logo.png']);
    expect(report.git.files[1]).toMatchObject({
      path: 'logo.png',
      revisions: 2,
      added: 0,
      deleted: 0,
      churn: 0,
      lines: null,
      complexity: null,
      maxIndent: null,
      mainAuthorShare: null,
      fragmentation: null,
      hotspotScore: null,
      fixRatio: 0,
    });
    expect(report.git.files[0]).toMatchObject({ complexity: 0.5, hotspotScore: 1 });
  });
});

describe('windows and tiny histories', () => {
  it('an empty window gives empty lists and says so', async () => {
    const repo = make([{ files: { 'a.ts': 'a\n' } }, { files: { 'a.ts': 'b\n' } }]);
    const run = await audit([repo.path]);
    const { report } = await run.report(['--since', '2000-01-01', '--until', '2000-02-01']);
    expect(report.git.commits).toBe(0);
    expect(report.git.files).toEqual([]);
    expect(report.git.coupling).toEqual([]);
    expect(report.git.modules).toEqual([]);
    expect(report.git.moduleCoupling).toEqual([]);
    expect(await run.text(['--since', '2000-01-01', '--until', '2000-02-01'])).toContain(
      'Hotspots: no file changed in the window',
    );
  });

  it('a one-commit repository has figures but no coupling', async () => {
    const repo = make([{ files: { 'src/a.ts': 'if (a) {\n    b();\n}\n', 'src/b.ts': 'flat\n' } }]);
    const { report } = await (await audit([repo.path])).report();
    expect(report.git.commits).toBe(1);
    expect(
      report.git.files.map((f) => [f.path, f.revisions, f.complexity, f.hotspotScore, f.couplingSum]),
    ).toEqual([
      ['src/a.ts', 1, 1, 1, 1],
      ['src/b.ts', 1, 0, 0, 1],
    ]);
    expect(report.git.coupling).toEqual([]);
    expect(report.git.modules).toMatchObject([{ kind: 'directory', name: 'src', revisions: 1, files: 2 }]);
  });
});

describe('exclusions', () => {
  it('leaves out lock, vendored and generated files, honours .gitattributes and config globs', async () => {
    const repo = make([
      {
        files: {
          '.gitattributes': 'gen/** linguist-generated\nthird_party/** linguist-vendored=false\n',
          'yarn.lock': 'x\n',
          'web/app.min.js': 'x\n',
          'vendor/lib.go': 'x\n',
          'gen/old.ts': 'x\n',
          'third_party/kept.c': 'x\n',
          'dist/bundle.js': 'x\n',
          'build/out.txt': 'x\n',
          'src/main.ts': 'x\n',
        },
      },
      { files: { 'gen/old.ts': null, 'gen/new.ts': 'y\n', 'src/main.ts': 'y\n' } },
    ]);
    const run = await audit([repo.path], {
      exclude: ['build', '!dist/**', 'nothing-here/**'],
      modules: { components: { app: ['src/**', 'lib/**'] } },
    });
    const { report, stderr } = await run.report();
    expect(report.git.files.map((f) => f.path).sort()).toEqual([
      '.gitattributes',
      'dist/bundle.js', // kept by "!dist/**"
      'src/main.ts',
      'third_party/kept.c', // linguist-vendored=false beats the default glob
    ]);
    // yarn.lock, app.min.js, vendor/, gen/ (also the deleted gen/old.ts), build/
    expect(report.git.excludedFiles).toBe(6);
    expect(report.git.warnings).toEqual([
      'the "exclude" glob "nothing-here/**" in the config matches no file changed in the window; check its spelling (globs are matched against paths relative to the repository root)',
      'the glob "lib/**" of component "app" in the config matches no file changed in the window; check its spelling (globs are matched against paths relative to the repository root)',
    ]);
    expect(report.git.modules.filter((m) => m.kind === 'component').map((m) => [m.name, m.files])).toEqual([
      ['app', 1],
    ]);
    expect(stderr).toContain('dx-audit: warning: the "exclude" glob "nothing-here/**"');
  });
});
