// Which repository, commit and branch a build ran at. `wrap` reads this from
// the .git files directly (no git process, so it costs well under a
// millisecond); `build` asks git itself, including whether the tree is dirty.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { GitState } from './record.js';

interface GitDirs {
  root: string;
  gitDir: string;
  commonDir: string;
}

/** The enclosing work tree of `cwd` (a folder holding `.git`), or null outside any repository. */
export function findWorkTree(cwd: string): GitDirs | null {
  let dir = resolve(cwd);
  for (;;) {
    const dotGit = join(dir, '.git');
    let isDir: boolean | null = null;
    try {
      isDir = statSync(dotGit).isDirectory();
    } catch {
      isDir = null;
    }
    if (isDir !== null) {
      let gitDir = dotGit;
      if (!isDir) {
        // worktrees and submodules: ".git" is a file "gitdir: <path>"
        const match = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
        if (!match) return null;
        gitDir = resolve(dir, match[1]!);
      }
      const common = readText(join(gitDir, 'commondir'))?.trim();
      let root = dir;
      try {
        root = realpathSync(dir);
      } catch {
        // keep the path as given
      }
      return { root, gitDir, commonDir: common ? resolve(gitDir, common) : gitDir };
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Repository, commit and branch of `cwd` from the .git files; dirty is unknown (null). */
export function readGitState(cwd: string): GitState | null {
  const dirs = findWorkTree(cwd);
  if (!dirs) return null;
  const head = readText(join(dirs.gitDir, 'HEAD'))?.trim() ?? '';
  let branch: string | null = null;
  let commit: string | null = null;
  const symbolic = /^ref:\s*(\S+)$/.exec(head);
  if (symbolic) {
    const ref = symbolic[1]!;
    branch = ref.replace(/^refs\/heads\//, '');
    commit = resolveRef(dirs, ref);
  } else if (/^[0-9a-f]{40,64}$/.test(head)) {
    commit = head;
  }
  return { root: dirs.root, name: basename(dirs.root), commit, branch, dirty: null };
}

function resolveRef(dirs: GitDirs, ref: string): string | null {
  for (const base of [dirs.gitDir, dirs.commonDir]) {
    const loose = readText(join(base, ref))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  }
  const packed = readText(join(dirs.commonDir, 'packed-refs'));
  if (packed) {
    for (const line of packed.split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
    }
  }
  return null; // no commits yet, or a ref storage this reader does not know (reftable)
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
