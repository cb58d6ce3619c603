// Streams `git log --numstat -z` and yields one parsed commit at a time, so
// memory stays bounded whatever the size of the history.
import { startGit } from './git-process.js';
import { decodePath } from './path-bytes.js';
import { requireSuccess } from './repository.js';

/** One commit as git reports it; merges carry no file changes. */
export interface GitCommit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  rawAuthorName: string;
  rawAuthorEmail: string;
  authorTime: number;
  /** Author's UTC offset in minutes. */
  authorTz: number;
  commitTime: number;
  subject: string;
  files: GitFileChange[];
}

export interface GitFileChange {
  path: string;
  /** null for binary changes (git prints "-"). */
  added: number | null;
  deleted: number | null;
}

const RS = '\x1e';
const US = '\x1f';
/** mailmapped name/email (%aN/%aE) and raw ones, times, tz and subject. */
const FORMAT = `${RS}%H${US}%P${US}%aN${US}%aE${US}%an${US}%ae${US}%at${US}%ct${US}%ai${US}%s`;

export interface LogOptions {
  /** Revisions to walk: a ref, a range, or several tips with --not exclusions. */
  revisions: string[];
  since?: Date | null;
  signal?: AbortSignal;
}

/** The git arguments used for ingestion (exported for the benchmark and tests). */
export function logArguments(options: LogOptions): string[] {
  const args = [
    '-c',
    'core.quotepath=off',
    '-c',
    'diff.renames=false',
    'log',
    '--no-renames',
    '--numstat',
    '-z',
    '--diff-merges=off',
    '--no-textconv',
    '--no-ext-diff',
    `--format=${FORMAT}`,
  ];
  if (options.since) args.push(`--since=${options.since.toISOString()}`);
  args.push(...options.revisions, '--');
  return args;
}

/** Yields commits newest first. Throws a WorkError when git fails. */
export async function* streamCommits(root: string, options: LogOptions): AsyncGenerator<GitCommit> {
  const git = startGit(logArguments(options), { cwd: root, signal: options.signal });
  let current: GitCommit | null = null;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of git.chunks()) {
    const data: Buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(0, start); end !== -1; end = data.indexOf(0, start)) {
      const token = readToken(data, start, end);
      start = end + 1;
      const parsed = parseToken(token, current);
      if (parsed) {
        if (current) yield current;
        current = parsed;
      }
    }
    rest = start < data.length ? data.subarray(start) : Buffer.alloc(0);
  }
  requireSuccess('log', await git.done, root, options.signal);
  if (rest.length > 0) {
    const parsed = parseToken(readToken(rest, 0, rest.length), current);
    if (parsed) {
      if (current) yield current;
      current = parsed;
    }
  }
  if (current) yield current;
}

/** A header is text; a numstat line keeps its path byte-exact (see path-bytes.ts). */
function readToken(data: Buffer, start: number, end: number): string {
  const first = data[start] === 10 ? start + 1 : start;
  if (data[first] === 0x1e) return data.toString('utf8', start, end);
  return decodePath(data, start, end);
}

/** Parses one NUL-terminated token: a new commit header (returned) or a numstat line (added to `current`). */
export function parseToken(raw: string, current: GitCommit | null): GitCommit | null {
  const token = raw.charCodeAt(0) === 10 ? raw.slice(1) : raw;
  if (token.length === 0) return null;
  if (token.charCodeAt(0) === 0x1e) return parseHeader(token);
  const tab1 = token.indexOf('\t');
  const tab2 = tab1 === -1 ? -1 : token.indexOf('\t', tab1 + 1);
  if (tab2 === -1 || !current) return null;
  const added = token.slice(0, tab1);
  const deleted = token.slice(tab1 + 1, tab2);
  current.files.push({
    path: token.slice(tab2 + 1),
    added: added === '-' ? null : Number(added),
    deleted: deleted === '-' ? null : Number(deleted),
  });
  return null;
}

function parseHeader(token: string): GitCommit {
  const fields = token.slice(1).split(US);
  // The subject is last and may itself contain the separator: join the remainder.
  const [sha, parents, aN, aE, an, ae, at, ct, ai] = fields;
  const subject = fields.slice(9).join(US);
  return {
    sha: sha ?? '',
    parents: parents ? parents.split(' ') : [],
    authorName: aN ?? '',
    authorEmail: aE ?? '',
    rawAuthorName: an ?? '',
    rawAuthorEmail: ae ?? '',
    authorTime: Number(at),
    authorTz: parseOffset(ai ?? ''),
    commitTime: Number(ct),
    subject,
    files: [],
  };
}

/** "2024-03-01 10:00:00 +0130" → 90 */
function parseOffset(isoLike: string): number {
  const match = /([+-])(\d\d)(\d\d)$/.exec(isoLike);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
