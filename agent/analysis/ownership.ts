// Ownership from added lines: who wrote most of a file (or module) in the
// window, their share, and how fragmented the knowledge is.

export interface Ownership {
  /** Author email (after the mailmap) with the most added lines; ties go to the email that sorts first. */
  mainAuthor: string | null;
  /** mainAuthor's added lines / all added lines (0..1); null when nothing was added. */
  mainAuthorShare: number | null;
  /** 1 − Σ share² over authors by added lines (0 = one author, → 1 = many equal authors); null when nothing was added. */
  fragmentation: number | null;
}

/** Ownership from a map author id → added lines; `authors` names the ids. */
export function ownershipOf(
  addedByAuthor: ReadonlyMap<number, number>,
  authors: readonly string[],
): Ownership {
  let total = 0;
  for (const added of addedByAuthor.values()) total += added;
  if (total === 0) return { mainAuthor: null, mainAuthorShare: null, fragmentation: null };
  let main: string | null = null;
  let mainAdded = -1;
  let squares = 0;
  for (const [author, added] of addedByAuthor) {
    const email = authors[author] ?? '';
    if (added > mainAdded || (added === mainAdded && main !== null && email < main)) {
      main = email;
      mainAdded = added;
    }
    squares += (added / total) ** 2;
  }
  return { mainAuthor: main, mainAuthorShare: mainAdded / total, fragmentation: Math.max(0, 1 - squares) };
}
