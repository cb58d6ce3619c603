// Next steps name what is known: a clone whose remote is on GitHub gets the
// real owner/repo in the command that collects it when no token is found;
// with a token in the environment the step is to re-run the audit, and no
// output shows a placeholder for the token or the token itself.
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { embeddedReport } from '../support/embedded-report.js';
import { TestRepo, tempDir } from '../support/git-repo.js';

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const fn of cleanup) fn();
});

function clone(remote: string): TestRepo {
  const repo = new TestRepo();
  cleanup.push(() => repo.remove());
  repo.commit({ files: { 'src/a.ts': 'a\n' } });
  repo.commit({ files: { 'src/a.ts': 'a\nb\n' } });
  repo.git('remote', 'add', 'origin', remote);
  return repo;
}

/**
 * audit, then every output: terminal, report.md, report.html, the dashboard
 * and the JSON report it embeds (the same object `report --format json`
 * prints: tests/dashboard/agreement.test.ts), and `report --format text`.
 */
async function audit(repo: TestRepo, env: Record<string, string>, extra: string[] = []) {
  const work = tempDir('dx-audit-next-');
  cleanup.push(() => rmSync(work, { recursive: true, force: true }));
  const result = await runCli(['audit', repo.path, '--no-build', ...extra], { cwd: work, env });
  expect(result.exitCode, result.stderr).toBe(0);
  const folder = join(work, '.dx-audit');
  const dashboard = readFileSync(join(folder, 'dashboard.html'), 'utf8');
  const text = await runCli(['report', '--format', 'text'], { cwd: work, env });
  expect(text.exitCode, text.stderr).toBe(0);
  const json = embeddedReport(dashboard);
  return {
    json,
    texts: {
      terminal: result.stdout,
      stderr: result.stderr,
      markdown: readFileSync(join(folder, 'report.md'), 'utf8'),
      html: readFileSync(join(folder, 'report.html'), 'utf8'),
      dashboard,
      text: text.stdout,
      json: JSON.stringify(json),
    },
  };
}

const noToken = { GITHUB_TOKEN: '', GH_TOKEN: '', GH_ENTERPRISE_TOKEN: '', GITHUB_API_URL: '' };

describe('next steps', () => {
  for (const remote of ['https://github.com/acme/widgets.git', 'git@github.com:acme/widgets.git']) {
    it(`name acme/widgets in the command that collects it, without a token (${remote})`, async () => {
      const repo = clone(remote);
      const { json, texts } = await audit(repo, noToken);
      expect(json.repositories).toEqual([
        { name: basename(repo.path), path: repo.path, github: 'acme/widgets' },
      ]);
      const pullRequests = {
        missing:
          'no pull requests or reviews are collected for acme/widgets (no GitHub token found: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login)',
        command: 'dx-audit collect github acme/widgets',
      };
      expect(json.empty.pullRequests).toEqual(pullRequests);
      expect(json.empty.ci?.command).toBe('dx-audit collect github acme/widgets');
      expect(json.empty.diagnosis?.command).toBe('dx-audit collect github acme/widgets');
      expect(json.verdict.next[0]).toEqual(pullRequests);
      // the terminal's skipped step, the weekly report's and the dashboard's lists: the same real command
      expect(texts.terminal.split('\n').at(-1)).toBe(
        'Skipped: build timing (--no-build); GitHub (no token found: set GITHUB_TOKEN or GH_TOKEN, or run `gh auth login`; then run `dx-audit collect github acme/widgets`).',
      );
      expect(texts.markdown).toContain(
        '\n- no pull requests or reviews are collected for acme/widgets (no GitHub token found: set GITHUB\\_TOKEN or GH\\_TOKEN, or run gh auth login): `dx-audit collect github acme/widgets`\n',
      );
      expect(texts.text.split('\n')).toContain(
        'Pull requests: no pull requests or reviews are collected for acme/widgets (no GitHub token found: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login) — next: `dx-audit collect github acme/widgets`',
      );
      expect(texts.html).toContain(
        '<li>no pull requests or reviews are collected for acme/widgets (no GitHub token found: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login): <code>dx-audit collect github acme/widgets</code></li>',
      );
      expect(texts.dashboard).toContain(
        '<li>no pull requests or reviews are collected for acme/widgets (no GitHub token found: set GITHUB_TOKEN or GH_TOKEN, or run gh auth login): <code>dx-audit collect github acme/widgets</code></li>',
      );
      for (const [name, text] of Object.entries(texts)) {
        expect(text, name).not.toContain('OWNER/REPO');
        expect(text, name).not.toContain('<token>');
        expect(text, name).not.toContain('&lt;token&gt;');
      }
    });
  }

  it('are to re-run the audit when a token is in the environment, and never show the token', async () => {
    const secret = 'ghp_nextSTEPtoken0123456789abcdefghijklmn';
    const repo = clone('https://github.com/acme/widgets.git');
    // --no-github: the token is there, GitHub was not read this time
    const { json, texts } = await audit(repo, { ...noToken, GITHUB_TOKEN: secret }, ['--no-github']);
    const pullRequests = {
      missing:
        'no pull requests or reviews are collected for acme/widgets yet (a GitHub token is found: re-run the audit)',
      command: 'dx-audit audit',
    };
    expect(json.empty.pullRequests).toEqual(pullRequests);
    expect(json.empty.ci).toEqual({
      missing:
        'no GitHub Actions runs are collected for acme/widgets yet (a GitHub token is found: re-run the audit)',
      command: 'dx-audit audit',
    });
    expect(json.verdict.next[0]).toEqual(pullRequests);
    expect(texts.markdown).toContain(
      '\n- no pull requests or reviews are collected for acme/widgets yet (a GitHub token is found: re-run the audit): `dx-audit audit`\n',
    );
    expect(texts.dashboard).toContain(
      '<li>no pull requests or reviews are collected for acme/widgets yet (a GitHub token is found: re-run the audit): <code>dx-audit audit</code></li>',
    );
    expect(texts.terminal.split('\n').at(-1)).toBe(
      'Skipped: build timing (--no-build); GitHub (--no-github).',
    );
    expect(texts.text.split('\n')).toContain(
      'Pull requests: no pull requests or reviews are collected for acme/widgets yet (a GitHub token is found: re-run the audit) — next: `dx-audit audit`',
    );
    for (const [name, text] of Object.entries(texts)) {
      expect(text, name).not.toContain(secret);
      expect(text, name).not.toContain('nextSTEPtoken');
      expect(text, name).not.toContain('<token>');
      expect(text, name).not.toContain('&lt;token&gt;');
      expect(text, name).not.toContain('dx-audit collect github acme/widgets');
      expect(text, name).not.toContain('OWNER/REPO');
    }
  });

  it('keep the general step for a clone without a GitHub remote', async () => {
    const repo = new TestRepo();
    cleanup.push(() => repo.remove());
    repo.commit({ files: { 'a.txt': 'a\n' } });
    const { json } = await audit(repo, noToken);
    expect(json.empty.pullRequests).toEqual({
      missing:
        'no pull requests or reviews are collected inside the window (needs a GitHub remote and a token: GITHUB_TOKEN, GH_TOKEN or gh auth login)',
      command: 'dx-audit audit',
    });
  });
});
