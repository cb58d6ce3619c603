// Generates a reproducible git history with `git fast-import`: many commits over
// many files, realistic line-level diffs, several authors. Used by the
// benchmark (80,000+ commits) and by tests that need a history too large to
// build commit by commit.

import { spawn } from 'node:child_process';
import { spawnFastImport } from './fast-import.js';
import { gitEnv } from './git-repo.js';
import { Random } from './random.js';

export interface HistoryOptions {
  commits: number;
  files: number;
  authors: number;
  seed: number;
  /** Unix seconds of the first commit. */
  start: number;
  /** Seconds between commits. */
  step: number;
  /** Every n-th commit is a large change set touching `bigChangeFiles` files (0 = never). */
  bigChangeEvery: number;
  bigChangeFiles: number;
}

export const DEFAULT_HISTORY: HistoryOptions = {
  commits: 1000,
  files: 200,
  authors: 20,
  seed: 42,
  start: 1_600_000_000,
  step: 600,
  bigChangeEvery: 0,
  bigChangeFiles: 40,
};

function fileName(index: number): string {
  const dir = `src/module${index % 37}/part${index % 5}`;
  return `${dir}/file${index}.ts`;
}

/** Writes the history into the (already initialised, empty) repository at `path`, branch `main`. */
export async function generateHistory(path: string, partial: Partial<HistoryOptions> = {}): Promise<void> {
  const options = { ...DEFAULT_HISTORY, ...partial };
  const random = new Random(options.seed);
  const contents: string[][] = [];
  const { child, finished } = spawnFastImport(path, { ...process.env, ...gitEnv() });

  const parts: string[] = [];
  let pending = 0;
  const flush = async () => {
    const text = parts.join('');
    parts.length = 0;
    pending = 0;
    if (!child.stdin.write(text)) await new Promise<void>((ok) => child.stdin.once('drain', () => ok()));
  };

  let line = 0;
  const newLine = () => {
    line += 1;
    return `  const value${line} = compute(${line % 97}, "${line.toString(36)}");`;
  };
  for (let c = 0; c < options.commits; c += 1) {
    const time = options.start + c * options.step;
    const author = c % options.authors;
    const big = options.bigChangeEvery > 0 && c > 0 && c % options.bigChangeEvery === 0;
    const count = big ? options.bigChangeFiles : random.int(1, 4);
    const touched = new Set<number>();
    while (touched.size < Math.min(count, options.files)) {
      // a skewed choice so that some files are hotspots
      const skew = random.next() ** 2.2;
      touched.add(Math.floor(skew * options.files));
    }
    let commit = `commit refs/heads/main\nmark :${c + 1}\n`;
    commit += `author Dev ${author} <dev${author}@example.com> ${time} +0000\n`;
    commit += `committer Dev ${author} <dev${author}@example.com> ${time} +0000\n`;
    const message = `${random.chance(0.15) ? 'fix' : 'change'}: update ${touched.size} files (#${c + 1})\n`;
    commit += `data ${Buffer.byteLength(message)}\n${message}`;
    if (c > 0) commit += `from :${c}\n`;
    for (const index of touched) {
      let lines = contents[index];
      if (!lines) {
        lines = [];
        for (let i = 0, n = random.int(10, 60); i < n; i += 1) lines.push(newLine());
        contents[index] = lines;
      } else {
        const edits = random.int(1, 6);
        for (let e = 0; e < edits; e += 1) {
          const at = random.int(0, lines.length);
          const kind = random.next();
          if (kind < 0.45 || lines.length < 5) lines.splice(at, 0, newLine());
          else if (kind < 0.75) lines.splice(Math.min(at, lines.length - 1), 1);
          else lines[Math.min(at, lines.length - 1)] = newLine();
        }
      }
      const body = `${lines.join('\n')}\n`;
      commit += `M 100644 inline ${fileName(index)}\ndata ${Buffer.byteLength(body)}\n${body}`;
    }
    commit += '\n';
    parts.push(commit);
    pending += commit.length;
    if (pending > 1 << 20) await flush();
  }
  parts.push('done\n');
  await flush();
  child.stdin.end();
  await finished;
  await new Promise<void>((ok, fail) => {
    const reset = spawn('git', ['reset', '-q', '--hard', 'main'], {
      cwd: path,
      env: { ...process.env, ...gitEnv() },
    });
    reset.on('close', (code) => (code === 0 ? ok() : fail(new Error('git reset failed'))));
  });
}
