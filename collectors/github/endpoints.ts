// Where the GitHub API is and which token to send it: the endpoint and token
// rules every command shares (flag > config > environment > gh), kept apart
// from the client so that commands which only ask "is there a token?" (report,
// audit's next steps) do not load octokit.
import { execFile } from 'node:child_process';
import { InputError, registerSecret } from '../../agent/errors.js';

/** The token dx-audit needs, in words (error messages). */
export const SCOPES =
  'a classic token with the `repo` scope, or a fine-grained read-only token with Pull requests, Actions, Contents and Metadata';

/**
 * The token the environment names for `apiUrl`, as gh reads it: for a GitHub
 * Enterprise Server host GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN come
 * first; then GITHUB_TOKEN (what GitHub Actions sets on both) and GH_TOKEN.
 */
export function tokenFromEnv(env: NodeJS.ProcessEnv, apiUrl: string): string | null {
  const host = new URL(apiUrl).hostname;
  const enterprise = host !== 'api.github.com' && !host.endsWith('.ghe.com');
  const names = enterprise
    ? ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN']
    : ['GITHUB_TOKEN', 'GH_TOKEN'];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return null;
}

/**
 * The API URL GH_HOST names (gh's convention for a GitHub Enterprise Server
 * host): https://HOST/api/v3; none for github.com or when unset.
 */
export function apiUrlFromGhHost(env: NodeJS.ProcessEnv): string | undefined {
  const host = env['GH_HOST']
    ?.trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  if (!host || host === 'github.com') return undefined;
  return `https://${host}/api/v3`;
}

/** Finds a token: the environment (tokenFromEnv), then `gh auth token` when the GitHub CLI is installed. */
export async function findToken(env: NodeJS.ProcessEnv, apiUrl: string): Promise<string | null> {
  const fromEnv = tokenFromEnv(env, apiUrl);
  if (fromEnv) {
    registerSecret(fromEnv);
    return fromEnv;
  }
  const host = new URL(apiUrl).hostname;
  const args = ['auth', 'token'];
  if (host !== 'api.github.com') args.push('--hostname', host);
  // gh missing, failing or printing nothing: no token from it
  const token = await new Promise<string>((resolve) => {
    const child = execFile(
      'gh',
      args,
      { timeout: 10_000, env: { ...process.env, ...env }, encoding: 'utf8' },
      (error, stdout) => resolve(error ? '' : stdout.trim()),
    );
    child.stdin?.end();
  });
  if (token) {
    registerSecret(token);
    return token;
  }
  return null;
}

/** The error for "no token anywhere", naming the scopes needed. */
export function missingToken(): InputError {
  return new InputError('no GitHub token found (GITHUB_TOKEN, GH_TOKEN or `gh auth token`)', {
    fix: `set GITHUB_TOKEN (GH_ENTERPRISE_TOKEN for GitHub Enterprise Server) to ${SCOPES}, or run \`gh auth login\``,
  });
}

/** Resolves the REST and GraphQL URLs: flag > config > GITHUB_API_URL > GH_HOST > github.com. */
export function resolveEndpoints(
  flag: string | undefined,
  configUrl: string | null,
  env: NodeJS.ProcessEnv,
): { apiUrl: string; graphqlUrl: string } {
  const explicit = flag ?? configUrl ?? undefined;
  const raw =
    explicit ?? (env['GITHUB_API_URL'] || undefined) ?? apiUrlFromGhHost(env) ?? 'https://api.github.com';
  let parsed: URL;
  try {
    parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http');
  } catch {
    const port = /^[a-z]+:\/\/[^/]*:(\d+)(?:\/|$)/i.exec(raw)?.[1];
    if (port !== undefined && Number(port) > 65535) {
      throw new InputError(`the GitHub API URL "${safeUrl(raw)}" has port ${port}, which does not exist`, {
        fix: 'use a port from 1 to 65535, or leave it out for https (443)',
      });
    }
    throw new InputError(`the GitHub API URL "${safeUrl(raw)}" is not an http(s) URL`, {
      fix: 'pass e.g. --github-url https://github.example.com/api/v3 (GitHub Enterprise Server)',
    });
  }
  if (parsed.username || parsed.password) {
    throw new InputError(`the GitHub API URL "${safeUrl(raw)}" carries a user name or password`, {
      fix: 'remove them from the URL and give the token in GITHUB_TOKEN (or run `gh auth login`)',
    });
  }
  const apiUrl = parsed.toString().replace(/\/+$/, '');
  const envGraphql = explicit === undefined ? env['GITHUB_GRAPHQL_URL'] || undefined : undefined;
  return { apiUrl, graphqlUrl: envGraphql?.replace(/\/+$/, '') ?? deriveGraphqlUrl(apiUrl) };
}

/** https://api.github.com → …/graphql; GHES https://host/api/v3 → https://host/api/graphql. */
export function deriveGraphqlUrl(apiUrl: string): string {
  if (/\/api\/v3$/.test(apiUrl)) return apiUrl.replace(/\/api\/v3$/, '/api/graphql');
  return `${apiUrl}/graphql`;
}

/** A URL fit for messages: no credentials, no query secrets. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|key|secret|sig/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url;
  }
}
