// A front for the local GitHub server that also answers the issues endpoints
// the action uses (list, create, update), keeping issues in memory. Every
// issue it serves is validated against GitHub's OpenAPI description; all other
// requests go through to the local GitHub server, unchanged except that
// repository listings can be given sizes (the REST `size` field, in KB).
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { responseSchema, validate } from '../support/github-server/openapi.js';

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
}

export interface IssuesFront {
  url: string;
  issues: StoredIssue[];
  /** Requests the front answered itself: "METHOD path". */
  handled: string[];
  /** Authorization headers seen on issue requests. */
  authorizations: string[];
  schemaProblems: string[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((ok) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString();
    });
    req.on('end', () => ok(text));
  });

const user = (base: string) => ({
  login: 'octo-owner',
  id: 1,
  node_id: 'MDQ6VXNlcjE=',
  avatar_url: 'https://avatars.example/u/1',
  gravatar_id: '',
  url: `${base}/users/octo-owner`,
  html_url: 'https://github.example/octo-owner',
  followers_url: `${base}/users/octo-owner/followers`,
  following_url: `${base}/users/octo-owner/following{/other_user}`,
  gists_url: `${base}/users/octo-owner/gists{/gist_id}`,
  starred_url: `${base}/users/octo-owner/starred{/owner}{/repo}`,
  subscriptions_url: `${base}/users/octo-owner/subscriptions`,
  organizations_url: `${base}/users/octo-owner/orgs`,
  repos_url: `${base}/users/octo-owner/repos`,
  events_url: `${base}/users/octo-owner/events{/privacy}`,
  received_events_url: `${base}/users/octo-owner/received_events`,
  type: 'User',
  site_admin: false,
});

/** Starts the front on 127.0.0.1 in front of `upstream` (the local GitHub server's URL). */
export async function startIssuesFront(
  upstream: string,
  options: { repoSizes?: Record<string, number> } = {},
): Promise<IssuesFront> {
  const issues: StoredIssue[] = [];
  const handled: string[] = [];
  const authorizations: string[] = [];
  const schemaProblems: string[] = [];
  let base = '';

  const render = (owner: string, repo: string, issue: StoredIssue) => {
    const repoUrl = `${base}/repos/${owner}/${repo}`;
    const at = '2025-07-07T08:00:00Z';
    return {
      id: 9000 + issue.number,
      node_id: `I_${issue.number}`,
      url: `${repoUrl}/issues/${issue.number}`,
      repository_url: repoUrl,
      labels_url: `${repoUrl}/issues/${issue.number}/labels{/name}`,
      comments_url: `${repoUrl}/issues/${issue.number}/comments`,
      events_url: `${repoUrl}/issues/${issue.number}/events`,
      html_url: `https://github.example/${owner}/${repo}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: user(base),
      labels: issue.labels.map((name, i) => ({
        id: 100 + i,
        node_id: `L_${i}`,
        url: `${repoUrl}/labels/${name}`,
        name,
        description: null,
        color: 'ededed',
        default: false,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: null,
      created_at: at,
      updated_at: at,
      author_association: 'OWNER',
    };
  };

  const answer = (
    res: ServerResponse,
    status: number,
    payload: unknown,
    schema: [string, string, number],
  ) => {
    const [method, template, code] = schema;
    const problems = validate(payload, responseSchema(method, template, code));
    schemaProblems.push(...problems.map((p) => `${method.toUpperCase()} ${template}: ${p}`));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(payload));
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const match = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?$/.exec(url.pathname);
    if (!match) {
      // everything else: the local GitHub server
      const body = await readBody(req);
      const listing = options.repoSizes && /^\/(orgs|users)\/[^/]+\/repos$/.test(url.pathname);
      const forward = request(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        if (!listing || up.statusCode !== 200) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        readBody(up).then((text) => {
          const repos = JSON.parse(text) as { full_name: string; size?: number }[];
          for (const repo of repos) {
            const size = options.repoSizes?.[repo.full_name];
            if (size !== undefined) repo.size = size;
          }
          const problems = validate(repos, responseSchema('get', '/orgs/{org}/repos', 200));
          schemaProblems.push(...problems.map((p) => `GET /orgs/{org}/repos: ${p}`));
          const headers = { ...up.headers };
          delete headers['content-length'];
          res.writeHead(200, headers);
          res.end(JSON.stringify(repos));
        });
      });
      forward.end(body);
      return;
    }
    const [, owner, repo, number] = match as unknown as [string, string, string, string | undefined];
    const method = req.method ?? 'GET';
    handled.push(`${method} ${url.pathname}${url.search}`);
    authorizations.push(String(req.headers.authorization ?? ''));
    const body = (await readBody(req)) || '{}';
    const input = JSON.parse(body) as { title?: string; body?: string; labels?: string[] };
    if (method === 'GET' && !number) {
      const label = url.searchParams.get('labels');
      const state = url.searchParams.get('state') ?? 'open';
      const found = issues.filter((i) => i.state === state && (!label || i.labels.includes(label)));
      answer(
        res,
        200,
        found.map((i) => render(owner, repo, i)),
        ['get', '/repos/{owner}/{repo}/issues', 200],
      );
    } else if (method === 'POST' && !number) {
      const issue: StoredIssue = {
        number: issues.length + 1,
        title: input.title ?? '',
        body: input.body ?? '',
        labels: input.labels ?? [],
        state: 'open',
      };
      issues.push(issue);
      answer(res, 201, render(owner, repo, issue), ['post', '/repos/{owner}/{repo}/issues', 201]);
    } else if (method === 'PATCH' && number) {
      const issue = issues.find((i) => i.number === Number(number));
      if (!issue) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      if (input.body !== undefined) issue.body = input.body;
      if (input.title !== undefined) issue.title = input.title;
      answer(res, 200, render(owner, repo, issue), [
        'patch',
        '/repos/{owner}/{repo}/issues/{issue_number}',
        200,
      ]);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    issues,
    handled,
    authorizations,
    schemaProblems,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
