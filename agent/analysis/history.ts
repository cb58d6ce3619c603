// Loads the window's non-merge commits with their file changes in one query,
// interns paths and authors per repository, and drops excluded paths, so every
// architecture figure is computed from the same compact change log.
import type { Queryable } from '../store/db.js';
import {
  createExclusion,
  type ExcludedByReason,
  type Exclusion,
  type ExclusionReason,
  loadAttributes,
} from './exclusions.js';
import type { Window } from './git-files.js';

/**
 * A repository's change log in flat arrays (one allocation per column, not one
 * object per commit): commit k changed files[offsets[k] .. offsets[k + 1]),
 * with added[i] / deleted[i] lines for files[i].
 */
export interface RepoHistory {
  repoId: number;
  repo: string;
  /** File id → path. */
  paths: string[];
  /** Author id → email after the mailmap. */
  authors: string[];
  /** Commits that still change at least one file after exclusions. */
  commits: number;
  /** Commit time, unix seconds, per commit. */
  time: Float64Array;
  /** Author id per commit. */
  author: Int32Array;
  /** 1 when the commit subject matches a fix/revert pattern. */
  fix: Uint8Array;
  /** commits + 1 offsets into files/added/deleted. */
  offsets: Int32Array;
  files: Int32Array;
  added: Float64Array;
  deleted: Float64Array;
  /** Distinct paths changed in the window that the exclusions removed. */
  excludedFiles: number;
  /** The same paths counted by why they were left out. */
  excludedByReason: ExcludedByReason;
}

export interface LoadedHistory {
  repos: RepoHistory[];
  warnings: string[];
}

/** Commits per query page. */
const PAGE = 5000;

export interface LoadedHistory {
  repos: RepoHistory[];
  warnings: string[];
}

/** A test of a commit subject against the configured fix/revert patterns (case-insensitive). */
export function fixMatcher(patterns: readonly string[]): (subject: string) => boolean {
  // kept apart rather than joined, so each pattern means exactly what it says alone
  const expressions = patterns.map((p) => new RegExp(p, 'i'));
  return (subject) => expressions.some((e) => e.test(subject));
}

/** Reads the change log of every repository in the window. */
export async function loadHistory(
  q: Queryable,
  window: Window,
  options: { exclude: readonly string[]; fixPatterns: readonly string[] },
): Promise<LoadedHistory> {
  const exclusion = createExclusion(options.exclude, await loadAttributes(q));
  const isFix = fixMatcher(options.fixPatterns);
  const names = new Map(
    (await q.all<{ id: number; name: string }>('SELECT id, name FROM repositories')).map((r) => [
      r.id,
      r.name,
    ]),
  );
  const byRepo = new Map<number, Builder>();
  // One row per commit, read in pages along the primary key so that memory does
  // not grow with the history. Both lists are aggregated over the same rows in
  // the same order; paths cannot hold NUL, so it separates them.
  // The next page is read while this one is processed.
  interface CommitRow {
    repo_id: number;
    sha: string;
    t: number;
    e: string;
    s: string;
    paths: string;
    nums: string;
  }
  const page = (after: [number, string]): Promise<CommitRow[]> =>
    q.all<CommitRow>(
      `SELECT c.repo_id, c.sha, c.commit_time AS t, c.author_email AS e, c.subject AS s,
              group_concat(f.path, char(0)) AS paths, group_concat(f.added || ' ' || f.deleted, ' ') AS nums
       FROM git_commits c
       JOIN git_file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
       WHERE (c.repo_id, c.sha) > (?, ?) AND c.is_merge = 0
         AND c.commit_time <= ? AND (? IS NULL OR c.commit_time >= ?)
       GROUP BY c.repo_id, c.sha
       ORDER BY c.repo_id, c.sha
       LIMIT ${PAGE}`,
      [after[0], after[1], window.until, window.since, window.since],
    );
  let next: Promise<CommitRow[]> | null = page([-1, '']);
  while (next) {
    const rows: CommitRow[] = await next;
    const last = rows.at(-1);
    next = last && rows.length === PAGE ? page([last.repo_id, last.sha]) : null;
    // a failure surfaces where the page is awaited
    next?.catch(() => undefined);
    for (const row of rows) {
      let builder = byRepo.get(row.repo_id);
      if (!builder) {
        builder = new Builder(row.repo_id, names.get(row.repo_id) ?? String(row.repo_id), exclusion);
        byRepo.set(row.repo_id, builder);
      }
      builder.add(row.t, row.e, isFix(row.s), row.paths.split('\0'), row.nums.split(' '));
    }
  }
  const repos = [...byRepo.values()]
    .map((b) => b.build())
    .sort((a, b) => (a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : a.repoId - b.repoId));
  return { repos, warnings: exclusion.warnings() };
}

/** A growable column of numbers. */
class Column<T extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (size: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const ints = (n: number) => new Int32Array(n);
const floats = (n: number) => new Float64Array(n);
const bytes = (n: number) => new Uint8Array(n);

class Builder {
  private readonly fileIds = new Map<string, number>();
  private readonly paths: string[] = [];
  private readonly authorIds = new Map<string, number>();
  private readonly authors: string[] = [];
  private readonly excluded = new Map<string, ExclusionReason>();
  private readonly time = new Column(floats(1024), floats);
  private readonly author = new Column(ints(1024), ints);
  private readonly fix = new Column(bytes(1024), bytes);
  private readonly offsets = new Column(ints(1024), ints);
  private readonly files = new Column(ints(4096), ints);
  private readonly added = new Column(floats(4096), floats);
  private readonly deleted = new Column(floats(4096), floats);

  constructor(
    private readonly repoId: number,
    private readonly repo: string,
    private readonly exclusion: Exclusion,
  ) {
    this.offsets.push(0);
  }

  /** `numbers` holds added and deleted lines for each path, in order. */
  add(time: number, email: string, fix: boolean, paths: string[], numbers: string[]): void {
    const start = this.files.length;
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      let id = this.fileIds.get(path);
      if (id === undefined) {
        if (this.excluded.has(path)) continue;
        const reason = this.exclusion.reason(this.repoId, path);
        if (reason !== null) {
          this.excluded.set(path, reason);
          continue;
        }
        id = this.paths.length;
        this.fileIds.set(path, id);
        this.paths.push(path);
      }
      this.files.push(id);
      this.added.push(Number(numbers[2 * i]));
      this.deleted.push(Number(numbers[2 * i + 1]));
    }
    if (this.files.length === start) return;
    let author = this.authorIds.get(email);
    if (author === undefined) {
      author = this.authors.length;
      this.authorIds.set(email, author);
      this.authors.push(email);
    }
    this.time.push(time);
    this.author.push(author);
    this.fix.push(fix ? 1 : 0);
    this.offsets.push(this.files.length);
  }

  build(): RepoHistory {
    return {
      repoId: this.repoId,
      repo: this.repo,
      paths: this.paths,
      authors: this.authors,
      commits: this.time.length,
      time: this.time.done(),
      author: this.author.done(),
      fix: this.fix.done(),
      offsets: this.offsets.done(),
      files: this.files.done(),
      added: this.added.done(),
      deleted: this.deleted.done(),
      excludedFiles: this.excluded.size,
      excludedByReason: countReasons(this.excluded.values()),
    };
  }
}

function countReasons(reasons: Iterable<ExclusionReason>): ExcludedByReason {
  const counts: ExcludedByReason = { generated: 0, vendored: 0, documentation: 0, config: 0 };
  for (const reason of reasons) counts[reason] += 1;
  return counts;
}
