import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { generateOrg } from '../support/github-generator.js';
import { startGithubServer } from '../support/github-server/server.js';
import { dumpGithub, type Harness, harness, TOKEN } from './harness.js';

/** An environment with no token anywhere (and no `gh` on the PATH). */
const bare = {
  GITHUB_TOKEN: '',
  GH_TOKEN: '',
  GITHUB_API_URL: '',
  GITHUB_GRAPHQL_URL: '',
  PATH: '/nonexistent',
};

function dbBytes(path: string): string {
  let text = readFileSync(path).toString('latin1');
  try {
    text += readFileSync(`${path}-wal`).toString('latin1');
  } catch {
    // no WAL left
  }
  return text;
}

describe('dx-audit collect github', () => {
  const open: Harness[] = [];
  afterAll(async () => {
    for (const h of open) await h.close();
  });
  const make = async (...args: Parameters<typeof harness>) => {
    const h = await harness(...args);
    open.push(h);
    return h;
  };

  it('says which token and scopes it needs when there is none', async () => {
    const result = await runCli(['collect', 'github', 'acme/service-1', '--db', '/tmp/dx-none.db'], {
      env: bare,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no GitHub token found (GITHUB_TOKEN, GH_TOKEN or `gh auth token`)');
    expect(result.stderr).toContain('Pull requests, Actions, Contents and Metadata');
  });

  it('rejects a bad token without printing it', async () => {
    const h = await make(generateOrg({ repos: 1, prsPerRepo: 2, runsPerRepo: 1 }));
    const wrong = 'ghp_wrongTOKEN000000000000000000000000000';
    const result = await runCli(
      ['collect', 'github', 'acme/service-1', '--github-url', h.server.url, '--db', h.dbPath],
      {
        env: { ...bare, GITHUB_TOKEN: wrong },
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('(401): the token is invalid or expired');
    expect(result.stderr + result.stdout).not.toContain(wrong);
    expect(result.stderr + result.stdout).not.toContain('wrongTOKEN');
  });

  it('names a repository that does not exist, and stores nothing for it', async () => {
    const h = await make(generateOrg({ repos: 1, prsPerRepo: 2, runsPerRepo: 1 }));
    const result = await runCli(
      ['collect', 'github', 'acme/nope', '--github-url', h.server.url, '--db', h.dbPath],
      {
        env: { ...bare, GITHUB_TOKEN: TOKEN },
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'dx-audit: the GitHub repository acme/nope does not exist or is not visible to this token — check the OWNER/REPO name, and that the token can read it (fine-grained tokens must list it)',
    );
    expect(await h.query('SELECT * FROM repositories')).toEqual([]);
  });

  it('says so when an organisation has no repositories', async () => {
    const h = await make(generateOrg({ org: 'empty', repos: 0 }));
    const result = await runCli(
      ['collect', 'github', '--org', 'empty', '--github-url', h.server.url, '--db', h.dbPath],
      {
        env: { ...bare, GITHUB_TOKEN: TOKEN },
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('the organisation "empty" has no repositories to collect');
  });

  it('names an organisation that does not exist', async () => {
    const h = await make(generateOrg({ repos: 1, prsPerRepo: 1, runsPerRepo: 1 }));
    const result = await runCli(
      ['collect', 'github', '--org', 'nosuch', '--github-url', h.server.url, '--db', h.dbPath],
      {
        env: { ...bare, GITHUB_TOKEN: TOKEN },
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'dx-audit: the organisation or user "nosuch" was not found on GitHub, or is not visible to this token — check the --org name and that the token can see it',
    );
  });

  it('skips Actions when they are disabled, and still collects pull requests', async () => {
    const org = generateOrg({ repos: 2, prsPerRepo: 3, runsPerRepo: 2 });
    org.repositories[0]!.actionsStatus = 404;
    org.repositories[1]!.actionsStatus = 403;
    const h = await make(org);
    const result = await runCli(
      [
        'collect',
        'github',
        'acme/service-1',
        'acme/service-2',
        '--github-url',
        h.server.url,
        '--db',
        h.dbPath,
      ],
      { env: { ...bare, GITHUB_TOKEN: TOKEN } },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'acme/service-1: 3 pull requests read (full sync), Actions skipped: GitHub Actions runs are not available',
    );
    expect(result.stderr).toContain(
      'acme/service-2: 3 pull requests read (full sync), Actions skipped: GitHub Actions refused access',
    );
    expect(await h.query('SELECT count(*) AS n FROM github_pull_requests')).toEqual([{ n: 6 }]);
  });

  it('fails clearly when the API URL does not answer', async () => {
    // a port that was just free: nothing listens there
    const gone = await startGithubServer(generateOrg({ repos: 0 }));
    await gone.close();
    const h = await make(generateOrg({ repos: 0 }));
    const result = await runCli(
      ['collect', 'github', 'acme/service-1', '--github-url', gone.url, '--db', h.dbPath],
      {
        env: { ...bare, GITHUB_TOKEN: TOKEN },
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      `dx-audit: cannot reach the GitHub API at ${gone.url}/ (connection refused) — check --github-url, the config github.url or GITHUB_API_URL, and the network`,
    );
  });

  it('collects an organisation on GitHub Enterprise Server paths, skipping archived repos and forks, token kept out', async () => {
    const org = generateOrg({ repos: 2, archivedRepos: 1, forkRepos: 1, prsPerRepo: 4, runsPerRepo: 3 });
    const server = await startGithubServer(org, { token: TOKEN, prefix: '/api/v3' });
    const h = await make(generateOrg({ repos: 0 }));
    try {
      // GHES answers GraphQL rate limits at /api/graphql, where the waiting is dx-audit's own
      server.inject({ kind: 'primary', match: 'graphql', skip: 1, amount: 1 });
      const result = await runCli(['collect', 'github', '--org', 'acme', '--json', '--db', h.dbPath], {
        env: { ...bare, GH_TOKEN: TOKEN, GITHUB_API_URL: server.url },
      });
      expect(result.stderr).toContain('skipping 1 archived repositories and 1 forks');
      expect(result.stderr).toMatch(/GitHub primary rate limit reached; waiting [12]s, then resuming/);
      expect(server.log.filter((e) => e.fault === 'primary')).toHaveLength(1);
      expect(result.exitCode).toBe(0);
      const summary = JSON.parse(result.stdout) as { repositories: { repository: string }[] };
      expect(summary.repositories.map((r) => r.repository).sort()).toEqual([
        'acme/service-1',
        'acme/service-2',
      ]);
      expect(server.log.some((e) => e.path === '/api/graphql')).toBe(true);
      expect(server.schemaProblems).toEqual([]);
      expect(await h.query('SELECT github FROM repositories ORDER BY github')).toEqual([
        { github: 'acme/service-1' },
        { github: 'acme/service-2' },
      ]);
      for (const text of [result.stdout, result.stderr, dbBytes(h.dbPath)]) expect(text).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });

  it('resumes after the process is killed, without duplicates or gaps', async () => {
    const org = generateOrg({ seed: 3, repos: 1, prsPerRepo: 420, runsPerRepo: 30 });
    const reference = await make(org);
    await reference.sync('acme/service-1', { jobsVia: 'graphql' });
    const clean = await dumpGithub(reference);

    const h = await make(org, { latencyMs: 15 });
    const args = ['collect', 'github', 'acme/service-1', '--github-url', h.server.url, '--db', h.dbPath];
    const env = { ...bare, GITHUB_TOKEN: TOKEN, DX_AUDIT_DB: '' };
    const child = execa(process.execPath, [BIN, ...args], { env, reject: false });
    await new Promise<void>((ok) => {
      h.server.onRequest = (_e, count) => {
        if (count === 5) ok();
      };
    });
    child.kill('SIGKILL');
    await child;
    h.server.onRequest = null;
    const [partial] = await h.query<{ n: number }>('SELECT count(*) AS n FROM github_pull_requests');
    expect(partial!.n).toBeLessThan(420);
    const again = await runCli(args, { env });
    expect(again.exitCode).toBe(0);
    expect(await dumpGithub(h)).toEqual(clean);
  });
});
