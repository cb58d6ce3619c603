// A five-commit history whose every figure is computed by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { importHistory } from '../support/fast-import.js';
import type { TestRepo } from '../support/git-repo.js';
import { type Audit, ageDays, audit, commitTime } from './helpers.js';

const alice = { name: 'Alice', email: 'alice@example.com' };
const bob = { name: 'Bob', email: 'bob@example.com' };

// core.ts: A1 (3 lines) → A2 = A1 + 5 lines → A3 = A2 + 3 lines → back to A2.
const A1 = 'function a() {\n  return 1;\n}\n';
const A2 = `${A1}function b() {\n  if (x) {\n    return 2;\n  }\n}\n`;
const A3 = `${A2}function c() {\n\treturn 3;\n}\n`;
// util.ts: 1 line, +1, +3 (the last one indented by two tabs = 8 columns).
const U1 = 'const x = 1;\n';
const U2 = `${U1}const y = 2;\n`;
const U3 = `${U2}if (x) {\n\t\tdeep();\n}\n`;
const R1 = '# Title\n';
const R2 = `${R1}  indented\n`;

let repo: TestRepo;
let run: Audit;
let report: Report;

beforeAll(async () => {
  repo = importHistory([
    {
      author: alice,
      message: 'initial',
      files: { 'src/core.ts': A1, 'src/util.ts': U1, 'docs/readme.txt': R1, 'package-lock.json': '{}\n' },
    },
    { author: bob, message: 'Fix crash in core', files: { 'src/core.ts': A2, 'src/util.ts': U2 } },
    { author: alice, message: 'add feature', files: { 'src/core.ts': A3 } },
    { author: bob, message: 'Revert "add feature"', files: { 'src/core.ts': A2, 'docs/readme.txt': R2 } },
    // "fixture" is not a fix: \bfix(e[sd])?\b needs a word boundary after it
    { author: alice, message: 'prefix fixture', files: { 'src/util.ts': U3 } },
  ]);
  run = await audit([repo.path], {
    coupling: { minRevisions: 2, minShared: 2, minDegree: 50 },
    modules: { depth: 1, components: { core: ['src/core.ts'], rest: ['src/**', 'docs/**'] } },
  });
  report = (await run.report()).report;
});

afterAll(() => repo?.remove());

