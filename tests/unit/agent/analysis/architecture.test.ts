// The pure parts of the architecture analysis on inputs small enough to check by eye.
import { describe, expect, it } from 'vitest';
import { changeCoupling, changeSetsOf } from '../../../../agent/analysis/coupling.js';
import { createExclusion } from '../../../../agent/analysis/exclusions.js';
import { hotspotScores } from '../../../../agent/analysis/hotspots.js';
import { directoryModule } from '../../../../agent/analysis/modules.js';
import { ownershipOf } from '../../../../agent/analysis/ownership.js';

const DEFAULTS = { maxChangeSetSize: 30, minRevisions: 5, minShared: 5, minDegree: 30 };

describe('changeCoupling', () => {
  it('drops a 100,000-file change set before pairing anything', () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => i + 2);
    const sets = [huge, ...Array.from({ length: 5 }, () => [0, 1])];
    const result = changeCoupling(changeSetsOf(sets), 100_002, DEFAULTS);
    expect(result.dropped).toBe(1);
    expect(result.pairs).toEqual([
      { a: 0, b: 1, shared: 5, revisionsA: 5, revisionsB: 5, averageRevisions: 5, degree: 100 },
    ]);
    expect(result.revisions[2]).toBe(0);
    expect(result.sumOfCoupling[0]).toBe(5);
  });

  it('counts single-file change sets in the revisions', () => {
    const sets = [...Array.from({ length: 5 }, () => [0, 1]), [0], [0], [0], [0], [0]];
    const result = changeCoupling(changeSetsOf(sets), 2, DEFAULTS);
    // revisions 10 and 5: degree 5 / 7.5 = 66.67 %
    expect(result.pairs[0]).toMatchObject({
      shared: 5,
      revisionsA: 10,
      revisionsB: 5,
      averageRevisions: 7.5,
    });
    expect(result.pairs[0]!.degree).toBeCloseTo(66.6667, 3);
  });
});

describe('exclusions', () => {
  const attributes = new Map([
    [
      1,
      new Map([
        ['src/gen.ts', { generated: 1 as const, vendored: null }],
        ['vendor/ours/a.go', { generated: null, vendored: 0 as const }],
      ]),
    ],
  ]);
  it('applies config negation > config glob > attributes > defaults', () => {
    const ex = createExclusion(['docs', '!docs/keep.md', 'src/gen.ts'], attributes);
    expect(ex.excludes(1, 'docs/a.md')).toBe(true); // a folder name covers its content
    expect(ex.excludes(1, 'docs/keep.md')).toBe(false);
    expect(ex.excludes(1, 'src/gen.ts')).toBe(true);
    expect(ex.excludes(1, 'vendor/ours/a.go')).toBe(false); // linguist-vendored=false
    expect(ex.excludes(1, 'vendor/theirs/b.go')).toBe(true);
    expect(ex.excludes(2, 'vendor/ours/a.go')).toBe(true); // attributes are per repository
    expect(ex.excludes(1, 'a/b/Cargo.lock')).toBe(true);
    expect(ex.excludes(1, 'lib/app.js')).toBe(false);
    expect(ex.warnings()).toEqual([]);
  });

  it('warns about a glob that matched nothing', () => {
    const ex = createExclusion(['nope/**'], new Map());
    ex.excludes(1, 'src/a.ts');
    expect(ex.warnings()).toHaveLength(1);
    expect(ex.warnings()[0]).toContain('"nope/**"');
  });
});

describe('ownership', () => {
  it('takes the author with most added lines; a tie goes to the first email', () => {
    const authors = ['zed@example.com', 'amy@example.com', 'bo@example.com'];
    expect(
      ownershipOf(
        new Map([
          [0, 4],
          [1, 4],
          [2, 2],
        ]),
        authors,
      ),
    ).toEqual({
      mainAuthor: 'amy@example.com',
      mainAuthorShare: 0.4,
      fragmentation: 1 - 36 / 100, // 1 − 0.4² − 0.4² − 0.2²
    });
    expect(ownershipOf(new Map([[0, 0]]), authors)).toEqual({
      mainAuthor: null,
      mainAuthorShare: null,
      fragmentation: null,
    });
  });
});

describe('hotspot score and modules', () => {
  it('normalises to the maxima of files with a complexity', () => {
    expect(
      hotspotScores([
        { revisions: 10, complexity: null }, // deleted: not part of the maxima
        { revisions: 4, complexity: 20 },
        { revisions: 2, complexity: 5 },
      ]),
    ).toEqual([null, 1, 0.125]);
    expect(hotspotScores([{ revisions: 3, complexity: 0 }])).toEqual([0]);
  });

  it('names directory modules by their first folders', () => {
    expect(directoryModule('README.md', 2)).toBe('.');
    expect(directoryModule('src/a.ts', 2)).toBe('src');
    expect(directoryModule('src/x/y/a.ts', 2)).toBe('src/x');
  });
});
