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

const NOBODY: Ownership = { mainAuthor: null, mainAuthorShare: null, fragmentation: null };

/** Ownership from a map author id → added lines; `authors` names the ids. */
export function ownershipOf(
  addedByAuthor: ReadonlyMap<number, number>,
  authors: readonly string[],
): Ownership {
  const table = new OwnershipTable(1, authors);
  for (const [author, added] of addedByAuthor) table.add(0, author, added);
  return table.of(0);
}

/**
 * Ownership of many entities at once, fed one (entity, author, added lines)
 * change at a time: one map for every (entity, author) pair instead of one map
 * per entity.
 */
export class OwnershipTable {
  private readonly byPair = new Map<number, number>();

  constructor(
    private readonly entities: number,
    private readonly authors: readonly string[],
  ) {}

  add(entity: number, author: number, added: number): void {
    const key = entity * this.authors.length + author;
    this.byPair.set(key, (this.byPair.get(key) ?? 0) + added);
  }

  /** Distinct authors per entity, and the ownership of each. */
  finish(): { authors: Int32Array; of(entity: number): Ownership } {
    const n = this.entities;
    const count = new Int32Array(n);
    const total = new Float64Array(n);
    const squares = new Float64Array(n);
    const mainAdded = new Float64Array(n).fill(-1);
    const main = new Int32Array(n).fill(-1);
    const width = this.authors.length;
    for (const [key, added] of this.byPair) {
      const entity = Math.floor(key / width);
      const author = key - entity * width;
      count[entity]! += 1;
      total[entity]! += added;
      squares[entity]! += added * added;
      const best = mainAdded[entity]!;
      if (added > best || (added === best && this.authors[author]! < this.authors[main[entity]!]!)) {
        mainAdded[entity] = added;
        main[entity] = author;
      }
    }
    return {
      authors: count,
      of: (entity) => {
        const sum = total[entity]!;
        if (!(sum > 0)) return NOBODY;
        return {
          mainAuthor: this.authors[main[entity]!] ?? null,
          mainAuthorShare: mainAdded[entity]! / sum,
          fragmentation: Math.max(0, 1 - squares[entity]! / (sum * sum)),
        };
      },
    };
  }

  /** Ownership of one entity (for small tables). */
  of(entity: number): Ownership {
    return this.finish().of(entity);
  }
}
