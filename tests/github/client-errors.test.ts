// GitHub client errors name the real cause: an HTTP 5xx is reported as that
// status (whatever its body says), and a URL that cannot work (a port that
// does not exist or that fetch refuses, credentials in the URL) is bad input
// (exit 2) at once, not "HTTP 500" after four attempts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DxError } from '../../agent/errors.js';
import { GithubClient } from '../../collectors/github/client.js';
import { resolveEndpoints } from '../../collectors/github/endpoints.js';

async function failure(promise: Promise<unknown>): Promise<DxError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DxError);
    return error as DxError;
  }
  throw new Error('expected a failure');
}

function client(apiUrl: string) {
  return new GithubClient({ apiUrl, graphqlUrl: `${apiUrl}/graphql`, token: 'tok-abcdef', retryBaseMs: 2 });
}

describe('GitHub client errors', () => {
  it('a 502 whose body mentions a timeout is "HTTP 502 Bad Gateway", not a network error', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('upstream request timeout');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failure(client(url).rest('/rate_limit'));
      expect(error.exitCode).toBe(1);
      expect(error.message).toBe(
        `GitHub answered ${url}/rate_limit with HTTP 502 Bad Gateway 4 times in a row`,
      );
      expect(hits).toBeGreaterThanOrEqual(4);
    } finally {
      server.close();
    }
  });

  it('a port fetch refuses to use is exit 2 at the first attempt, naming the cause', async () => {
    const error = await failure(client('http://127.0.0.1:1').rest('/rate_limit'));
    expect(error.exitCode).toBe(2);
    expect(error.line).toBe(
      'cannot send a request to the GitHub API at http://127.0.0.1:1/: bad port — check --github-url, the config github.url or GITHUB_API_URL',
    );
  });

  it('credentials in the client URL are refused without printing them', async () => {
    const error = await failure(client('http://someone:secret@127.0.0.1:9').rest('/rate_limit'));
    expect(error.exitCode).toBe(2);
    expect(error.line).toMatch(/^cannot send a request to the GitHub API at http:\/\/127\.0\.0\.1:9\/: /);
    expect(error.line).not.toMatch(/someone|secret/);
  });

  it('the URL is checked up front: credentials and a port that does not exist are exit 2', () => {
    const check = (url: string) => {
      try {
        resolveEndpoints(url, null, {});
      } catch (error) {
        return { code: (error as DxError).exitCode, line: (error as DxError).line };
      }
      return null;
    };
    expect(check('https://octocat:ghp_secret@github.example.com/api/v3')).toEqual({
      code: 2,
      line: 'the GitHub API URL "https://github.example.com/api/v3" carries a user name or password — remove them from the URL and give the token in GITHUB_TOKEN (or run `gh auth login`)',
    });
    expect(check('https://github.example.com:99999/api/v3')).toEqual({
      code: 2,
      line: 'the GitHub API URL "https://github.example.com:99999/api/v3" has port 99999, which does not exist — use a port from 1 to 65535, or leave it out for https (443)',
    });
    expect(check('https://github.example.com:8443/api/v3')).toBeNull();
  });
});
