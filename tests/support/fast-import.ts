// Builds a git history in one `git fast-import` run: hundreds of commits with
// exact authors, times, messages and contents in a fraction of a second, and
// any path git allows (spaces, unicode, newlines).
//
// Both runs write the pack without deltas (--depth=0) and without zlib
// (core.compression=0). A test history is read a few times and thrown away,
// and compressing it cost fast-import most of its time: a 195-commit mirror
// of 1.3 MB took 1.4 s of CPU with git's default depth of 50 and 0.3 s without
// deltas; a 3,000-commit history of growing files (117 MB of stream) took
// 3.8 s with zlib and 1.8 s without, for a pack of 116 MB instead of 28 MB.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { execaSync } from 'execa';
import { gitEnv, TestRepo } from './git-repo.js';

const FAST_IMPORT = ['-c', 'core.compression=0', 'fast-import', '--quiet', '--depth=0'];

/**
 * A streaming `git fast-import --done` in `cwd`, for generators that write
 * more than fits in one string: write the stream to `child.stdin`, end it, and
 * await `finished` (rejected with git's stderr when the import fails).
 */
export function spawnFastImport(
  cwd: string,
  env: NodeJS.ProcessEnv = { ...process.env, ...gitEnv() },
): { child: ChildProcessByStdio<Writable, null, Readable>; finished: Promise<void> } {
  const child = spawn('git', [...FAST_IMPORT, '--done'], {
    cwd,
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const finished = new Promise<void>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`git fast-import failed (${code}): ${stderr}`)),
    );
  });
  return { child, finished };
}

export interface ImportedCommit {
  /** path → new content; null deletes the file. */
  files: Record<string, string | Buffer | null>;
  message?: string;
  author?: { name: string; email: string };
  /** Unix seconds (author and committer time). Default: 1,700,000,000 + index hours. */
  at?: number;
}

/** A C-style quoted path, as fast-import reads it. */
export function quotePath(path: string): string {
  let out = '"';
  for (const byte of Buffer.from(path, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte === 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/**
 * Creates a repository whose `main` branch holds exactly `commits`, oldest first;
 * given an existing repository, appends them to its `main`.
 */
export function importHistory(commits: readonly ImportedCommit[], repo?: TestRepo): TestRepo {
  const parent = repo ? repo.git('rev-parse', '--verify', 'refs/heads/main') : null;
  const target = repo ?? new TestRepo();
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s, 'latin1'));
  const data = (content: Buffer) => {
    text(`data ${content.length}\n`);
    parts.push(content);
    text('\n');
  };
  commits.forEach((commit, index) => {
    const at = commit.at ?? 1_700_000_000 + (index + 1) * 3600;
    const who = commit.author ?? { name: 'Test Author', email: 'author@example.com' };
    text(`commit refs/heads/main\nmark :${index + 1}\n`);
    parts.push(Buffer.from(`author ${who.name} <${who.email}> ${at} +0000\n`, 'utf8'));
    text(`committer Test Committer <committer@example.com> ${at} +0000\n`);
    data(Buffer.from(commit.message ?? `commit ${index + 1}`, 'utf8'));
    if (index > 0) text(`from :${index}\n`);
    else if (parent) text(`from ${parent}\n`);
    for (const [path, content] of Object.entries(commit.files)) {
      // the quoted path is ASCII plus raw UTF-8 bytes, written as they are
      const quoted = Buffer.from(quotePath(path), 'latin1');
      if (content === null) {
        text('D ');
        parts.push(quoted);
        text('\n');
      } else {
        text('M 100644 inline ');
        parts.push(quoted);
        text('\n');
        data(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      }
    }
    text('\n');
  });
  execaSync('git', FAST_IMPORT, {
    cwd: target.path,
    input: Buffer.concat(parts),
    env: gitEnv(),
  });
  return target;
}

/**
 * A long history that is cheap to write and to read: `count` commits, each
 * changing one line in two of five small files (a tree of a few entries, so
 * fast-import writes little per commit). Long enough that `collect git`
 * commits several batches (4,000 commits each) before it finishes: the
 * interruption tests stop it in between.
 */
export function longHistory(count: number): TestRepo {
  return importHistory(
    Array.from({ length: count }, (_, i) => ({
      files: { [`src/f${i % 3}.txt`]: `${i}\n`, [`docs/d${i % 2}.md`]: `${i}\n` },
    })),
  );
}
