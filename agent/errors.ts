// The few error kinds dx-audit throws. Everything below the CLI throws one of
// these; only the CLI entry (cli.ts) turns them into a line on stderr and an
// exit code, so the user always sees one clear line with the fix.

/** Exit codes documented in the README: 0 success, 1 the work failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Base class: a problem the user can act on, with the fix spelled out. */
export class DxError extends Error {
  readonly exitCode: number;
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DxError';
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? EXIT.failure;
  }

  /** The single line shown to the user: the problem, then the fix. */
  get line(): string {
    return this.fix ? `${this.message} — ${this.fix}` : this.message;
  }
}

/** Bad flags, bad paths, bad config, bad database: the user must change the input (exit 2). */
export class InputError extends DxError {
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: EXIT.usage });
    this.name = 'InputError';
  }
}

/** The work itself failed (a git process died, the network is gone...): exit 1. */
export class WorkError extends DxError {
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: EXIT.failure });
    this.name = 'WorkError';
  }
}

/** Raised when the user interrupts (Ctrl-C / SIGTERM); the CLI exits 130/143 after cleanup. */
export class InterruptedError extends DxError {
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; everything committed so far is kept`, {
      fix: 'run the same command again to resume',
      exitCode: signal === 'SIGINT' ? 130 : 143,
    });
    this.name = 'InterruptedError';
  }
}

/** Messages from lower layers may carry secrets (URLs with tokens); this strips them. */
export function redact(text: string, secrets: readonly string[] = registeredSecrets): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g, '***')
    .replace(/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, '***')
    .replace(/(authorization:\s*)(token|bearer)\s+\S+/gi, '$1$2 ***');
}

const registeredSecrets: string[] = [];

/** Collectors register every credential they read so that no output path can print it. */
export function registerSecret(secret: string): void {
  if (secret && !registeredSecrets.includes(secret)) registeredSecrets.push(secret);
}
