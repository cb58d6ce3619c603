// The token from the GitHub CLI: with no token in the environment, findToken
// runs `gh auth token` (with --hostname for a GitHub Enterprise Server host),
// here a real script named gh on PATH that records its arguments.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redact } from '../../agent/errors.js';
import { findToken } from '../../collectors/github/endpoints.js';
import { tempDir } from '../support/git-repo.js';

const dir = tempDir('dx-audit-gh-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding a `gh` that writes its arguments to args.txt, prints `out` and exits with `code`. */
function fakeGh(name: string, out: string, code = 0): string {
  const bin = join(dir, name);
  const log = join(bin, 'args.txt');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gh'), `#!/bin/sh\necho "$@" > '${log}'\nprintf '%s' '${out}'\nexit ${code}\n`);
  chmodSync(join(bin, 'gh'), 0o755);
  return bin;
}

/** An environment without tokens whose PATH finds only `bin` (and the shell). */
const envWith = (bin: string) => ({ PATH: `${bin}:/usr/bin:/bin`, GITHUB_TOKEN: '', GH_TOKEN: '' });

describe('a token from `gh auth token`', () => {
  it('is read, trimmed and redacted from then on', async () => {
    const bin = fakeGh('ok', 'gho_fromTheGitHubCli0123456789\n');
    expect(await findToken(envWith(bin), 'https://api.github.com')).toBe('gho_fromTheGitHubCli0123456789');
    expect(readFileSync(join(bin, 'args.txt'), 'utf8')).toBe('auth token\n');
    expect(redact('token gho_fromTheGitHubCli0123456789 sent')).not.toContain('gho_fromTheGitHubCli');
  });

  it('is asked for the Enterprise Server host by name', async () => {
    const bin = fakeGh('ghe', 'ghe_token');
    expect(await findToken(envWith(bin), 'https://ghe.example.com/api/v3')).toBe('ghe_token');
    expect(readFileSync(join(bin, 'args.txt'), 'utf8')).toBe('auth token --hostname ghe.example.com\n');
  });

  it('is none when gh fails, prints nothing, or is not installed', async () => {
    expect(await findToken(envWith(fakeGh('failing', 'gho_notLoggedIn', 1)), 'https://api.github.com')).toBe(
      null,
    );
    expect(await findToken(envWith(fakeGh('silent', '')), 'https://api.github.com')).toBe(null);
    expect(await findToken({ PATH: join(dir, 'nowhere'), GITHUB_TOKEN: '' }, 'https://api.github.com')).toBe(
      null,
    );
  });

  it('comes second: a token in the environment is used without asking gh', async () => {
    const bin = fakeGh('unasked', 'gho_fromGh');
    const env = { ...envWith(bin), GH_TOKEN: 'ghp_fromTheEnvironment' };
    expect(await findToken(env, 'https://api.github.com')).toBe('ghp_fromTheEnvironment');
    expect(() => readFileSync(join(bin, 'args.txt'))).toThrow(/ENOENT/);
  });
});
