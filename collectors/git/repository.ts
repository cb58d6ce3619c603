// Inspects a local clone before ingestion: where its root is, what HEAD is,
// whether history is partial, and which GitHub repository it belongs to.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type DxError, InputError, WorkError } from '../../agent/errors.js';
import { type GitEnd, type GitOptions, runGit } from './git-process.js';

export interface LocalRepository {
  /** Absolute path of the work tree (or of the git dir for a bare repository). */
  root: string;
  name: string;
  /** Commit the analysed ref points to; null for a repository without commits. */
  tip: string | null;
  /** Branch name when HEAD (or --branch) names a branch; null when detached. */
  branch: string | null;
  detached: boolean;
  shallow: boolean;
  /** origin's URL with any credentials removed. */
  remoteUrl: string | null;
  /** owner/repo when origin is on GitHub (or on the configured GitHub host). */
  github: string | null;
}

/** Runs git with the given arguments in `cwd`; returns trimmed stdout or null on failure. */
export async function gitOrNull(cwd: string, args: string[]): Promise<string | null> {
  const result = await runGit(args, { cwd });
  return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** Resolves PATH to a repository, or throws an InputError naming the problem and the fix. */
export async function inspectRepository(
  path: string,
  options: { ref?: string | undefined; githubHosts?: string[] } = {},
): Promise<LocalRepository> {
  const absolute = resolve(path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(`${absolute} does not exist`, { fix: 'pass the folder of a git clone' });
    }
    throw new InputError(`${absolute} cannot be read (${code})`, {
      fix: 'check its permissions',
      cause: error,
    });
  }
  if (!stat.isDirectory()) {
    throw new InputError(`${absolute} is a file, not a repository folder`, {
      fix: 'pass the folder of a git clone',
    });
  }
  // One git run answers what the rest needs: bare or not, shallow or not, and
  // the top of the work tree. The path comes last, so a newline inside it stays
  // in it; `--show-toplevel` fails outside a work tree (a bare repository, or
  // inside a .git folder) after the lines before it are printed.
  const probe = await runGit(
    ['rev-parse', '--is-bare-repository', '--is-shallow-repository', '--show-toplevel'],
    {
      cwd: absolute,
    },
  );
  const [bare, shallowFlag, ...topLines] = probe.stdout.toString('utf8').replace(/\n$/, '').split('\n');
  if (bare !== 'true' && bare !== 'false') {
    if (probe.exitCode === null && /\bENOENT\b/.test(probe.stderr)) {
      throw new InputError('git is not installed (no `git` on PATH)', {
        fix: 'install git, or add the folder holding it to PATH, and run again',
      });
    }
    const known = knownGitError(probe.stderr, absolute);
    if (known) throw known;
    throw new InputError(`${absolute} is not a git repository`, {
      fix: 'pass the folder of a git clone (or run `git init` there first)',
    });
  }
  const root =
    bare === 'true'
      ? await gitOrNull(absolute, ['rev-parse', '--absolute-git-dir'])
      : probe.exitCode === 0
        ? topLines.join('\n') || null
        : null;
  if (!root) {
    throw new InputError(`${absolute} is inside a git folder but not in a work tree`, {
      fix: 'pass the top folder of the clone',
    });
  }

  const ref = options.ref ?? 'HEAD';
  let tip = await gitOrNull(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!tip) {
    if (options.ref) {
      throw new InputError(`the branch or ref "${options.ref}" does not exist in ${root}`, {
        fix: 'list the branches with `git branch -a` and pass one of them to --branch',
      });
    }
    tip = null; // no commits yet: not an error
  }
  const symbolic = await gitOrNull(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  let branch: string | null;
  let detached = false;
  if (options.ref) {
    const full = await gitOrNull(root, ['rev-parse', '--symbolic-full-name', options.ref]);
    branch = full ? full.replace(/^refs\/(heads|remotes)\//, '') : null;
    detached = !full;
    if (!branch) branch = null;
  } else {
    branch = symbolic || null;
    detached = !symbolic;
  }
  const shallow = shallowFlag === 'true';
  const remote = await gitOrNull(root, ['config', '--get', 'remote.origin.url']);
  const remoteUrl = remote ? stripCredentials(remote) : null;
  return {
    root,
    name: basename(root).replace(/\.git$/, '') || root,
    tip,
    branch,
    detached,
    shallow,
    remoteUrl,
    github: remoteUrl ? githubSlug(remoteUrl, options.githubHosts ?? ['github.com']) : null,
  };
}

/** Removes user:password@ (tokens!) from a remote URL before it is stored or printed. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** owner/repo from an https, ssh or scp-like GitHub remote URL; null for other hosts. */
export function githubSlug(url: string, hosts: string[]): string | null {
  const match =
    /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^/@]+@)?([^/:]+)(?::\d+)?[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(
      url.trim(),
    );
  if (!match) return null;
  const host = match[1]!.toLowerCase();
  if (!hosts.map((h) => h.toLowerCase()).includes(host)) return null;
  return `${match[2]}/${match[3]}`;
}

/** The hash of the empty tree for this repository's object format (sha1 or sha256). */
export async function emptyTree(root: string): Promise<string> {
  const format = await gitOrNull(root, ['rev-parse', '--show-object-format']);
  if (format === 'sha256') return '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321';
  return '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await gitOrNull(root, ['merge-base', '--is-ancestor', ancestor, descendant]);
  return result !== null;
}

/** The first line of git's message that says what went wrong ("fatal: …", "error: …"). */
function firstMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'no message';
}

/**
 * git's known failures mapped to their fix: a repository owned by another
 * user (git's "dubious ownership" guard) and a clone missing objects. Null
 * for anything else.
 */
export function knownGitError(stderr: string, root: string): DxError | null {
  if (/dubious ownership/i.test(stderr)) {
    return new InputError(`git refuses to read ${root}: it is owned by another user ("dubious ownership")`, {
      fix: `if you trust it, run \`git config --global --add safe.directory ${root}\` and run again`,
    });
  }
  if (
    /missing (blob|tree|commit|object)|bad object|unable to read [0-9a-f]{7,}|loose object .* is corrupt|did not receive expected object|could not read [0-9a-f]{7,}|is corrupt|invalid object [0-9a-f]{7,}/i.test(
      stderr,
    )
  ) {
    return new WorkError(
      `the clone at ${root} is broken: git cannot read some of its objects (${firstMessage(stderr)})`,
      {
        fix: 'clone it again, or run `git fetch --refetch` there, then run again',
      },
    );
  }
  return null;
}

/** Throws the signal's reason when git was stopped by it, or the failure of `git what` when git failed. */
export function requireSuccess(what: string, end: GitEnd, root: string, signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason;
  if (end.exitCode !== 0) throw gitFailed(what, end.stderr, root);
}

/** Runs git in `root` to its end and returns its whole output; throws as requireSuccess does. */
export async function gitOutput(
  what: string,
  args: readonly string[],
  root: string,
  options: Omit<GitOptions, 'cwd'> = {},
): Promise<Buffer> {
  const result = await runGit(args, { ...options, cwd: root });
  requireSuccess(what, result, root, options.signal);
  return result.stdout;
}

/** A git failure in `root`: a known cause with its fix, else git's own first line. */
export function gitFailed(what: string, stderr: string, root?: string): DxError {
  const known = root ? knownGitError(stderr, root) : null;
  if (known) return known;
  return new WorkError(`git ${what} failed: ${firstMessage(stderr)}`, {
    fix: 'check that git works in that folder (`git log` should run), then run again',
  });
}
