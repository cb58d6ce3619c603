// Reads what the architecture analysis needs from the files at the collected
// tip: the blob of every path, the indentation profile of each blob not seen
// before (streamed through one `git cat-file --batch`), and the linguist
// attributes (generated, vendored, documentation) that .gitattributes at the
// tip sets on current and past paths.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../agent/store/db.js';
import { getState, setState } from '../../agent/store/repositories.js';
import {
  type BlobProfile,
  hasUnprofiledBlobs,
  missingBlobs,
  type PathAttributes,
  pathAttributesInput,
  replaceTipContent,
} from '../../agent/store/tip-content.js';
import { startGit } from './git-process.js';
import { IndentationCounter } from './indentation.js';
import { decodePath, encodePath } from './path-bytes.js';
import { gitOutput, requireSuccess } from './repository.js';

/** Bumped when the way figures are computed changes, so the next collection recomputes them. */
const STEP_VERSION = '2';
const STEP = 'tip-content';
const EMPTY = Buffer.alloc(0);

export interface TipContentResult {
  /** Files at the tip (regular files, not symlinks or submodules). */
  files: number;
  /** Blobs whose indentation was read in this run (the others were known). */
  blobsRead: number;
  /** Paths with a linguist-generated, linguist-vendored or linguist-documentation attribute. */
  attributed: number;
  skipped: boolean;
}

interface TreeEntry {
  path: string;
  oid: string;
}

/** Records blobs, indentation and attributes for the tip of one repository; a no-op when the tip is unchanged. */
export async function collectTipContent(
  db: Db,
  root: string,
  repoId: number,
  tip: string,
  signal?: AbortSignal,
): Promise<TipContentResult> {
  const cursor = `${STEP_VERSION}:${tip}`;
  const state = await getState(db, 'git', root, STEP);
  // a profile pruned by a concurrent collection of another repository is read again
  if (state?.cursor === cursor && !(await hasUnprofiledBlobs(db, repoId))) {
    return { files: 0, blobsRead: 0, attributed: 0, skipped: true };
  }

  const entries = await listTree(root, tip, signal);
  const missing = await missingBlobs(db, [...new Set(entries.map((e) => e.oid))]);
  const profiles = missing.length > 0 ? await readProfiles(root, missing, signal) : [];
  const hasAttributes = entries.some(
    (e) => e.path === '.gitattributes' || e.path.endsWith('/.gitattributes'),
  );
  const attributes = hasAttributes
    ? await readAttributes(root, tip, await pathAttributesInput(db, repoId, entries), signal)
    : [];
  if (signal?.aborted) throw signal.reason;
  await db.transaction(async (tx) => {
    await replaceTipContent(tx, repoId, entries, profiles, attributes);
    await setState(tx, 'git', root, STEP, { cursor, configHash: STEP_VERSION });
  });
  return { files: entries.length, blobsRead: profiles.length, attributed: attributes.length, skipped: false };
}

/** Regular files at `tip` with their blob ids (`git ls-tree -r -z`). */
async function listTree(root: string, tip: string, signal?: AbortSignal): Promise<TreeEntry[]> {
  const out = await gitOutput('ls-tree', ['ls-tree', '-r', '-z', '--full-tree', tip], root, { signal });
  const entries: TreeEntry[] = [];
  for (let start = 0, end = out.indexOf(0); end !== -1; start = end + 1, end = out.indexOf(0, start)) {
    const tab = out.indexOf(9, start);
    if (tab === -1 || tab >= end) continue;
    const [mode, type, oid] = out.toString('latin1', start, tab).split(' ');
    // symlinks (120000) and submodules (commit) have no content of their own here
    if (type !== 'blob' || mode === '120000' || !oid) continue;
    entries.push({ path: decodePath(out, tab + 1, end), oid });
  }
  return entries;
}

