// linguist-documentation in .gitattributes: marked paths leave hotspots and
// coupling like prose and are counted apart; `-linguist-documentation` keeps a
// Markdown file the default globs would drop. Every figure below is computed
// by hand from the six commits.
import { rmSync } from 'node:fs';
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { importHistory } from '../support/fast-import.js';
import { type TestRepo, tempDir } from '../support/git-repo.js';
import { type Audit, audit } from './helpers.js';

const ATTRIBUTES = [
  'docs/** linguist-documentation',
  'notes.txt linguist-documentation',
  'DESIGN.md -linguist-documentation',
  '',
].join('\n');

// Final contents fix the complexity proxy (indentation columns / 4):
// src/a.ts 8 columns → 2; src/b.ts, DESIGN.md, other.txt 4 columns → 1; .gitattributes 0.
const a = (k: number) => `a${k}\n    x\n    y\n`;
const b = (k: number) => `b${k}\n    z\n`;
const design = (k: number) => `# Design ${k}\n    note\n`;
const prose = (k: number) => `text ${k}\n`;

// Commits that touch each path (1-based):
//   src/a.ts 1 2 3 4 6 (5)   DESIGN.md 1 3 4 (3)   src/b.ts 1 5 (2)   other.txt, .gitattributes 1
//   marked or default prose: README.md 1 2 3 5 6, docs/guide.txt 1 2 4 5 6, notes.txt 1 2 4, docs/api.ts 1 3
//   yarn.lock 1 (a default lock file)
const COMMITS: Record<string, string>[] = [
  {
    '.gitattributes': ATTRIBUTES,
    'src/a.ts': a(1),
    'src/b.ts': b(1),
    'DESIGN.md': design(1),
    'README.md': prose(1),
    'notes.txt': prose(1),
    'docs/guide.txt': prose(1),
    'docs/api.ts': 'export const api = 1;\n',
    'other.txt': '    o\n',
    'yarn.lock': 'lock\n',
  },
  { 'src/a.ts': a(2), 'README.md': prose(2), 'docs/guide.txt': prose(2), 'notes.txt': prose(2) },
  {
    'src/a.ts': a(3),
    'DESIGN.md': design(3),
    'README.md': prose(3),
    'docs/api.ts': 'export const api = 3;\n',
  },
  { 'src/a.ts': a(4), 'DESIGN.md': design(4), 'notes.txt': prose(4), 'docs/guide.txt': prose(4) },
  { 'src/b.ts': b(5), 'README.md': prose(5), 'docs/guide.txt': prose(5) },
  { 'src/a.ts': a(6), 'docs/guide.txt': prose(6), 'README.md': prose(6) },
];

// max revisions 5 (src/a.ts), max complexity 2 (src/a.ts):
//   src/a.ts 5/5 × 2/2 = 1; DESIGN.md 3/5 × 1/2 = 0.3; src/b.ts 2/5 × 1/2 = 0.2;
//   other.txt 1/5 × 1/2 = 0.1; .gitattributes 1/5 × 0 = 0
const HOTSPOTS = [
  ['src/a.ts', 5, 1],
  ['DESIGN.md', 3, 0.3],
  ['src/b.ts', 2, 0.2],
  ['other.txt', 1, 0.1],
  ['.gitattributes', 1, 0],
];
// src/a.ts ↔ DESIGN.md share commits 1, 3, 4: 100 × 3 / ((5 + 3) / 2) = 75 %.
// Had the attributes been ignored, docs/guide.txt ↔ src/a.ts (4 shared, 80 %) and
// notes.txt ↔ docs/guide.txt (3 shared, 75 %) would be here, and DESIGN.md would not.
const COUPLED = [[['DESIGN.md', 'src/a.ts'], 3, 75]];
// documentation: README.md (default *.md), docs/guide.txt, docs/api.ts, notes.txt (attributes);
// generated: yarn.lock
const LEFT_OUT = { generated: 1, vendored: 0, documentation: 4, config: 0 };

const hotspots = (r: Report) => r.git.files.map((f) => [f.path, f.revisions, f.hotspotScore]);
const coupled = (r: Report) => r.git.coupling.map((c) => [[c.a, c.b].sort(), c.shared, c.degree]);

// pairs are reported from average revisions 2, 2 shared commits and 50 % degree
const COUPLING = { minRevisions: 2, minShared: 2, minDegree: 50 };

let repo: TestRepo;
let run: Audit;
let report: Report;
const bareDirs: string[] = [];

beforeAll(async () => {
  repo = importHistory(COMMITS.map((files) => ({ files })));
  run = await audit([repo.path], { coupling: COUPLING });
  report = (await run.report()).report;
});

afterAll(() => {
  repo?.remove();
  for (const dir of bareDirs) rmSync(dir, { recursive: true, force: true });
});

describe('linguist-documentation', () => {
  it('leaves marked paths and default prose out of the hotspots, keeps the un-marked Markdown file', () => {
    expect(hotspots(report)).toEqual(HOTSPOTS);
  });

  it('couples only code and the un-marked Markdown file', () => {
    expect(coupled(report)).toEqual(COUPLED);
  });

  it('counts the left-out paths apart, by reason', () => {
    expect(report.git.excludedFiles).toBe(5);
    expect(report.git.excludedByReason).toEqual(LEFT_OUT);
    expect(report.git.filesChanged).toBe(5);
  });

  it('says so in the terminal view', async () => {
    const text = await run.text();
    expect(text).toContain(
      'Left out: 5 files (1 lock/generated, 4 prose/documentation); 0 commits too large for coupling.',
    );
  });

  it('reads the attributes from the collected tip of a bare clone too', async () => {
    const dir = tempDir('dx-audit-bare-');
    bareDirs.push(dir);
    const bare = `${dir}/repo.git`;
    execaSync('git', ['clone', '--quiet', '--bare', repo.path, bare]);
    const { report: fromBare } = await (await audit([bare], { coupling: COUPLING })).report();
    expect(hotspots(fromBare)).toEqual(HOTSPOTS);
    expect(coupled(fromBare)).toEqual(COUPLED);
    expect(fromBare.git.excludedByReason).toEqual(LEFT_OUT);
  });

  it('lets a config "!glob" keep a marked path', async () => {
    run.configure({ coupling: COUPLING, exclude: ['!docs/api.ts'] });
    const { report: kept } = await run.report();
    // docs/api.ts: 2 revisions (1, 3), 1 line without indentation → complexity 0, score 0
    expect(kept.git.files.map((f) => f.path)).toContain('docs/api.ts');
    expect(kept.git.excludedByReason).toEqual({ generated: 1, vendored: 0, documentation: 3, config: 0 });
    run.configure({ coupling: COUPLING });
  });
});
