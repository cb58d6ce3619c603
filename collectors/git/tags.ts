// The git facts DORA needs beyond the log: every tag peeled to its commit
// (tags are read from the local clone, so deployment frequency works without
// GitHub), and the "This reverts commit X" links in commit messages. Tags are
// replaced wholesale on each run: they move and get deleted. The revert links
// follow from the history alone, so they are read again only when the tip
// moved: finding them walks every commit message (0.9 s for 80,000 commits,
// most of an unchanged re-run).
import type { Db } from '../../agent/store/db.js';
import { replaceReverts, replaceTags, type TagRow } from '../../agent/store/dora.js';
import { getState, setState } from '../../agent/store/repositories.js';
import { gitOrNull } from './repository.js';

const SEP = '\u001f';
/** The collection step whose cursor is the tip the revert links were read at. */
const REVERTS_STEP = 'reverts';
const REVERTS_VERSION = '1';

/** What one run read, for the summary line. */
export interface TagCollectResult {
  tags: number;
  /** Revert links read; null when the tip had not moved and the stored ones were kept. */
  reverts: number | null;
}

/** Reads the tags and revert links of the clone at `root` into `db` for repository `repoId`. */
export async function collectTags(
  db: Db,
  root: string,
  repoId: number,
  tip: string | null,
): Promise<TagCollectResult> {
  const tags = parseTags(
    (await gitOrNull(root, [
      'for-each-ref',
      `--format=%(refname:strip=2)${SEP}%(objectname)${SEP}%(*objectname)${SEP}%(objecttype)${SEP}%(creatordate:unix)`,
      'refs/tags',
    ])) ?? '',
  );
  // null: the tip has not moved since the links were read, so the stored ones stand
  let reverts: { sha: string; reverted: string }[] | null = [];
  if (tip) {
    const state = await getState(db, 'git', root, REVERTS_STEP);
    reverts =
      state?.cursor === tip && state.configHash === REVERTS_VERSION
        ? null
        : parseReverts(
            (await gitOrNull(root, [
              'log',
              '--no-color',
              '--grep=This reverts commit',
              `--format=%H${SEP}%B%x1e`,
              tip,
            ])) ?? '',
          );
  }
  await db.transaction(async (tx) => {
    await replaceTags(tx, repoId, tags);
    if (reverts === null) return;
    await replaceReverts(tx, repoId, reverts);
    if (tip) await setState(tx, 'git', root, REVERTS_STEP, { cursor: tip, configHash: REVERTS_VERSION });
  });
  return { tags: tags.length, reverts: reverts?.length ?? null };
}

/** Parses `for-each-ref` lines: annotated tags are peeled to their commit; tags of trees or blobs are dropped. */
export function parseTags(text: string): TagRow[] {
  const out: TagRow[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [name, object, peeled, type, date] = line.split(SEP);
    if (!name || !object) continue;
    const sha = type === 'tag' ? peeled : type === 'commit' ? object : '';
    const at = Number(date);
    if (!sha || !Number.isFinite(at)) continue;
    out.push({ name, sha, taggedAt: at });
  }
  return out;
}

/** Parses `%H␟%B␞` records into (revert commit, reverted commit) pairs. */
export function parseReverts(text: string): { sha: string; reverted: string }[] {
  const out: { sha: string; reverted: string }[] = [];
  for (const record of text.split('\u001e')) {
    const [sha, body] = record.trim().split(SEP);
    if (!sha || !body) continue;
    for (const match of body.matchAll(/This reverts commit ([0-9a-f]{7,64})/g)) {
      out.push({ sha, reverted: match[1]! });
    }
  }
  return out;
}
