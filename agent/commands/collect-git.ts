// `dx-audit collect git [PATH...]`
import { collectGit } from '../../collectors/git/collect.js';
import { inspectRepository } from '../../collectors/git/repository.js';
import { collectTags } from '../../collectors/git/tags.js';
import type { Context } from '../context.js';
import { Db } from '../store/db.js';
import { count } from '../util/plural.js';

interface Options {
  branch?: string;
  allBranches?: boolean;
}

export async function run(context: Context, paths: string[], options: Options): Promise<number> {
  const targets = paths.length > 0 ? paths : [context.cwd];
  const hosts = githubHosts(context);
  // Check every path before touching the database, so bad input stores nothing.
  const repos = [];
  for (const path of targets)
    repos.push(await inspectRepository(path, { ref: options.branch, githubHosts: hosts }));
  const db = await Db.open(context.dbPath);
  const summaries = [];
  try {
    for (const repo of repos) {
      if (repo.shallow) {
        context.note(
          `dx-audit: note: ${repo.root} is a shallow clone, so its history is partial — run \`git fetch --unshallow\` there for the full history`,
        );
      }
      if (repo.detached && !options.branch) {
        context.note(`dx-audit: note: ${repo.root} has a detached HEAD; analysing the commit it points to`);
      }
      const result = await collectGit(db, repo, {
        since: context.since,
        branch: options.branch,
        allBranches: options.allBranches ?? false,
        signal: context.signal,
        progress: context.progress,
      });
      await collectTags(db, repo.root, result.repoId, repo.tip);
      summaries.push({ repository: repo.root, branch: repo.branch, shallow: repo.shallow, ...result });
      if (!context.json) {
        const what =
          result.mode === 'empty'
            ? 'no commits yet'
            : result.mode === 'unchanged'
              ? 'unchanged since the last collection'
              : `${count(result.commits, 'commit')}, ${count(result.merges, 'merge')}, ${count(result.fileChanges, 'file change')} (${result.mode})`;
        context.note(`${repo.name}: ${what}`);
      }
    }
  } finally {
    await db.close();
  }
  if (context.json)
    context.out(JSON.stringify({ database: context.dbPath, repositories: summaries }, null, 2));
  return 0;
}

/** GitHub hosts whose remotes map to owner/repo: github.com plus a configured Enterprise host. */
export function githubHosts(context: Context): string[] {
  const hosts = ['github.com'];
  // GH_HOST (gh's Enterprise Server host) is read here by name only, so collect git does not load the GitHub client
  const ghHost = context.env['GH_HOST']?.trim().replace(/^https?:\/\//, '');
  const url =
    context.loaded.config.github.url ??
    (context.env['GITHUB_API_URL'] || (ghHost ? `https://${ghHost}` : undefined));
  if (url) {
    try {
      const host = new URL(url).hostname;
      hosts.push(host.startsWith('api.') ? host.slice(4) : host);
    } catch {
      // validated elsewhere
    }
  }
  return hosts;
}
