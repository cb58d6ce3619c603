// Change coupling at the edges of each threshold (SPEC §11, code-maat's definitions):
// shared 5 vs 4, degree exactly 30 vs 29.27, a 30-file change set kept vs a 31-file
// one dropped, and average revisions exactly 5 vs 4.5.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { type ImportedCommit, importHistory } from '../support/fast-import.js';
import type { TestRepo } from '../support/git-repo.js';
import { type Audit, audit } from './helpers.js';

let counter = 0;
const commits: ImportedCommit[] = [];
/** One commit changing `paths` (each gets new content). */
const change = (...paths: string[]) => {
  counter += 1;
  commits.push({ files: Object.fromEntries(paths.map((p) => [p, `${counter}\n`])) });
};
const times = (n: number, ...paths: string[]) => {
  for (let i = 0; i < n; i++) change(...paths);
};

// shared 5, revisions 10 + 10 → degree 50: reported
times(5, 's5/a', 's5/b');
times(5, 's5/a');
times(5, 's5/b');
// shared 4, revisions 10 + 10 → degree 40 but shared < 5: not reported
times(4, 's4/a', 's4/b');
times(6, 's4/a');
times(6, 's4/b');
// shared 6, revisions 20 + 20 → degree exactly 30: reported
times(6, 'd30/a', 'd30/b');
times(14, 'd30/a');
times(14, 'd30/b');
// shared 6, revisions 20 + 21 → degree 6 / 20.5 = 29.27: not reported
times(6, 'd29/a', 'd29/b');
times(14, 'd29/a');
times(15, 'd29/b');
// a 30-file change set counts: shared 5, revisions 5 + 5 → degree 100
change('c30/p', 'c30/q', ...Array.from({ length: 28 }, (_, i) => `c30/fill-${i}`));
times(4, 'c30/p', 'c30/q');
// a 31-file change set is dropped first: shared 4, coupling revisions 4 + 4
change('c31/r', 'c31/s', ...Array.from({ length: 29 }, (_, i) => `c31/fill-${i}`));
times(4, 'c31/r', 'c31/s');
// average revisions (5 + 5) / 2 = 5 vs (5 + 4) / 2 = 4.5, shared 3
times(3, 'ma/a', 'ma/b');
times(2, 'ma/a');
times(2, 'ma/b');
times(3, 'mb/a', 'mb/b');
times(2, 'mb/a');
times(1, 'mb/b');

let repo: TestRepo;
let run: Audit;
let report: Report;

beforeAll(async () => {
  repo = importHistory(commits);
  run = await audit([repo.path]);
  report = (await run.report()).report;
});

afterAll(() => repo?.remove());

const pairs = (r: Report) =>
  r.git.coupling.map((c) => `${c.a}|${c.b}|${c.shared}|${c.degree}|${c.averageRevisions}`);

describe('default thresholds (max change set 30, average revisions 5, shared 5, degree 30)', () => {
  it('reports exactly the pairs on the right side of each edge', () => {
    expect(pairs(report)).toEqual(['c30/p|c30/q|5|100|5', 's5/a|s5/b|5|50|10', 'd30/a|d30/b|6|30|20']);
  });

  it('drops the 31-file commit before counting revisions for coupling', () => {
    const r = report.git.files.find((f) => f.path === 'c31/r')!;
    expect(r.revisions).toBe(5);
    expect(r.couplingRevisions).toBe(4);
    expect(r.couplingSum).toBe(4);
    const p = report.git.files.find((f) => f.path === 'c30/p')!;
    expect(p.couplingRevisions).toBe(5);
    expect(p.couplingSum).toBe(29 + 4);
    expect(report.git.largeChangeSets).toBe(1);
  });
});

describe('configured thresholds', () => {
  it('minShared 3: the 4-shared pair and the average-5 pair appear, the average-4.5 pair does not', async () => {
    run.configure({ coupling: { minShared: 3 } });
    const { report: r } = await run.report();
    expect(pairs(r)).toEqual([
      'c30/p|c30/q|5|100|5',
      'ma/a|ma/b|3|60|5',
      's5/a|s5/b|5|50|10',
      's4/a|s4/b|4|40|10',
      'd30/a|d30/b|6|30|20',
    ]);
  });

  it('maxChangeSetSize 31 keeps the 31-file commit', async () => {
    run.configure({ coupling: { maxChangeSetSize: 31 } });
    const { report: r } = await run.report();
    expect(pairs(r)).toContain('c31/r|c31/s|5|100|5');
    expect(r.git.largeChangeSets).toBe(0);
  });

  it('minDegree 29.2 admits the 29.27% pair', async () => {
    run.configure({ coupling: { minDegree: 29.2 } });
    const { report: r } = await run.report();
    expect(pairs(r)).toContain('d29/a|d29/b|6|29.27|20.5');
  });
});
