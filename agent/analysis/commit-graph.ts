// A repository's commit graph as git history stored it: every commit with its
// parents, author, times and subject, keyed by sha. Merged branches (cycle time
// from git alone) and DORA's lead time walk the same graph.
import { packedRows, type Queryable } from '../store/db.js';

export interface GraphCommit {
  parents: string[];
  /** Author email after the mailmap. */
  author: string;
  authorTime: number;
  commitTime: number;
  merge: boolean;
  subject: string;
}

/** Reads every stored commit of the repository into a sha → commit map. */
export async function loadCommitGraph(q: Queryable, repoId: number): Promise<Map<string, GraphCommit>> {
  // packed into one JSON string by SQLite: far cheaper than an object per row for 100,000s of commits
  const rows = await packedRows<[string, string, string, number, number, number, string]>(
    q,
    'SELECT sha, parents, author_email, author_time, commit_time, is_merge, subject FROM git_commits WHERE repo_id = ?',
    ['sha', 'parents', 'author_email', 'author_time', 'commit_time', 'is_merge', 'subject'],
    [repoId],
  );
  const graph = new Map<string, GraphCommit>();
  for (const [sha, parents, author, authorTime, commitTime, merge, subject] of rows) {
    graph.set(sha, {
      parents: parents ? parents.split(' ') : [],
      author,
      authorTime,
      commitTime,
      merge: merge === 1,
      subject,
    });
  }
  return graph;
}

/**
 * A repository's commit graph numbered for walks over 100,000s of commits:
 * each sha gets an id once, and every walk then runs on typed arrays instead
 * of maps keyed by sha. Ids 0..size-1 are the stored commits, in the order the
 * store returns them; ids from `size` to `total` − 1 are parents named by a
 * stored commit but absent from the store (a shallow clone, a history
 * collected --since).
 */
export interface PackedGraph {
  /** Stored commits. */
  size: number;
  /** Stored commits and absent parents. */
  total: number;
  shaOf(id: number): string;
  /** Id of a sha (stored or an absent parent); −1 when the graph never names it. */
  idOf(sha: string): number;
  /** Parents of commit i are parentIds[parentStart[i] .. parentStart[i + 1]), first parent first. */
  parentStart: Int32Array;
  parentIds: Int32Array;
  authorTime: Float64Array;
  commitTime: Float64Array;
  /** Subjects kept by the loader (those it was asked for); undefined for the others. */
  subjects: (string | undefined)[];
}

/** What loadPackedGraph reads. */
export interface PackedGraphOptions {
  /** SQL condition on the column `subject`: only those subjects are read (most walks need none or a few, and subjects are most of the bytes). */
  keepSubject?: string;
  /** Read the graph only when one of these shas is stored (else it comes back empty), in the same query. */
  onlyWith?: readonly string[];
}

/** Reads a repository's commit graph into a PackedGraph. */
export async function loadPackedGraph(
  q: Queryable,
  repoId: number,
  { keepSubject = 'FALSE', onlyWith }: PackedGraphOptions = {},
): Promise<PackedGraph> {
  const params: (number | string)[] = [repoId];
  let only = '';
  if (onlyWith) {
    only =
      'AND EXISTS (SELECT 1 FROM git_commits WHERE repo_id = ? AND sha IN (SELECT value FROM json_each(?)))';
    params.push(repoId, JSON.stringify(onlyWith));
  }
  // one string for the whole history, a line per commit: sha, author time, commit time, parents, and the
  // subject as a JSON string when kept (JSON escapes line breaks and tabs, so a line is always one commit)
  const row = await q.get<{ n: number; packed: string | null }>(
    `SELECT count(*) AS n, group_concat(sha || char(9) || author_time || char(9) || commit_time || char(9) || parents
       || CASE WHEN ${keepSubject} THEN char(9) || json_quote(subject) ELSE '' END, char(10)) AS packed
     FROM (SELECT sha, parents, author_time, commit_time, subject FROM git_commits WHERE repo_id = ? ${only})`,
    params,
  );
  return parseGraph(row?.packed ?? '', row?.n ?? 0);
}

/** Packs a sha-keyed graph (as loadCommitGraph reads it), keeping every subject. */
export function packGraph(graph: ReadonlyMap<string, GraphCommit>): PackedGraph {
  const lines: string[] = [];
  for (const [sha, c] of graph)
    lines.push(
      `${sha}\t${c.authorTime}\t${c.commitTime}\t${c.parents.join(' ')}\t${JSON.stringify(c.subject)}`,
    );
  return parseGraph(lines.join('\n'), lines.length);
}

const SPACE = 32;
const MINUS = 45;
const ZERO = 48;

/**
 * Numbers the commits of the packed text in one pass over it: a line per
 * commit, `sha TAB author-time TAB commit-time TAB parents (space separated)
 * [TAB subject as JSON]`. Shas stay positions in the text and are looked up
 * in an open-addressing table of ids, so no string is made per sha or parent;
 * separators are found by indexOf, which scans far faster than a loop over
 * characters.
 */
