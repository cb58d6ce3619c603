// A git history made of merged branches, as a team without pull requests on
// GitHub leaves it: every merged change of a generated organisation becomes a
// branch with the change's own commits (authored when they were written) and a
// merge commit on main at its merge time. Written with one `git fast-import`.
import { mkdirSync } from 'node:fs';
import { execa } from 'execa';
import { spawnFastImport } from './fast-import.js';
import { gitEnv } from './git-repo.js';
import type { GenPullRequest } from './github-generator.js';
import { mergedInOrder } from './scenarios.js';

/** Git author email of a login in the merge history. */
export function teamEmail(login: string): string {
  return `${login}@team.example`;
}

/**
 * Writes `prs`' merged changes into a new repository at `path`: per change, a
 * branch from main whose commits share out the change's files (each file's
 * additions and deletions applied once, in the commit that holds it), then
 * `Merge branch '<head>'` at the merge time. Returns the number of merges.
 */
export async function writeMergeHistory(path: string, prs: readonly GenPullRequest[]): Promise<number> {
  mkdirSync(path, { recursive: true });
  const env = { ...process.env, ...gitEnv() };
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: path, env });
  const { child, finished } = spawnFastImport(path, env);
  const contents = new Map<string, string[]>();
  let counter = 0;
  // unique lines, so git's numstat counts exactly the lines added and deleted
  const newLine = () => {
    counter += 1;
    return `${'    '.repeat(counter % 3)}const v${counter.toString(36)} = step(${counter % 89});`;
  };
  const body = (file: string) => {
    const lines = contents.get(file) ?? [];
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    return `M 100644 inline ${file}\ndata ${Buffer.byteLength(text)}\n${text}`;
  };
  const out: string[] = [];
  let mark = 0;
  let main = 0;
  const merged = mergedInOrder(prs);
  // the first commit on main: the repository before any change
  mark += 1;
  main = mark;
  const start =
    Math.floor(Math.min(...merged.flatMap((p) => p.commits.map((c) => c.authoredAt))) / 1000) - 86_400;
  out.push(
    `commit refs/heads/main\nmark :${mark}\nauthor Setup <setup@team.example> ${start} +0000\n` +
      `committer Setup <setup@team.example> ${start} +0000\ndata 14\nInitial commit\n` +
      `M 100644 inline README\ndata 6\nhello\n\n`,
  );
  for (const pr of merged) {
    const who = `${pr.author.login} <${teamEmail(pr.author.login)}>`;
    const branch = `refs/heads/${pr.headRef}`;
    const commits =
      pr.commits.length > 0 ? pr.commits : [{ authoredAt: pr.mergedAt!, committedAt: pr.mergedAt! }];
    let parent = main;
    for (const [i, commit] of commits.entries()) {
      const files = pr.files.filter((_, f) => f % commits.length === i);
      mark += 1;
      const authored = Math.floor(commit.authoredAt / 1000);
      const committed = Math.floor(Math.max(commit.committedAt, commit.authoredAt) / 1000);
      const message = `${pr.title} (${i + 1}/${commits.length})\n`;
      let text = `commit ${branch}\nmark :${mark}\nauthor ${who} ${authored} +0000\ncommitter ${who} ${committed} +0000\n`;
      text += `data ${Buffer.byteLength(message)}\n${message}from :${parent}\n`;
      for (const f of files) {
        const lines = contents.get(f.path) ?? [];
        const deletions = Math.min(f.deletions, lines.length);
        lines.splice(Math.floor(lines.length / 3), deletions);
        const added = Array.from({ length: Math.max(1, f.additions) }, newLine);
        lines.splice(Math.floor(lines.length / 2), 0, ...added);
        contents.set(f.path, lines);
        text += body(f.path);
      }
      out.push(`${text}\n`);
      parent = mark;
    }
    // the merge: main's tree plus the branch's files as the branch left them
    mark += 1;
    const at = Math.floor(pr.mergedAt! / 1000);
    const message = `Merge branch '${pr.headRef}'\n`;
    let text = `commit refs/heads/main\nmark :${mark}\nauthor ${who} ${at} +0000\ncommitter ${who} ${at} +0000\n`;
    text += `data ${Buffer.byteLength(message)}\n${message}from :${main}\nmerge :${parent}\n`;
    for (const f of new Set(pr.files.map((file) => file.path))) text += body(f);
    out.push(`${text}\n`);
    main = mark;
  }
  out.push('done\n');
  child.stdin.end(out.join(''));
  await finished;
  await execa('git', ['reset', '-q', '--hard', 'main'], { cwd: path, env });
  // the branches are merged: only main remains, as after a merge that deletes them
  await execa('git', ['for-each-ref', '--format=delete %(refname)', 'refs/heads/'], { cwd: path, env }).then(
    async ({ stdout }) => {
      const deletes = stdout
        .split('\n')
        .filter((l) => l && l !== 'delete refs/heads/main')
        .join('\n');
      if (deletes) await execa('git', ['update-ref', '--stdin'], { cwd: path, env, input: `${deletes}\n` });
    },
  );
  return merged.length;
}
