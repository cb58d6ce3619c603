import { describe, expect, it } from 'vitest';
import { parseRepositoryName } from '../../../../agent/commands/collect-github.js';
import { redact } from '../../../../agent/errors.js';
import { splitWindow } from '../../../../collectors/github/actions-collector.js';
import { databaseIdOf } from '../../../../collectors/github/actions-extractor.js';
import { GithubClient, throttleSeconds } from '../../../../collectors/github/client.js';
import { resolveEndpoints } from '../../../../collectors/github/endpoints.js';
import {
  extractPullRequest,
  type GqlPullRequest,
  githubBot,
} from '../../../../collectors/github/pr-extractor.js';

const page = <N>(nodes: N[]) => ({
  totalCount: nodes.length,
  pageInfo: { hasNextPage: false, endCursor: null },
  nodes,
});

function pr(overrides: Partial<GqlPullRequest> = {}): GqlPullRequest {
  return {
    number: 7,
    title: 't',
    state: 'MERGED',
    isDraft: false,
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-03T10:00:00Z',
    closedAt: '2025-01-03T09:00:00Z',
    mergedAt: '2025-01-03T09:00:00Z',
    author: { __typename: 'User', login: 'ann' },
    baseRefName: 'main',
    headRefName: 'ann/x',
    headRefOid: 'abc',
    additions: 3,
    deletions: 1,
    changedFiles: 1,
    comments: { totalCount: 0 },
    commits: page([
      { commit: { oid: 'b', authoredDate: '2024-12-31T08:00:00Z', committedDate: '2025-01-02T00:00:00Z' } },
      { commit: { oid: 'a', authoredDate: '2024-12-30T08:00:00Z', committedDate: '2025-01-02T00:00:00Z' } },
    ]),
    reviews: page([]),
    reviewRequests: page([]),
    files: page([]),
    timelineItems: page([]),
    ...overrides,
  };
}

describe('pull request extraction', () => {
  it('takes the earliest authored time of the PR commits, whatever their order', () => {
    const rows = extractPullRequest({ node: pr(), rawId: 1, more: {} });
    expect(rows.pr.firstCommitAt).toBe(Date.parse('2024-12-30T08:00:00Z') / 1000);
  });

  it('uses the last ready-for-review event for a PR opened as draft, and none while still a draft', () => {
    const timelineItems = page([
      { __typename: 'ReadyForReviewEvent', createdAt: '2025-01-01T12:00:00Z' },
      { __typename: 'ConvertToDraftEvent', createdAt: '2025-01-01T13:00:00Z' },
      { __typename: 'ReadyForReviewEvent', createdAt: '2025-01-02T12:00:00Z' },
    ]);
    const ready = extractPullRequest({ node: pr({ timelineItems }), rawId: 1, more: {} });
    expect(ready.pr.readyAt).toBe(Date.parse('2025-01-02T12:00:00Z') / 1000);
    const draft = extractPullRequest({ node: pr({ timelineItems, isDraft: true }), rawId: 1, more: {} });
    expect(draft.pr.readyAt).toBeNull();
    const plain = extractPullRequest({ node: pr(), rawId: 1, more: {} });
    expect(plain.pr.readyAt).toBe(Date.parse('2025-01-01T10:00:00Z') / 1000);
  });

  it("records only GitHub's own fact about bots (actor type Bot); logins and the bot list are judged at analysis", () => {
    expect(githubBot({ __typename: 'Bot', login: 'dependabot' })).toBe(1);
    expect(githubBot({ __typename: 'User', login: 'renovate[bot]' })).toBe(0);
    expect(githubBot({ __typename: 'User', login: 'release-robot' })).toBe(0);
    expect(githubBot(null)).toBe(0);
    const rows = extractPullRequest({
      node: pr({ author: { __typename: 'Bot', login: 'dependabot' } }),
      rawId: 1,
      more: {},
    });
    expect(rows.pr.authorIsBot).toBe(1);
  });
});

describe('GitHub endpoints', () => {
  it('prefers the flag, then the config, then GITHUB_API_URL, and derives GraphQL', () => {
    const env = {
      GITHUB_API_URL: 'https://env.example/api/v3',
      GITHUB_GRAPHQL_URL: 'https://env.example/api/graphql-x',
    };
    expect(resolveEndpoints(undefined, null, {})).toEqual({
      apiUrl: 'https://api.github.com',
      graphqlUrl: 'https://api.github.com/graphql',
    });
    expect(resolveEndpoints(undefined, null, env)).toEqual({
      apiUrl: 'https://env.example/api/v3',
      graphqlUrl: 'https://env.example/api/graphql-x',
    });
    expect(resolveEndpoints(undefined, 'https://ghe.example/api/v3/', env)).toEqual({
      apiUrl: 'https://ghe.example/api/v3',
      graphqlUrl: 'https://ghe.example/api/graphql',
    });
    expect(resolveEndpoints('http://127.0.0.1:8080', 'https://ghe.example/api/v3', env)).toEqual({
      apiUrl: 'http://127.0.0.1:8080',
      graphqlUrl: 'http://127.0.0.1:8080/graphql',
    });
    expect(() => resolveEndpoints('ftp://x', null, {})).toThrow('is not an http(s) URL');
  });

  it('accepts OWNER/REPO and repository URLs, and names anything else', () => {
    expect(parseRepositoryName('acme/api')).toBe('acme/api');
    expect(parseRepositoryName('https://github.com/acme/api.git')).toBe('acme/api');
    expect(parseRepositoryName('git@github.com:acme/api.git')).toBe('acme/api');
    expect(() => parseRepositoryName('acme')).toThrow('"acme" is not a GitHub repository name');
  });

  it('registers the token so that no output can print it', () => {
    const token = 'tok_0123456789_unusual_secret';
    new GithubClient({ apiUrl: 'http://127.0.0.1:1', graphqlUrl: 'http://127.0.0.1:1/graphql', token });
    expect(redact(`failed with ${token} inside`)).toBe('failed with *** inside');
  });
});

describe('runs windows', () => {
  it('cuts a range into windows that cover it exactly, each expected under the cap', () => {
    const windows = splitWindow(1000, 100_999, 4000);
    expect(windows).toHaveLength(5);
    expect(windows[0]![0]).toBe(1000);
    expect(windows.at(-1)![1]).toBe(100_999);
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]![0]).toBe(windows[i - 1]![1] + 1);
  });
});

describe('GitHub ids and budgets', () => {
  it('reads the 64-bit database id out of a current-format node id', () => {
    // A check run id past 2^32, as GitHub serves them today (GraphQL's databaseId cannot hold it).
    expect(databaseIdOf('CR_kwDOOJ953c8AAAAJFkJoag')).toBe(39_028_156_522);
    expect(() => databaseIdOf('MDg6Q2hlY2tSdW4x')).toThrow('unexpected GitHub node id');
  });

  it('spaces requests only under 10% of the budget, to last until the reset', () => {
    expect(throttleSeconds({ limit: 5000, remaining: 500, reset: 1000 }, 400)).toBe(0);
    expect(throttleSeconds({ limit: 5000, remaining: 499, reset: 1000 }, 401)).toBe(599 / 499);
    expect(throttleSeconds({ limit: 5000, remaining: 0, reset: 1000 }, 1000)).toBe(0);
    expect(throttleSeconds(undefined, 0)).toBe(0);
  });
});
