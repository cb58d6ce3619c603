// The per-invocation context every command receives: resolved global options,
// the loaded config, output helpers and the cancellation signal. Commands get
// their settings from here, never from process.env or argv directly.
import { type LoadedConfig, loadConfigOrThrow, parseSince } from './config.js';
import { InputError } from './errors.js';
import { createProgress, type Progress } from './progress.js';
import { resolveDbPath } from './store/db.js';

/** Global flags as commander parses them. */
export interface GlobalOptions {
  db?: string;
  since?: string;
  until?: string;
  config?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  dbPath: string;
  /** Start of the analysis window (null: everything collected). */
  since: Date | null;
  /** End of the analysis window; without --until it is `now` itself (the same Date object). */
  until: Date;
  now: Date;
  loaded: LoadedConfig;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  progress: Progress;
  signal: AbortSignal;
  /** Results: stdout. */
  out(text: string): void;
  /** Notes and warnings: stderr, silenced by --quiet. */
  note(text: string): void;
}

export function createContext(options: GlobalOptions, signal: AbortSignal): Context {
  const cwd = process.cwd();
  const now = new Date();
  const loaded = loadConfigOrThrow(options.config, cwd);
  const sinceText = options.since ?? loaded.config.window.since ?? undefined;
  const since = sinceText ? parseSince(sinceText, '--since', now) : null;
  const until = options.until ? parseSince(options.until, '--until', now) : now;
  if (since && since.getTime() > until.getTime()) {
    throw new InputError(`--since (${since.toISOString()}) is after --until (${until.toISOString()})`, {
      fix: 'pass a --since earlier than --until',
    });
  }
  const quiet = options.quiet ?? false;
  const context: Context = {
    cwd,
    env: process.env,
    dbPath: resolveDbPath(options.db),
    since,
    until,
    now,
    loaded,
    json: options.json ?? false,
    quiet,
    verbose: options.verbose ?? false,
    progress: createProgress({ enabled: Boolean(process.stderr.isTTY) && !quiet }),
    signal,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    note: (text) => {
      if (!quiet) process.stderr.write(`${text}\n`);
    },
  };
  for (const warning of loaded.warnings) context.note(`dx-audit: warning: ${loaded.file}: ${warning}`);
  return context;
}
