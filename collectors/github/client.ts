// The one way dx-audit talks to GitHub: octokit with its retry and throttling
// plugins, a cap of a few requests in flight per token, and the failures a
// long sync must survive handled in one place (rate limits wait, 5xx/network/
// malformed bodies retry). Callers get parsed bodies or one clear error.
import { Octokit } from 'octokit';
import { InputError, registerSecret, WorkError } from '../../agent/errors.js';
import type { Progress } from '../../agent/progress.js';
import { formatSeconds } from '../../agent/util/format.js';
import { SCOPES, safeUrl } from './endpoints.js';

/** Where the API lives and who we are. */
export interface GithubEndpoint {
  apiUrl: string;
  graphqlUrl: string;
  token: string;
}

/** Endpoint and token plus the knobs of waiting and retrying (tests shorten the waits). */
export interface GithubClientOptions extends GithubEndpoint {
  signal?: AbortSignal | undefined;
  progress?: Progress | undefined;
  /** Says something to the user (a rate-limit wait). */
  note?: ((text: string) => void) | undefined;
  /** Base of every backoff wait in ms (tests shrink it). */
  retryBaseMs?: number | undefined;
  /** Multiplier for rate-limit waits in ms per second asked (tests shrink it). */
  rateLimitMsPerSecond?: number | undefined;
  /** Give up on one request after this long and retry it. */
  timeoutMs?: number | undefined;
  /** Requests in flight at once; GitHub asks for no more than a few per token. */
  concurrency?: number | undefined;
  /** Attempts for malformed bodies, timeouts and network errors. */
  attempts?: number | undefined;
}

/** What GitHub said is left of one rate-limit resource (core = REST, graphql = points). */
export interface RateBudget {
  limit: number;
  remaining: number;
  /** Unix seconds. */
  reset: number;
}

/** Under this share of the budget, requests are spaced to last until the reset. */
export const THROTTLE_SHARE = 0.1;

/** The wait before the next request so that `remaining` lasts until the reset (0 above the threshold). */
export function throttleSeconds(budget: RateBudget | undefined, nowSeconds: number): number {
  if (!budget || budget.limit <= 0 || budget.remaining >= budget.limit * THROTTLE_SHARE) return 0;
  const left = Math.max(0, budget.reset - nowSeconds);
  return left / Math.max(1, budget.remaining);
}

/** A response the caller may interpret (404, 403 without rate limit, 410, 422); a plain failure otherwise. */
export class GithubHttpError extends WorkError {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly reason: string,
  ) {
    super(`GitHub answered ${url} with ${status}: ${reason}`, {
      fix: "check the repository or organisation name and the token's access",
    });
    this.name = 'GithubHttpError';
  }
}

/** A GraphQL answer with `errors` (NOT_FOUND, FORBIDDEN ...). */
export class GithubGraphqlError extends WorkError {
  constructor(
    readonly types: string[],
    reason: string,
  ) {
    super(`GitHub GraphQL answered with errors: ${reason}`, {
      fix: "check the repository name and the token's access; run again with --verbose for details",
    });
    this.name = 'GithubGraphqlError';
  }
}

/** A REST answer: 304 when the ETag still matched; `next` from the Link header. */
export interface RestResult<T> {
  status: 200 | 304;
  data: T;
  etag: string | null;
  url: string;
  next: string | null;
}

/** A GraphQL answer's `data`, and where it came from (kept with the raw row). */
export interface GraphqlResult<T> {
  data: T;
  url: string;
}