function parseGraph(text: string, size: number): PackedGraph {
  const parentsAt = new Int32Array(size);
  const parentsEnd = new Int32Array(size);
  const authorTime = new Float64Array(size);
  const commitTime = new Float64Array(size);
  const subjects = new Array<string | undefined>(size).fill(undefined);
  const table = new ShaTable(text, size);
  // the integer in text[from, to): digits with an optional sign (anything else falls back to Number)
  const integer = (from: number, to: number): number => {
    let value = 0;
    const negative = text.charCodeAt(from) === MINUS;
    for (let i = negative ? from + 1 : from; i < to; i += 1) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) return Number(text.slice(from, to));
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  };
  let at = 0;
  for (let i = 0; i < size; i += 1) {
    const shaEnd = text.indexOf('\t', at);
    const authorEnd = text.indexOf('\t', shaEnd + 1);
    const commitEnd = text.indexOf('\t', authorEnd + 1);
    const newline = text.indexOf('\n', commitEnd + 1);
    const lineEnd = newline < 0 ? text.length : newline;
    const tab = text.indexOf('\t', commitEnd + 1);
    const subjectAt = tab >= 0 && tab < lineEnd ? tab : lineEnd;
    authorTime[i] = integer(shaEnd + 1, authorEnd);
    commitTime[i] = integer(authorEnd + 1, commitEnd);
    parentsAt[i] = commitEnd + 1;
    parentsEnd[i] = subjectAt;
    if (subjectAt < lineEnd) subjects[i] = JSON.parse(text.slice(subjectAt + 1, lineEnd)) as string;
    table.add(at, shaEnd - at);
    at = lineEnd + 1;
  }
  const parentStart = new Int32Array(size + 1);
  let parentIds = new Int32Array(size + (size >> 1) + 16);
  let edge = 0;
  for (let i = 0; i < size; i += 1) {
    parentStart[i] = edge;
    const stop = parentsEnd[i]!;
    // a parent's sha is as long as its child's in the same repository: check there before searching
    const length = table.lengthOf(i);
    for (let from = parentsAt[i]!; from < stop; ) {
      let to = from + length;
      if (to > stop || (to < stop && text.charCodeAt(to) !== SPACE)) {
        to = text.indexOf(' ', from);
        if (to < 0 || to > stop) to = stop;
      }
      let id = table.find(from, to - from);
      if (id < 0) id = table.add(from, to - from);
      if (edge === parentIds.length) {
        const more = new Int32Array(parentIds.length * 2);
        more.set(parentIds);
        parentIds = more;
      }
      parentIds[edge] = id;
      edge += 1;
      from = to + 1;
    }
  }
  parentStart[size] = edge;
  return {
    size,
    total: table.count,
    shaOf: (id) => table.shaOf(id),
    idOf: (sha) => table.idOf(sha),
    parentStart,
    parentIds: parentIds.subarray(0, edge),
    authorTime,
    commitTime,
    subjects,
  };
}

/** Ids of shas held as positions in one text: an open-addressing hash table on Int32Arrays. */
class ShaTable {
  count = 0;
  private at: Int32Array;
  private length: Int32Array;
  /** id + 1 per slot; 0 is empty. */
  private slots: Int32Array;
  private mask: number;

  constructor(
    private readonly text: string,
    expected: number,
  ) {
    const capacity = Math.max(16, expected);
    this.at = new Int32Array(capacity);
    this.length = new Int32Array(capacity);
    this.slots = new Int32Array(slotsFor(capacity));
    this.mask = this.slots.length - 1;
  }

  /** Numbers text[at, at + length) with the next id (the caller knows it is new). */
  add(at: number, length: number): number {
    if (this.count === this.at.length) this.grow();
    const id = this.count;
    this.count += 1;
    this.at[id] = at;
    this.length[id] = length;
    let slot = this.hashText(at, length) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id + 1;
    return id;
  }

  /** Id of the sha at text[at, at + length); −1 when unknown. */
  find(at: number, length: number): number {
    const text = this.text;
    for (let slot = this.hashText(at, length) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.length[id] !== length) continue;
      const other = this.at[id]!;
      let i = 0;
      while (i < length && text.charCodeAt(at + i) === text.charCodeAt(other + i)) i += 1;
      if (i === length) return id;
    }
  }

  idOf(sha: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < sha.length && i < HASHED; i += 1)
      hash = Math.imul(hash ^ sha.charCodeAt(i), 0x01000193);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.length[id] === sha.length && this.text.startsWith(sha, this.at[id]!)) return id;
    }
  }

  lengthOf(id: number): number {
    return this.length[id]!;
  }

  shaOf(id: number): string {
    return this.text.slice(this.at[id]!, this.at[id]! + this.length[id]!);
  }

  private hashText(at: number, length: number): number {
    let hash = 0x811c9dc5;
    const stop = at + Math.min(length, HASHED);
    for (let i = at; i < stop; i += 1) hash = Math.imul(hash ^ this.text.charCodeAt(i), 0x01000193);
    return hash;
  }

  /** More room for absent parents: twice the ids, the slots rebuilt. */
  private grow(): void {
    const at = new Int32Array(this.at.length * 2);
    const length = new Int32Array(this.at.length * 2);
    at.set(this.at);
    length.set(this.length);
    this.at = at;
    this.length = length;
    this.slots = new Int32Array(slotsFor(at.length));
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.count; id += 1) {
      let slot = this.hashText(this.at[id]!, this.length[id]!) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }
}

/** Characters of a sha that are hashed: shas are random, so their first 12 characters spread them well. */
const HASHED = 12;

/** A power of two at least twice the ids, so probes stay short. */
function slotsFor(ids: number): number {
  let slots = 16;
  while (slots < ids * 2) slots *= 2;
  return slots;
}
