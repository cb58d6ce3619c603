// Line counts of every file at a commit, as git counts them: the numstat of
// that tree against the empty tree (binary files have no line count).
import { execa } from 'execa';
import { emptyTree, gitFailed } from './repository.js';

export interface HeadFile {
  path: string;
  /** null for binary files */
  lines: number | null;
}

/** Lists the files at `tip` with their line counts. */
export async function headLineCounts(root: string, tip: string, signal?: AbortSignal): Promise<HeadFile[]> {
  const empty = await emptyTree(root);
  const result = await execa(
    'git',
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
    {
      cwd: root,
      reject: false,
      encoding: 'utf8',
      stripFinalNewline: false,
      ...(signal ? { cancelSignal: signal } : {}),
    },
  );
  if (signal?.aborted) throw signal.reason;
  if (result.exitCode !== 0) throw gitFailed('diff', result.stderr);
  const files: HeadFile[] = [];
  for (const token of result.stdout.split('\0')) {
    if (!token) continue;
    const tab1 = token.indexOf('\t');
    const tab2 = token.indexOf('\t', tab1 + 1);
    if (tab1 === -1 || tab2 === -1) continue;
    const added = token.slice(0, tab1);
    files.push({ path: token.slice(tab2 + 1), lines: added === '-' ? null : Number(added) });
  }
  return files;
}
