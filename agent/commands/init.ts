// `dx-audit init [PATH...] [--force]`: writes dx-audit.config.json with what it
// detects (repositories, their GitHub remotes, the build, clean and test
// commands the build collector would use), commented with "//" keys, which the
// config loader ignores. Paths are relative to the config file, so it can be
// committed and shared.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { detectCommand } from '../../collectors/build/detect.js';
import { displayCommand } from '../../collectors/build/shell-words.js';
import { inspectRepository, type LocalRepository } from '../../collectors/git/repository.js';
import { detectDeploymentSource } from '../analysis/dora.js';
import { CONFIG_FILE, DEFAULT_CONFIG, validateConfig } from '../config.js';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { resolveOutput, writeOutput } from '../render/outputs.js';
import { githubHosts } from './collect-git.js';

interface Options {
  force?: boolean;
}

export interface DetectedBuild {
  command: string | null;
  clean: string | null;
  testCommand: string | null;
  /** Why these commands (the file and fact that led to them), for the comment. */
  source: string | null;
}

/**
 * The build, clean and test commands `build` and `audit` would use: the same
 * detector (collectors/build/detect.ts), so init and audit always agree. A
 * clean step that removes output folders rather than running a command is
 * left to `build --cold`, which applies it itself.
 */
export function detectBuild(root: string): DetectedBuild {
  const build = detectCommand(root, 'build').chosen;
  const test = detectCommand(root, 'test').chosen;
  const clean = build?.clean?.kind === 'command' ? displayCommand(build.clean.argv) : null;
  return {
    command: build ? displayCommand(build.argv) : null,
    clean,
    testCommand: test ? displayCommand(test.argv) : null,
    source: build?.reason ?? test?.reason ?? null,
  };
}

/** PATHs, else the working directory when it is a clone, else the clones directly inside it. */
export async function findRepositories(context: Context, operands: string[]): Promise<LocalRepository[]> {
  const hosts = githubHosts(context);
  if (operands.length > 0) {
    const repos = [];
    for (const path of operands)
      repos.push(await inspectRepository(resolve(context.cwd, path), { githubHosts: hosts }));
    return repos;
  }
  try {
    return [await inspectRepository(context.cwd, { githubHosts: hosts })];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
  const repos = [];
  for (const entry of readdirSync(context.cwd, { withFileTypes: true })) {
    if (!entry.isDirectory() || !existsSync(join(context.cwd, entry.name, '.git'))) continue;
    try {
      repos.push(await inspectRepository(join(context.cwd, entry.name), { githubHosts: hosts }));
    } catch {
      // not a usable clone: leave it out
    }
  }
  return repos;
}

export async function run(context: Context, operands: string[], options: Options): Promise<number> {
  const file = context.loaded.file ?? resolve(context.cwd, CONFIG_FILE);
  if (existsSync(file) && !options.force) {
    throw new InputError(`${file} already exists`, { fix: 'edit it, or pass --force to write a fresh one' });
  }
  resolveOutput(context, file, CONFIG_FILE);
  const repos = await findRepositories(context, operands);
  const first = repos[0];
  const build = first
    ? detectBuild(first.root)
    : { command: null, clean: null, testCommand: null, source: null };
  // "./api", "../web": never mistaken for an OWNER/REPO name
  const paths = repos.map((r) => {
    const rel = relative(dirname(file), r.root);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? rel : `./${rel}`;
  });
  const remotes = repos.filter((r) => r.github).map((r) => `${r.github} (${r.name})`);
  // DORA: which deployment source each clone shows (tags are read locally; GitHub's sources need a token at audit time)
  const detected = await Promise.all(
    repos.map(async (r) => ({ repo: r.name, ...(await detectDeploymentSource(r.root)) })),
  );
  const sources = [...new Set(detected.flatMap((d) => (d.source ? [d.source] : [])))];
  const dora = {
    ...DEFAULT_CONFIG.dora,
    sources: [...new Set([...sources, ...DEFAULT_CONFIG.dora.sources])],
  };
  const config = {
    '//': `dx-audit configuration, written by \`dx-audit init\` on ${context.now.toISOString().slice(0, 10)}. Keys starting with // are comments and are ignored. Every field is optional.`,
    '// repositories':
      repos.length > 0
        ? `Local clones to audit (found ${repos.length}), relative to this file. Add more paths, or owner/repo names of GitHub repositories.`
        : 'No git clone found here: add the paths of the clones to audit, or owner/repo names.',
    repositories: paths,
    '// github':
      remotes.length > 0
        ? `GitHub remotes found: ${remotes.join(', ')}. Pull requests, reviews and CI are read from them when GITHUB_TOKEN, GH_TOKEN or \`gh auth token\` gives a token. Set url for GitHub Enterprise Server (e.g. https://github.example.com/api/v3) and org to audit a whole organisation.`
        : 'No GitHub remote found. Set url for GitHub Enterprise Server and org to audit a whole organisation.',
    github: { url: null, org: null },
    '// build': build.source
      ? `Detected in ${first!.name}: ${build.source}. \`dx-audit build\` and \`dx-audit audit\` time command (warm) and, with --cold, after clean.`
      : 'No build command detected: set command (and clean) for `dx-audit build` to time, e.g. "make" and "make clean".',
    build: { command: build.command, clean: build.clean, testCommand: build.testCommand },
    '// bots':
      'Logins or emails counted as bots (GitHub Bot accounts and logins ending in [bot] always are).',
    bots: [],
    '// teams':
      'Team name → members (GitHub logins or git emails), e.g. {"payments": ["alice", "bob@example.com"]}. Teams add a team filter and team diagnoses.',
    teams: {},
    '// dora': `DORA's deployments, tried in this order per repository (docs/dora.md). ${
      detected.length > 0
        ? `Found: ${detected.map((d) => `${d.repo}: ${d.source ?? 'none locally'} (${d.found.join('; ')})`).join('. ')}.`
        : 'No clone to inspect.'
    }`,
    dora,
    '// window':
      'Analysis window: a duration like "90d", "12w", "1y", or an ISO date; null = the 52 weeks up to the newest collected data.',
    window: { since: null },
    '// exclude': 'Globs of paths left out of file analysis and PR size, e.g. "**/*.lock", "vendor/**".',
    exclude: [],
  };
  const problems = validateConfig(JSON.parse(JSON.stringify(config)));
  if (problems.errors.length > 0)
    throw new Error(`init produced an invalid config: ${problems.errors.join('; ')}`);
  writeOutput(file, `${JSON.stringify(config, null, 2)}\n`);
  if (context.json) context.out(JSON.stringify({ config: file, repositories: paths, build }, null, 2));
  else {
    context.out(`Wrote ${file}`);
    context.out(`  repositories: ${paths.length > 0 ? paths.join(', ') : 'none found'}`);
    context.out(`  GitHub: ${remotes.length > 0 ? remotes.join(', ') : 'no remote found'}`);
    context.out(
      `  build: ${build.command ?? 'not detected'}${build.clean ? ` (clean: ${build.clean})` : ''}`,
    );
  }
  return 0;
}