/** GitHub API access with the retries, waits and limits of a long sync; counts requests. */
export class GithubClient {
  /** HTTP requests sent (every attempt counts). */
  requests = 0;
  /** GraphQL points charged (the `rateLimit { cost }` of queries that ask for it, else 1 each). */
  points = 0;
  /** The latest rate-limit headers, per resource (core, graphql, ...). */
  readonly budget = new Map<string, RateBudget>();
  private warnedThrottle = false;
  /** Spaced requests wait in line, so requests in flight at once do not share one spacing. */
  private spacing: Promise<void> = Promise.resolve();
  private readonly octokit: InstanceType<typeof Octokit>;
  private readonly options: GithubClientOptions;
  /** Where GraphQL queries go (raw rows record it). */
  get graphqlUrl(): string {
    return this.options.graphqlUrl;
  }
  private reached = false;
  private warnedPartial = false;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: GithubClientOptions) {
    this.options = options;
    registerSecret(options.token);
    const rateWait = (kind: string) => (retryAfter: number) => {
      const until = new Date(Date.now() + retryAfter * 1000).toISOString().slice(11, 19);
      const line = `GitHub ${kind} rate limit reached; waiting ${retryAfter}s (until ${until} UTC), then resuming`;
      options.progress?.update(line);
      options.note?.(`dx-audit: ${line}`);
      return !options.signal?.aborted;
    };
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiUrl,
      userAgent: 'dx-audit',
      log: { debug() {}, info() {}, warn() {}, error() {} },
      // 429 is a rate limit: the throttling plugin waits for the reset instead of retrying at once.
      retry: {
        retries: 3,
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: rateWait('primary'),
        onSecondaryRateLimit: rateWait('secondary'),
        retryAfterBaseValue: options.rateLimitMsPerSecond ?? 1000,
        fallbackSecondaryRateRetryAfter: 60,
        // GraphQL queries are reads: our own cap on requests in flight is the limit, not
        // the one-per-second spacing the plugin applies to writes.
        write: passThroughGroup() as never,
      },
    });
  }

  /** GET a REST path (or absolute URL from a Link header); 304 when `etag` still matches. */
  async rest<T>(path: string, options: { etag?: string | null; check?: (data: unknown) => boolean } = {}) {
    const url = path.startsWith('http') ? path : `${this.options.apiUrl}${path}`;
    const response = await this.send(
      url,
      async (signal) => {
        const headers: Record<string, string> = {};
        if (options.etag) headers['if-none-match'] = options.etag;
        try {
          return await this.octokit.request({
            method: 'GET',
            url,
            headers,
            request: this.requestOptions(signal),
          });
        } catch (error) {
          if ((error as { status?: number }).status === 304) {
            return {
              status: 304,
              data: null,
              headers: (error as { response?: { headers?: object } }).response?.headers ?? {},
            };
          }
          throw error;
        }
      },
      (data, status) =>
        status === 304 || (typeof data === 'object' && data !== null && (options.check?.(data) ?? true)),
    );
    const headers = response.headers as Record<string, string | undefined>;
    return {
      status: response.status === 304 ? 304 : 200,
      data: response.data as T,
      etag: headers['etag'] ?? null,
      url,
      next: nextLink(headers['link']),
    } satisfies RestResult<T>;
  }

  /** POST a GraphQL query; GraphQL `errors` become GithubGraphqlError (NOT_FOUND, ...). */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<GraphqlResult<T>> {
    const url = this.options.graphqlUrl;
    const response = await this.send(
      url,
      (signal) =>
        this.octokit.request({ method: 'POST', url, query, variables, request: this.requestOptions(signal) }),
      (data) => typeof data === 'object' && data !== null && ('data' in data || 'errors' in data),
    );
    const body = response.data as {
      data?: T & { rateLimit?: { cost?: number } | null };
      errors?: { type?: string; message: string; path?: (string | number)[] }[];
    };
    this.points += body.data?.rateLimit?.cost ?? 1;
    if (body.errors?.length) {
      const types = body.errors.map((e) => e.type ?? 'ERROR');
      if (types.includes('RATE_LIMITED')) {
        // Outside /graphql (GHES /api/graphql) the plugin does not see these: wait for the reset.
        const reset = Number((response.headers as Record<string, string>)['x-ratelimit-reset'] ?? 0);
        const seconds = Math.max(1, reset - Math.floor(Date.now() / 1000) + 1);
        this.options.note?.(
          `dx-audit: GitHub primary rate limit reached; waiting ${seconds}s, then resuming`,
        );
        await this.sleep(seconds * (this.options.rateLimitMsPerSecond ?? 1000));
        return this.graphql(query, variables);
      }
      // Fields the token may not read (a team's slug without org access) come back null with
      // FORBIDDEN: keep the rest of the answer rather than fail the sync.
      const partial =
        body.data != null && body.errors.every((e) => e.type === 'FORBIDDEN' && (e.path?.length ?? 0) > 3);
      if (!partial) throw new GithubGraphqlError(types, body.errors.map((e) => e.message).join('; '));
      if (!this.warnedPartial) {
        this.warnedPartial = true;
        this.options.note?.(
          `dx-audit: note: the token cannot read some GitHub fields (${body.errors[0]!.message}); they are left empty`,
        );
      }
    }
    return { data: body.data as T, url };
  }

  private async send(
    url: string,
    request: (signal: AbortSignal) => Promise<{ status: number; data: unknown; headers: object }>,
    wellFormed: (data: unknown, status: number) => boolean,
  ): Promise<{ status: number; data: unknown; headers: object }> {
    const attempts = this.options.attempts ?? 4;
    const shown = safeUrl(url);
    const resource = url === this.options.graphqlUrl ? 'graphql' : 'core';
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted();
      await this.throttle(resource);
      await this.acquire();
      let problem: string;
      let cause: unknown;
      try {
        this.requests += 1;
        const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
        const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
        const response = await request(signal);
        this.reached = true;
        this.record(response.headers as Record<string, string | undefined>);
        if (wellFormed(response.data, response.status)) return response;
        // octokit hands back an empty text when reading the body fails, as when the timeout cuts it off
        problem = timeout.aborted
          ? `no whole answer within ${formatSeconds((this.options.timeoutMs ?? 60_000) / 1000)}`
          : `a malformed body (${describeBody(response.data)})`;
      } catch (error) {
        this.throwIfAborted();
        cause = error;
        const status = (error as { status?: number }).status;
        if (status === 401) {
          throw new InputError(
            `GitHub rejected the token for ${shown} (401): the token is invalid or expired`,
            {
              fix: `create a new token (${SCOPES}) and set GITHUB_TOKEN, or run \`gh auth login\``,
            },
          );
        }
        if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
          throw new GithubHttpError(status, shown, errorMessage(error));
        }
        // octokit reports a request that never got an answer as status 500 without a response
        const answered = (error as { response?: unknown }).response !== undefined;
        const code = networkCode(error);
        if (!this.reached && code === 'ECONNREFUSED') {
          throw new WorkError(
            `cannot reach the GitHub API at ${safeUrl(this.options.apiUrl)} (connection refused)`,
            {
              fix: 'check --github-url, the config github.url or GITHUB_API_URL, and the network',
              cause: error,
            },
          );
        }
        if (!answered && code === null && !this.reached) {
          // fetch refused to send it at all (a blocked port, a malformed URL): retrying cannot help
          throw new InputError(
            `cannot send a request to the GitHub API at ${safeUrl(this.options.apiUrl)}: ${rootMessage(error)}`,
            {
              fix: 'check --github-url, the config github.url or GITHUB_API_URL',
              cause: error,
            },
          );
        }
        problem =
          answered && status !== undefined && status >= 500
            ? `HTTP ${status}${statusText(status)}`
            : `a network error (${code ?? rootMessage(error)})`;
      } finally {
        this.release();
      }
      if (attempt >= attempts) {
        throw new WorkError(`GitHub answered ${shown} with ${problem} ${attempt} times in a row`, {
          fix: 'run the same command again later to resume; data collected so far is kept',
          cause,
        });
      }
      const wait = (this.options.retryBaseMs ?? 1000) * 2 ** (attempt - 1);
      this.options.progress?.update(
        `GitHub: ${shown} gave ${problem}; retrying in ${Math.ceil(wait / 1000)}s`,
      );
      await this.sleep(wait);
    }
  }

  private record(headers: Record<string, string | undefined>): void {
    const resource = headers['x-ratelimit-resource'];
    const remaining = Number(headers['x-ratelimit-remaining']);
    const limit = Number(headers['x-ratelimit-limit']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (!resource || !Number.isFinite(remaining) || !Number.isFinite(limit) || !Number.isFinite(reset))
      return;
    this.budget.set(resource, { limit, remaining, reset });
  }

  /** Under 10 % of the budget left: spread the rest until the reset instead of running into the limit. */
  private async throttle(resource: string): Promise<void> {
    const wait = throttleSeconds(this.budget.get(resource), Date.now() / 1000);
    if (wait <= 0) return;
    if (!this.warnedThrottle) {
      this.warnedThrottle = true;
      const budget = this.budget.get(resource)!;
      this.options.note?.(
        `dx-audit: GitHub ${resource} budget under ${THROTTLE_SHARE * 100}% (${budget.remaining} of ${budget.limit} left); spacing requests ${wait.toFixed(1)}s apart until the reset`,
      );
    }
    const turn = this.spacing.then(() => this.sleep(wait * (this.options.rateLimitMsPerSecond ?? 1000)));
    this.spacing = turn.catch(() => undefined);
    await turn;
  }

  /** Until GitHub has answered once, a failure is reported at once (a wrong URL should not wait). */
  private requestOptions(signal: AbortSignal): { signal: AbortSignal; retries?: number } {
    return this.reached ? { signal } : { signal, retries: 0 };
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw this.options.signal.reason;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok, fail) => {
      const signal = this.options.signal;
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        ok();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        fail(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async acquire(): Promise<void> {
    const limit = this.options.concurrency ?? 3;
    if (this.active < limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((ok) => this.waiting.push(ok));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/** The plugin's limiter interface, without the one-second spacing it gives writes. */
function passThroughGroup() {
  const limiter = {
    schedule: (...args: unknown[]) => {
      const fn = args.find((a) => typeof a === 'function') as (...rest: unknown[]) => unknown;
      const rest = args.slice(args.indexOf(fn) + 1);
      return Promise.resolve().then(() => fn(...rest));
    },
  };
  return { key: () => limiter, on() {} };
}

function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return match[1]!;
  }
  return null;
}

function errorMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  if (data && typeof data === 'object' && 'message' in data)
    return String((data as { message: unknown }).message);
  return error instanceof Error ? error.message : String(error);
}

/** The innermost message of an error chain: fetch's "bad port" rather than octokit's "fetch failed". */
function rootMessage(error: unknown): string {
  let current: unknown = error;
  let message = errorMessage(error);
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof Error && current.message) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  // fetch quotes the URL it refused, user name included: keep credentials out
  return message.replace(/(\/\/)[^/@\s]+@/g, '$1');
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : '';
}

function networkCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if ((current as { name?: string }).name === 'TimeoutError') return 'timeout';
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : '';
  if (/other side closed|socket hang up|terminated/i.test(message)) return 'ECONNRESET';
  if (/aborted|timeout/i.test(message)) return 'timeout';
  return null;
}

function describeBody(data: unknown): string {
  if (typeof data === 'string') return `${data.length} characters that are not the JSON expected`;
  if (data === null || data === undefined) return 'empty';
  return 'JSON without the expected fields';
}
