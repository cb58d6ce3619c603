// gh's environment conventions beside GitHub Actions': GH_HOST names a GitHub
// Enterprise Server host, GH_ENTERPRISE_TOKEN its token.
import { describe, expect, it } from 'vitest';
import { githubHosts } from '../../../../agent/commands/collect-git.js';
import type { Context } from '../../../../agent/context.js';
import { apiUrlFromGhHost, resolveEndpoints, tokenFromEnv } from '../../../../collectors/github/endpoints.js';

describe('GH_HOST', () => {
  it('points the API at the Enterprise Server host when nothing more explicit is set', () => {
    expect(resolveEndpoints(undefined, null, { GH_HOST: 'ghe.example.com' })).toEqual({
      apiUrl: 'https://ghe.example.com/api/v3',
      graphqlUrl: 'https://ghe.example.com/api/graphql',
    });
    expect(apiUrlFromGhHost({ GH_HOST: 'https://ghe.example.com/' })).toBe('https://ghe.example.com/api/v3');
  });

  it('means github.com when it names github.com, and yields to GITHUB_API_URL, config and flag', () => {
    expect(resolveEndpoints(undefined, null, { GH_HOST: 'github.com' }).apiUrl).toBe(
      'https://api.github.com',
    );
    const env = { GH_HOST: 'ghe.example.com', GITHUB_API_URL: 'https://actions.example/api/v3' };
    expect(resolveEndpoints(undefined, null, env).apiUrl).toBe('https://actions.example/api/v3');
    expect(resolveEndpoints(undefined, 'https://config.example/api/v3', env).apiUrl).toBe(
      'https://config.example/api/v3',
    );
    expect(resolveEndpoints('http://127.0.0.1:9', null, env).apiUrl).toBe('http://127.0.0.1:9');
  });
});

describe('GH_ENTERPRISE_TOKEN', () => {
  const env = {
    GH_ENTERPRISE_TOKEN: 'ghe-token',
    GITHUB_ENTERPRISE_TOKEN: 'ghe-token-2',
    GITHUB_TOKEN: 'dotcom-token',
    GH_TOKEN: 'gh-token',
  };

  it('is the token for an Enterprise Server host, before GITHUB_TOKEN', () => {
    expect(tokenFromEnv(env, 'https://ghe.example.com/api/v3')).toBe('ghe-token');
    expect(tokenFromEnv({ ...env, GH_ENTERPRISE_TOKEN: ' ' }, 'https://ghe.example.com/api/v3')).toBe(
      'ghe-token-2',
    );
    expect(tokenFromEnv({ GITHUB_TOKEN: 'actions' }, 'https://ghe.example.com/api/v3')).toBe('actions');
  });

  it('is never sent to github.com, where GITHUB_TOKEN then GH_TOKEN apply', () => {
    expect(tokenFromEnv(env, 'https://api.github.com')).toBe('dotcom-token');
    expect(tokenFromEnv({ GH_ENTERPRISE_TOKEN: 'ghe-token', GH_TOKEN: 'gh' }, 'https://api.github.com')).toBe(
      'gh',
    );
    expect(tokenFromEnv({ GH_ENTERPRISE_TOKEN: 'ghe-token' }, 'https://api.github.com')).toBeNull();
  });
});

describe('GH_HOST for local clones', () => {
  const context = (env: NodeJS.ProcessEnv, url: string | null = null) =>
    ({ env, loaded: { config: { github: { url } } } }) as unknown as Context;

  it('recognises remotes on the GH_HOST server as GitHub repositories', () => {
    expect(githubHosts(context({ GH_HOST: 'ghe.example.com' }))).toEqual(['github.com', 'ghe.example.com']);
    expect(githubHosts(context({ GH_HOST: 'https://ghe.example.com/' }))).toEqual([
      'github.com',
      'ghe.example.com',
    ]);
    expect(githubHosts(context({}))).toEqual(['github.com']);
    // GITHUB_API_URL and the config name the host first
    expect(
      githubHosts(context({ GH_HOST: 'a.example', GITHUB_API_URL: 'https://b.example/api/v3' })),
    ).toEqual(['github.com', 'b.example']);
  });
});
