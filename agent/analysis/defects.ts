// Defect density: the share of a file's commits whose subject marks a fix or a
// revert (patterns from the config's `fixPatterns`, case-insensitive).

/** fixes / revisions; null without revisions. */
export function fixRatio(fixes: number, revisions: number): number | null {
  return revisions > 0 ? fixes / revisions : null;
}
