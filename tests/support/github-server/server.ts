// A local GitHub for the tests: node:http on 127.0.0.1 (port 0), speaking the
// REST endpoints and the GraphQL endpoint the collector uses, over generated
// data. REST bodies are checked against GitHub's OpenAPI description and every
// GraphQL query is executed against GitHub's schema. It paginates with Link
// headers, sends x-ratelimit-* headers, answers If-None-Match with 304, counts
// requests, and can inject faults: primary and secondary rate limits, 5xx,
// dropped connections, slow and malformed responses.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GenOrg, GenRepository, GenRun } from '../github-generator.js';
import { runGraphql } from './graphql.js';
import { responseSchema, validate } from './openapi.js';
import { job, minimalRepository, workflowRun } from './rest.js';

export type FaultKind =
  | 'primary'
  | 'primary-429'
  | 'secondary'
  | '5xx'
  | 'reset'
  | 'slow'
  /** The status, headers and a first part of the body, then nothing for `amount` ms (default 300). */
  | 'stall-body'
  | 'malformed'
  /** GraphQL: the answer plus a FORBIDDEN error on a nested field, as for a token without org access. */
  | 'forbidden-field'
  /** REST: the answer, checked against the schema, then without the field at `field` (as recorded data can be). */
  | 'drop-field';

/** A fault served to the next `times` matching requests (after skipping `skip` of them). */
export interface Fault {
  kind: FaultKind;
  /** 'graphql', 'rest', or a substring of the request path (default: every request). */
  match?: string;
  times?: number;
  skip?: number;
  /** slow, stall-body: delay in ms (default 300). primary: seconds until reset (default 1). */
  amount?: number;
  /** drop-field: a dotted path into the body, e.g. "jobs.0.created_at". */
  field?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  kind: 'graphql' | 'rest';
  fault?: FaultKind;
  /** GraphQL points this query cost. */
  points?: number;
}

/** How the local GitHub behaves. */
export interface GithubServerOptions {
  /** The token clients must send (default: anything is accepted). */
  token?: string;
  /** Latency added to every response, in ms. */
  latencyMs?: number;
  /** Validate REST bodies against the OpenAPI description (default true). */
  validateRest?: boolean;
  /** REST prefix, e.g. '/api/v3' to look like GitHub Enterprise Server (GraphQL then at /api/graphql). */
  prefix?: string;
}

/** The running local GitHub: URLs, the request log, fault switches. */
export interface GithubServer {
  url: string;
  graphqlUrl: string;
  org: GenOrg;
  log: RequestLogEntry[];
  /** Number of requests answered since start or the last resetLog(). */
  readonly requests: number;
  inject(fault: Fault): void;
  clearFaults(): void;
  resetLog(): void;
  setLatency(ms: number): void;
  /** Sets the rate budget left and the seconds until it resets (tests of proactive throttling). */
  setBudget(remaining: number, resetInSeconds: number): void;
  /** GraphQL points charged since start or the last resetLog() (GitHub's cost per query). */
  readonly points: number;
  /** Called as each request arrives (tests use it to interrupt a sync at a chosen point). */
  onRequest: ((entry: RequestLogEntry, count: number) => void) | null;
  /** Problems found when validating the served bodies (must stay empty). */
  schemaProblems: string[];
  close(): Promise<void>;
}

interface ActiveFault extends Required<Omit<Fault, 'amount' | 'field'>> {
  amount: number | undefined;
  field: string | undefined;
}

