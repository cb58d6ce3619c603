// Line counts of every file at a commit, as git counts them: the numstat of
// that tree against the empty tree (binary files have no line count).
import { decodePath } from './path-bytes.js';
import { emptyTree, gitOutput } from './repository.js';

export interface HeadFile {
  path: string;
  /** null for binary files */
  lines: number | null;
}

/** Lists the files at `tip` with their line counts. */
export async function headLineCounts(root: string, tip: string, signal?: AbortSignal): Promise<HeadFile[]> {
  const empty = await emptyTree(root);
  const out = await gitOutput(
    'diff',
    [
      '-c',
      'core.quotepath=off',
      'diff',
      '--numstat',
      '-z',
      '--no-renames',
      '--no-textconv',
      '--no-ext-diff',
      empty,
      tip,
    ],
    root,
    { signal },
  );
  const files: HeadFile[] = [];
  for (let start = 0, end = out.indexOf(0); end !== -1; start = end + 1, end = out.indexOf(0, start)) {
    const tab1 = out.indexOf(9, start);
    const tab2 = tab1 === -1 || tab1 >= end ? -1 : out.indexOf(9, tab1 + 1);
    if (tab2 === -1 || tab2 >= end) continue;
    const added = out.toString('latin1', start, tab1);
    files.push({ path: decodePath(out, tab2 + 1, end), lines: added === '-' ? null : Number(added) });
  }
  return files;
}
