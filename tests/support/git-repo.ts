// Real git repositories in temp folders for tests: fixed identities, no
// signing, no user config, deterministic dates.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, execaSync } from 'execa';

/** Environment that isolates git from the machine's own config. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    ...extra,
  };
}

export interface CommitSpec {
  /** path → new content; null deletes the file. */
  files?: Record<string, string | Buffer | null>;
  message?: string;
  author?: { name: string; email: string };
  /** ISO time or unix seconds; also used as committer time unless `committedAt` is given. */
  at?: string | number;
  committedAt?: string | number;
}

/** A git repository in a temp folder with helpers to make commits. */
export class TestRepo {
  readonly path: string;
  private counter = 0;

  constructor(path?: string, options: { init?: boolean; branch?: string } = {}) {
    this.path = path ?? mkdtempSync(join(tmpdir(), 'dx-audit-repo-'));
    if (options.init !== false) this.git('init', '-q', '-b', options.branch ?? 'main');
  }

  git(...args: string[]): string {
    return execaSync('git', args, { cwd: this.path, env: gitEnv(), extendEnv: true }).stdout;
  }

  async gitAsync(...args: string[]): Promise<string> {
    return (await execa('git', args, { cwd: this.path, env: gitEnv() })).stdout;
  }

  write(path: string, content: string | Buffer): void {
    const full = join(this.path, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Writes the files and commits them; returns the new commit's sha. */
  commit(spec: CommitSpec = {}): string {
    this.counter += 1;
    // one `git rm` and one `git add` for all the files: each git run costs a process start
    const removed: string[] = [];
    const added: string[] = [];
    for (const [path, content] of Object.entries(
      spec.files ?? { [`file-${this.counter}.txt`]: `${this.counter}\n` },
    )) {
      if (content === null) removed.push(path);
      else {
        this.write(path, content);
        added.push(path);
      }
    }
    if (removed.length > 0) this.git('rm', '-q', '--', ...removed);
    if (added.length > 0) this.git('add', '--', ...added);
    const at = spec.at === undefined ? 1_700_000_000 + this.counter * 3600 : spec.at;
    const committed = spec.committedAt ?? at;
    const env = gitEnv({
      GIT_AUTHOR_DATE: dateArg(at),
      GIT_COMMITTER_DATE: dateArg(committed),
      ...(spec.author ? { GIT_AUTHOR_NAME: spec.author.name, GIT_AUTHOR_EMAIL: spec.author.email } : {}),
    });
    execaSync(
      'git',
      ['commit', '-q', '--allow-empty', '--no-gpg-sign', '-m', spec.message ?? `commit ${this.counter}`],
      {
        cwd: this.path,
        env,
      },
    );
    return this.head();
  }

  /** Merges `branch` into the current branch with a merge commit. */
  merge(branch: string, spec: { at?: string | number; message?: string } = {}): string {
    if (spec.at === undefined) this.counter += 1;
    const at = spec.at ?? 1_700_000_000 + this.counter * 3600;
    execaSync(
      'git',
      ['merge', '-q', '--no-ff', '--no-gpg-sign', '-m', spec.message ?? `Merge ${branch}`, branch],
      {
        cwd: this.path,
        env: gitEnv({ GIT_AUTHOR_DATE: dateArg(at), GIT_COMMITTER_DATE: dateArg(at) }),
      },
    );
    return this.head();
  }

  /**
   * HEAD's commit, read from .git: a commit just made updates a loose ref, so
   * no git run is needed (each costs a process start); git answers otherwise.
   */
  head(): string {
    const gitDir = join(this.path, '.git');
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = join(gitDir, head.slice('ref: '.length));
    return existsSync(ref) ? readFileSync(ref, 'utf8').trim() : this.git('rev-parse', 'HEAD');
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

function dateArg(at: string | number): string {
  return typeof at === 'number' ? `@${at} +0000` : at;
}

/** A fresh empty temp folder. */
export function tempDir(prefix = 'dx-audit-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