/** Starts the local GitHub over `org`; stop it with close(). */
export async function startGithubServer(
  org: GenOrg,
  options: GithubServerOptions = {},
): Promise<GithubServer> {
  const faults: ActiveFault[] = [];
  const log: RequestLogEntry[] = [];
  const schemaProblems: string[] = [];
  let latency = options.latencyMs ?? 0;
  const prefix = options.prefix ?? '';
  const rate = { remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  let budgetSet = false;
  let base = '';

  const takeFault = (kind: 'graphql' | 'rest', path: string): ActiveFault | null => {
    for (const fault of faults) {
      if (fault.times <= 0) continue;
      const matches = fault.match === '' || fault.match === kind || path.includes(fault.match);
      if (!matches) continue;
      if (fault.skip > 0) {
        fault.skip -= 1;
        continue;
      }
      fault.times -= 1;
      return fault;
    }
    return null;
  };

  const rateHeaders = (resource: string): Record<string, string> => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(rate.remaining),
    'x-ratelimit-used': String(5000 - rate.remaining),
    'x-ratelimit-reset': String(rate.reset),
    'x-ratelimit-resource': resource,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const graphqlPath = prefix ? prefix.replace(/\/v3$/, '/graphql') : '/graphql';
    const isGraphql = url.pathname === graphqlPath;
    const kind = isGraphql ? 'graphql' : 'rest';
    const body = await readBody(req);
    if (latency > 0) await sleep(latency);
    const entry: RequestLogEntry = { method, path: url.pathname + url.search, status: 0, kind };
    log.push(entry);
    api.onRequest?.(entry, log.length);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        ...rateHeaders(isGraphql ? 'graphql' : 'core'),
        ...headers,
      });
      res.end(text);
    };

    if (options.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}`) {
        send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
        return;
      }
    }

    const fault = takeFault(kind, url.pathname);
    if (fault) {
      entry.fault = fault.kind;
      if (fault.kind === 'slow') await sleep(fault.amount ?? 300);
      else if (fault.kind === 'forbidden-field' || fault.kind === 'drop-field') {
        // served below, with the real answer
      } else if (fault.kind === 'reset') {
        entry.status = -1;
        req.socket.destroy();
        return;
      } else if (fault.kind === '5xx') {
        send(502, { message: 'Server Error' });
        return;
      } else if (fault.kind === 'stall-body') {
        entry.status = 200;
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          ...rateHeaders(isGraphql ? 'graphql' : 'core'),
        });
        res.write('{"data": {"repository": {');
        await sleep(fault.amount ?? 300);
        // a client still waiting then gets a body cut short
        res.end();
        return;
      } else if (fault.kind === 'malformed') {
        send(200, '{"data": {"repository": {"pullRequests": {"nodes": [{"number": 1, "ti');
        return;
      } else if (fault.kind === 'secondary') {
        send(
          403,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          },
          { 'retry-after': '1' },
        );
        return;
      } else {
        const reset = Math.floor(Date.now() / 1000) + (fault.amount ?? 1);
        const headers = {
          ...rateHeaders(isGraphql ? 'graphql' : 'core'),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(reset),
        };
        if (isGraphql && fault.kind === 'primary') {
          send(
            200,
            { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit already exceeded for user ID 1.' }] },
            headers,
          );
        } else {
          send(
            fault.kind === 'primary-429' ? 429 : 403,
            {
              message: 'API rate limit exceeded for user ID 1.',
              documentation_url:
                'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-rate-limit',
            },
            headers,
          );
        }
        return;
      }
    }
    rate.remaining = Math.max(1, rate.remaining - 1);
    // A new window once 80% is used, unless a test set the budget: long collections in tests
    // would otherwise run into the client's proactive throttling under 10% left.
    if (!budgetSet && rate.remaining < 1000) {
      rate.remaining = 5000;
      rate.reset = Math.floor(Date.now() / 1000) + 3600;
    }

    if (isGraphql) {
      if (method !== 'POST') {
        send(404, { message: 'Not Found' });
        return;
      }
      let request: { query?: unknown; variables?: unknown };
      try {
        request = JSON.parse(body) as typeof request;
      } catch {
        send(400, { message: 'Problems parsing JSON' });
        return;
      }
      const result = runGraphql(org, request, rate);
      entry.points = result.cost;
      if (fault?.kind === 'forbidden-field') {
        result.body.errors = [
          ...(result.body.errors ?? []),
          {
            type: 'FORBIDDEN',
            path: [
              'repository',
              'pullRequests',
              'nodes',
              0,
              'reviewRequests',
              'nodes',
              0,
              'requestedReviewer',
            ],
            locations: [{ line: 1, column: 1 }],
            message: 'Resource not accessible by integration',
          },
        ];
      }
      send(result.status, result.body);
      return;
    }

    const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    const routed = rest === null ? null : route(method, rest);
    if (!routed) {
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
      return;
    }
    const answer = routed.handler(url.searchParams);
    if (answer.status !== 200) {
      send(answer.status, answer.body);
      return;
    }
    if (options.validateRest !== false) {
      const problems = validate(answer.body, responseSchema('get', routed.template));
      for (const p of problems) schemaProblems.push(`${routed.template}: ${p}`);
    }
    if (fault?.kind === 'drop-field' && fault.field) dropField(answer.body, fault.field);
    const text = JSON.stringify(answer.body);
    const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
    const headers: Record<string, string> = { etag };
    if (answer.link) headers['link'] = answer.link;
    if (req.headers['if-none-match'] === etag) {
      entry.status = 304;
      res.writeHead(304, { ...rateHeaders('core'), etag });
      res.end();
      return;
    }
    send(200, text, headers);
  };

  /** REST routes: method + path → template and handler. */
  const route = (
    method: string,
    path: string,
  ): {
    template: string;
    handler: (q: URLSearchParams) => { status: number; body: unknown; link?: string };
  } | null => {
    if (method !== 'GET') return null;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const findRepo = (owner: string, name: string) =>
      org.repositories.find(
        (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
      );
    const notFound = { status: 404, body: { message: 'Not Found', status: '404' } };
    if ((parts[0] === 'orgs' || parts[0] === 'users') && parts[2] === 'repos' && parts.length === 3) {
      const template = parts[0] === 'orgs' ? '/orgs/{org}/repos' : '/users/{username}/repos';
      return {
        template,
        handler: (q: URLSearchParams) => {
          if (parts[1]!.toLowerCase() !== org.login.toLowerCase() || parts[0] === 'users') return notFound;
          const repos = org.repositories.map((r) => minimalRepository(base + prefix, r));
          return paginate(path, q, repos);
        },
      };
    }
    if (parts[0] !== 'repos' || parts[3] !== 'actions' || parts[4] !== 'runs') return null;
    const repo = findRepo(parts[1]!, parts[2]!);
    type Answer = { status: number; body: unknown; link?: string };
    const guard = (fn: (r: GenRepository) => Answer): Answer => {
      if (!repo) return notFound;
      if (repo.actionsStatus !== 200) {
        return {
          status: repo.actionsStatus,
          body: {
            message: repo.actionsStatus === 403 ? 'Actions is disabled for this repository.' : 'Not Found',
            status: String(repo.actionsStatus),
          },
        };
      }
      return fn(repo);
    };
    if (parts.length === 5) {
      return {
        template: '/repos/{owner}/{repo}/actions/runs',
        handler: (q) =>
          guard((r) => {
            const created = parseCreated(q.get('created'));
            if (created === 'invalid') return { status: 422, body: { message: 'Validation Failed' } };
            const matching = r.runs
              .filter((run) => !created || (run.createdAt >= created.from && run.createdAt <= created.to))
              .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
            const perPage = clampPerPage(q.get('per_page'), 30);
            const page = Math.max(1, Number(q.get('page') ?? '1') || 1);
            // Filtered queries answer at most 1,000 results.
            const visible = created ? matching.slice(0, 1000) : matching;
            const slice = visible.slice((page - 1) * perPage, page * perPage);
            return {
              status: 200,
              body: {
                total_count: matching.length,
                workflow_runs: slice.map((run) => workflowRun(base + prefix, r, run, run.attempts.at(-1)!)),
              },
              link: linkHeader(path, q, page, Math.ceil(visible.length / perPage)),
            };
          }),
      };
    }
    const run = repo?.runs.find((x) => String(x.id) === parts[5]);
    const withRun = (fn: (r: GenRepository, run: GenRun) => Answer): Answer =>
      guard((r) => (run ? fn(r, run) : notFound));
    if (parts.length === 6) {
      return {
        template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
        handler: () =>
          withRun((r, x) => ({ status: 200, body: workflowRun(base + prefix, r, x, x.attempts.at(-1)!) })),
      };
    }
    const jobsFor = (r: GenRepository, x: GenRun, attempts: GenRun['attempts'], q: URLSearchParams) => {
      const all = attempts.flatMap((a) => a.jobs.map((j) => job(base + prefix, r, x, a, j)));
      const perPage = clampPerPage(q.get('per_page'), 30);
      const page = Math.max(1, Number(q.get('page') ?? '1') || 1);
      return {
        status: 200,
        body: { total_count: all.length, jobs: all.slice((page - 1) * perPage, page * perPage) },
        link: linkHeader(path, q, page, Math.ceil(all.length / perPage)),
      };
    };
    if (parts.length === 7 && parts[6] === 'jobs') {
      return {
        template: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
        handler: (q) =>
          withRun((r, x) => jobsFor(r, x, q.get('filter') === 'all' ? x.attempts : [x.attempts.at(-1)!], q)),
      };
    }
    if (parts.length === 9 && parts[6] === 'attempts' && parts[8] === 'jobs') {
      return {
        template: '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
        handler: (q) =>
          withRun((r, x) => {
            const attempt = x.attempts.find((a) => String(a.attempt) === parts[7]);
            return attempt ? jobsFor(r, x, [attempt], q) : notFound;
          }),
      };
    }
    return null;
  };

  const paginate = (path: string, q: URLSearchParams, items: unknown[]) => {
    const perPage = clampPerPage(q.get('per_page'), 30);
    const page = Math.max(1, Number(q.get('page') ?? '1') || 1);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      link: linkHeader(path, q, page, Math.ceil(items.length / perPage)),
    };
  };

  const linkHeader = (path: string, q: URLSearchParams, page: number, pages: number): string | undefined => {
    if (pages <= 1) return undefined;
    const at = (n: number) => {
      const params = new URLSearchParams(q);
      params.set('page', String(n));
      return `<${base}${prefix}${path}?${params.toString()}>`;
    };
    const links: string[] = [];
    if (page < pages) links.push(`${at(page + 1)}; rel="next"`, `${at(pages)}; rel="last"`);
    if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
    return links.join(', ') || undefined;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `test server error: ${(error as Error).message}` }));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  const graphqlUrl = prefix ? `${base}${prefix.replace(/\/v3$/, '/graphql')}` : `${base}/graphql`;

  const api: GithubServer = {
    onRequest: null,
    url: base + prefix,
    graphqlUrl,
    org,
    log,
    get requests() {
      return log.length;
    },
    inject(fault) {
      faults.push({
        kind: fault.kind,
        match: fault.match ?? '',
        times: fault.times ?? 1,
        skip: fault.skip ?? 0,
        amount: fault.amount,
        field: fault.field,
      });
    },
    clearFaults() {
      faults.length = 0;
    },
    resetLog() {
      log.length = 0;
    },
    setLatency(ms) {
      latency = ms;
    },
    setBudget(remaining, resetInSeconds) {
      budgetSet = true;
      rate.remaining = remaining;
      rate.reset = Math.floor(Date.now() / 1000) + resetInSeconds;
    },
    get points() {
      return log.reduce((n, e) => n + (e.points ?? 0), 0);
    },
    schemaProblems,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  return api;
}

function clampPerPage(value: string | null, fallback: number): number {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(100, n) : fallback;
}

/** Parses the runs list's `created` filter (`a..b`, `>=a`, `>a`, `<=b`, `<b`, `a`). */
function parseCreated(value: string | null): { from: number; to: number } | null | 'invalid' {
  if (!value) return null;
  const point = (text: string, upper: boolean): number => {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) throw new Error('bad date');
    return dateOnly && upper ? ms + 86_400_000 - 1 : ms;
  };
  try {
    if (value.includes('..')) {
      const [a, b] = value.split('..');
      return { from: a === '*' ? -Infinity : point(a!, false), to: b === '*' ? Infinity : point(b!, true) };
    }
    if (value.startsWith('>=')) return { from: point(value.slice(2), false), to: Infinity };
    if (value.startsWith('>')) return { from: point(value.slice(1), true) + 1, to: Infinity };
    if (value.startsWith('<=')) return { from: -Infinity, to: point(value.slice(2), true) };
    if (value.startsWith('<')) return { from: -Infinity, to: point(value.slice(1), false) - 1 };
    return { from: point(value, false), to: point(value, true) };
  } catch {
    return 'invalid';
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Deletes the field at a dotted path ("jobs.0.created_at") from a JSON body. */
function dropField(body: unknown, path: string): void {
  const keys = path.split('.');
  let node = body as Record<string, unknown> | undefined;
  for (const key of keys.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
  if (node) delete node[keys.at(-1)!];
}
