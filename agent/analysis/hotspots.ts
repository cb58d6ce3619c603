// Hotspot score: change frequency × complexity, each normalised to the
// repository's maximum, so the score is in 0..1 and 1 is the file that is both
// the most changed and the most complex of its repository:
//
//   hotspotScore = (revisions / max revisions) × (complexity / max complexity)
//
// where the maxima are taken over the repository's files that exist at the tip
// and have a known complexity. Files without a complexity (deleted, binary)
// have no score (null) and rank last.

export interface HotspotInput {
  revisions: number;
  complexity: number | null;
}

/** Scores rounded to 4 decimals, in input order. */
export function hotspotScores(files: readonly HotspotInput[]): (number | null)[] {
  let maxRevisions = 0;
  let maxComplexity = 0;
  for (const f of files) {
    if (f.complexity === null) continue;
    if (f.revisions > maxRevisions) maxRevisions = f.revisions;
    if (f.complexity > maxComplexity) maxComplexity = f.complexity;
  }
  return files.map((f) => {
    if (f.complexity === null || maxRevisions === 0) return null;
    if (maxComplexity === 0) return 0;
    return round((f.revisions / maxRevisions) * (f.complexity / maxComplexity), 4);
  });
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