/** Streams the blobs through `git cat-file --batch` and profiles each one without holding it whole. */
async function readProfiles(
  root: string,
  oids: readonly string[],
  signal?: AbortSignal,
): Promise<BlobProfile[]> {
  const git = startGit(['cat-file', '--batch'], { cwd: root, input: `${oids.join('\n')}\n`, signal });
  const profiles: BlobProfile[] = [];
  let header: Buffer = EMPTY;
  let oid = '';
  let remaining = -1; // bytes of the current body still to read; -1 = reading a header
  let trailer = false; // the newline after a body
  let counter: IndentationCounter | null = null;
  for await (const chunk of git.chunks()) {
    let at = 0;
    while (at < chunk.length) {
      if (trailer) {
        at += 1;
        trailer = false;
        continue;
      }
      if (remaining < 0) {
        const newline = chunk.indexOf(10, at);
        if (newline === -1) {
          header = Buffer.concat([header, chunk.subarray(at)]);
          break;
        }
        // headers are ASCII; only one split across two chunks needs a copy
        const line =
          header.length > 0
            ? Buffer.concat([header, chunk.subarray(at, newline)]).toString('latin1')
            : chunk.toString('latin1', at, newline);
        header = EMPTY;
        at = newline + 1;
        const [id, type, size] = line.split(' ');
        if (type === 'missing' || size === undefined) continue;
        oid = id ?? '';
        remaining = Number(size);
        counter = type === 'blob' ? new IndentationCounter() : null;
        if (remaining === 0) {
          if (counter) profiles.push({ oid, ...counter.finish() });
          remaining = -1;
          trailer = true;
        }
        continue;
      }
      const end = Math.min(chunk.length, at + remaining);
      counter?.push(chunk, at, end);
      remaining -= end - at;
      at = end;
      if (remaining === 0) {
        if (counter) profiles.push({ oid, ...counter.finish() });
        remaining = -1;
        trailer = true;
      }
    }
  }
  requireSuccess('cat-file', await git.done, root, signal);
  return profiles;
}

/**
 * `git check-attr` against the tip's own .gitattributes: the tip is read into a
 * temporary index and the attributes are taken from it (--cached), so the work
 * tree's state and the git version do not matter.
 */
async function readAttributes(
  root: string,
  tip: string,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<PathAttributes[]> {
  const index = join(tmpdir(), `dx-audit-index-${process.pid}-${Date.now()}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await gitOutput('read-tree', ['read-tree', tip], root, { env, signal });
    const out = await gitOutput(
      'check-attr',
      ['check-attr', '--cached', '-z', '--stdin', ...Object.keys(ATTRIBUTES)],
      root,
      {
        env,
        input: Buffer.concat(paths.flatMap((p) => [encodePath(p), Buffer.from([0])])),
        signal,
      },
    );
    const byPath = new Map<string, PathAttributes>();
    const fields: string[] = [];
    for (let start = 0, end = out.indexOf(0); end !== -1; start = end + 1, end = out.indexOf(0, start))
      fields.push(decodePath(out, start, end));
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const path = fields[i]!;
      const value = attributeValue(fields[i + 2]!);
      if (value === null) continue;
      const key = ATTRIBUTES[fields[i + 1]!];
      if (key === undefined) continue;
      const row = byPath.get(path) ?? { path, generated: null, vendored: null, documentation: null };
      row[key] = value;
      byPath.set(path, row);
    }
    return [...byPath.values()];
  } finally {
    rmSync(index, { force: true });
  }
}

/** The attributes read, and the field each one fills. */
const ATTRIBUTES: Readonly<Record<string, 'generated' | 'vendored' | 'documentation'>> = {
  'linguist-generated': 'generated',
  'linguist-vendored': 'vendored',
  'linguist-documentation': 'documentation',
};

/** set/true → 1, unset/false → 0, unspecified or any other value → null. */
function attributeValue(info: string): 0 | 1 | null {
  const value = info.toLowerCase();
  if (value === 'set' || value === 'true') return 1;
  if (value === 'unset' || value === 'false') return 0;
  return null;
}