const file = (path: string) => {
  const found = report.git.files.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path} in the report`);
  return found;
};

describe('per-file figures', () => {
  it('counts commits, authors and excluded files', () => {
    expect(report.git.commits).toBe(5);
    expect(report.git.authors).toBe(2);
    // package-lock.json is a default exclusion
    expect(report.git.filesChanged).toBe(3);
    expect(report.git.excludedFiles).toBe(1);
    expect(report.git.files.map((f) => f.path)).toEqual(['src/core.ts', 'src/util.ts', 'docs/readme.txt']);
  });

  it('src/core.ts: 4 revisions, 11 added, 3 deleted, alice 6 of 11 lines, 2 fix/revert commits', () => {
    expect(file('src/core.ts')).toEqual({
      repo: report.repositories[0]!.name,
      path: 'src/core.ts',
      revisions: 4,
      added: 11,
      deleted: 3,
      churn: 14,
      lines: 8,
      authors: 2,
      lastChanged: new Date(commitTime(4) * 1000).toISOString(),
      mainAuthorShare: 0.5455, // 6 / 11
      fragmentation: 0.4959, // 1 − (6/11)² − (5/11)² = 60/121
      fixes: 2,
      fixRatio: 0.5,
      complexity: 2.5, // indentation 0+2+0+0+2+4+2+0 = 10 columns = 2.5 levels
      maxIndent: 1,
      ageDays: ageDays(commitTime(4)),
      couplingSum: 4, // (3−1) + (2−1) + (1−1) + (2−1)
      couplingRevisions: 4,
      hotspotScore: 1, // (4/4) × (2.5/2.5)
      module: 'src',
      component: 'core',
    });
  });

  it('src/util.ts: alice 4 of 5 added lines, one fix in three commits', () => {
    expect(file('src/util.ts')).toMatchObject({
      revisions: 3,
      added: 5,
      deleted: 0,
      churn: 5,
      lines: 5,
      authors: 2,
      mainAuthorShare: 0.8,
      fragmentation: 0.32, // 1 − 0.8² − 0.2²
      fixes: 1,
      fixRatio: 0.3333,
      complexity: 2, // two tabs = 8 columns
      maxIndent: 2,
      ageDays: ageDays(commitTime(5)),
      couplingSum: 3,
      couplingRevisions: 3,
      hotspotScore: 0.6, // (3/4) × (2/2.5)
      module: 'src',
      component: 'rest',
    });
  });

  it('docs/readme.txt: half each, one revert in two commits', () => {
    expect(file('docs/readme.txt')).toMatchObject({
      revisions: 2,
      added: 2,
      deleted: 0,
      lines: 2,
      authors: 2,
      mainAuthorShare: 0.5,
      fragmentation: 0.5,
      fixRatio: 0.5,
      complexity: 0.5,
      maxIndent: 0.5,
      couplingSum: 3,
      hotspotScore: 0.1, // (2/4) × (0.5/2.5)
      module: 'docs',
    });
  });
});

describe('coupling', () => {
  it('reports the pairs over the thresholds, ranked by degree', () => {
    expect(report.git.coupling).toEqual([
      {
        repo: report.repositories[0]!.name,
        a: 'docs/readme.txt',
        b: 'src/core.ts',
        shared: 2, // commits 1 and 4
        degree: 66.67, // 2 / ((2 + 4) / 2)
        revisionsA: 2,
        revisionsB: 4,
        averageRevisions: 3,
        crossModule: true,
      },
      {
        repo: report.repositories[0]!.name,
        a: 'src/core.ts',
        b: 'src/util.ts',
        shared: 2, // commits 1 and 2
        degree: 57.14, // 2 / 3.5
        revisionsA: 4,
        revisionsB: 3,
        averageRevisions: 3.5,
        crossModule: false,
      },
    ]);
    expect(report.git.couplingPairs).toBe(2);
  });

  it('lists only the top entries without --detail', async () => {
    run.configure({
      coupling: { minRevisions: 2, minShared: 2, minDegree: 50 },
      modules: { depth: 1, components: { core: ['src/core.ts'], rest: ['src/**', 'docs/**'] } },
    });
    const { report: top } = await run.report(['--top', '1']);
    expect(top.git.files.map((f) => f.path)).toEqual(['src/core.ts']);
    expect(top.git.coupling.map((c) => c.b)).toEqual(['src/core.ts']);
    expect(top.git.modules.map((m) => m.name)).toEqual(['src']);
    expect(top.git.couplingPairs).toBe(2);
    expect(top.git.filesChanged).toBe(3);
  });

  it('reports nothing with the default thresholds', async () => {
    run.configure({});
    const { report: defaults } = await run.report();
    expect(defaults.git.coupling).toEqual([]);
    expect(defaults.git.moduleCoupling).toEqual([]);
  });
});

describe('modules', () => {
  it('rolls files up to directories (depth 1) and components', () => {
    const byName = (kind: string, name: string) =>
      report.git.modules.find((m) => m.kind === kind && m.name === name);
    expect(byName('directory', 'src')).toMatchObject({
      files: 2,
      revisions: 5,
      added: 16,
      deleted: 3,
      churn: 19,
      lines: 13,
      complexity: 4.5,
      authors: 2,
      mainAuthorShare: 0.625, // alice 10 of 16 added lines
      fragmentation: 0.4688, // 1 − (10/16)² − (6/16)²
      fixRatio: 0.4, // commits 2 and 4 of 5
      hotspotScore: 1.6,
      couplingSum: 2, // with docs in commits 1 and 4
      crossModuleCouplings: 1,
      ageDays: ageDays(commitTime(5)),
    });
    expect(byName('directory', 'docs')).toMatchObject({
      files: 1,
      revisions: 2,
      churn: 2,
      mainAuthorShare: 0.5,
      fixRatio: 0.5,
      hotspotScore: 0.1,
      crossModuleCouplings: 1,
    });
    expect(byName('component', 'core')).toMatchObject({ files: 1, revisions: 4, hotspotScore: 1 });
    // util in commits 1, 2, 5 and the readme in 1, 4
    expect(byName('component', 'rest')).toMatchObject({ files: 2, revisions: 4, hotspotScore: 0.7 });
    expect(report.git.modules.map((m) => `${m.kind}:${m.name}`)).toEqual([
      'directory:src',
      'component:core',
      'component:rest',
      'directory:docs',
    ]);
  });

  it('couples modules with the same definitions', () => {
    expect(report.git.moduleCoupling.map(({ repo: _, ...rest }) => rest)).toEqual([
      // docs: commits 1, 4; src: all five; together in 1 and 4 → 2 / 3.5
      {
        kind: 'directory',
        a: 'docs',
        b: 'src',
        shared: 2,
        degree: 57.14,
        revisionsA: 2,
        revisionsB: 5,
        averageRevisions: 3.5,
      },
      // core: 1-4; rest: 1, 2, 4, 5; together in 1, 2, 4 → 3 / 4
      {
        kind: 'component',
        a: 'core',
        b: 'rest',
        shared: 3,
        degree: 75,
        revisionsA: 4,
        revisionsB: 4,
        averageRevisions: 4,
      },
    ]);
  });
});

describe('terminal view', () => {
  it('shows the top hotspots and couplings with units', async () => {
    run.configure({ coupling: { minRevisions: 2, minShared: 2, minDegree: 50 } });
    const text = await run.text();
    expect(text).toContain('Hotspots (score 0–1');
    expect(text).toMatch(/ 1\.00 +4 +2\.5 +8 +55% +50% +\S+\/src\/core\.ts/);
    expect(text).toContain('Strongest change coupling (2 pairs');
    expect(text).toMatch(/67% +2 +3 +\S+: docs\/readme\.txt ↔ src\/core\.ts +\(cross-module\)/);
    expect(text).toMatch(/57% +2 +3\.5 +\S+: src\/core\.ts ↔ src\/util\.ts\n/);
    expect(text).toContain('Left out: 1 file (1 lock/generated);');
  });
});

describe('prose and translations', () => {
  it('are left out of hotspots and coupling by default, counted with the other exclusions', async () => {
    const docs = importHistory([
      {
        author: alice,
        message: 'initial',
        files: {
          'src/app.ts': 'a\n',
          'README.md': '# app\n',
          'README_ZH.md': '# 应用\n',
          'Documentation/RelNotes/2.56.0.adoc': 'notes\n',
          'po/de.po': 'msgid ""\n',
        },
      },
      {
        author: bob,
        message: 'docs',
        files: {
          'src/app.ts': 'b\n',
          'README.md': '# app!\n',
          'README_ZH.md': '# 应用!\n',
          'po/de.po': 'x\n',
        },
      },
    ]);
    try {
      const result = await audit([docs.path]);
      const { report: r } = await result.report();
      expect(r.git.files.map((f) => f.path)).toEqual(['src/app.ts']);
      expect(r.git.excludedFiles).toBe(4);
      expect(r.git.coupling).toEqual([]);
      // a config "!glob" keeps them
      result.configure({ exclude: ['!**/*.md'] });
      const kept = (await result.report()).report;
      expect(kept.git.files.map((f) => f.path).sort()).toEqual(['README.md', 'README_ZH.md', 'src/app.ts']);
    } finally {
      docs.remove();
    }
  });
});
