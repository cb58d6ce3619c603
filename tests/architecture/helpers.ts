// Runs dx-audit's commands over test repositories: collect into a fresh
// database, then the JSON report (every item) or the terminal view. The
// commands run in this process (tests/support/command.ts; git and SQLite are
// real).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import type { GlobalOptions } from '../../agent/context.js';
import { runCommand } from '../support/command.js';
import { tempDir } from '../support/git-repo.js';

/** Until 2024-01-01T00:00:00Z: test histories live in November 2023. */
export const UNTIL = '2024-01-01T00:00:00Z';
export const UNTIL_SECONDS = 1_704_067_200;

export interface Audit {
  dir: string;
  db: string;
  /** Writes the config file used by the next reports. */
  configure(config: object): void;
  report(args?: string[]): Promise<{ report: Report; stderr: string }>;
  text(args?: string[]): Promise<string>;
}

/** The report flags these tests pass: --since and --until (global), --top. */
function reportFlags(args: string[]): { globals: GlobalOptions; top: string | undefined } {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const known = new Set(['--since', '--until', '--top']);
  for (let i = 0; i < args.length; i += 2) {
    if (!known.has(args[i]!)) throw new Error(`the architecture helper does not pass ${args[i]}`);
  }
  const since = value('--since');
  return { globals: { until: value('--until') ?? UNTIL, ...(since ? { since } : {}) }, top: value('--top') };
}

/** Collects `paths` into a new database and returns report helpers. */
export async function audit(paths: string[], config: object = {}): Promise<Audit> {
  const dir = tempDir('dx-audit-arch-');
  const db = join(dir, 'dx.db');
  const configFile = join(dir, 'dx-audit.config.json');
  const configure = (c: object) => writeFileSync(configFile, JSON.stringify(c));
  configure(config);
  const collected = await runCommand('collect git', { db, config: configFile }, paths);
  expect(collected.stderr).not.toMatch(/error|internal/i);
  const report = async (format: 'json' | 'text', args: string[]) => {
    const { globals, top } = reportFlags(args);
    // with --top N, only the top entries; otherwise every item
    return runCommand('report', { db, config: configFile, ...globals }, [], {
      format,
      ...(top ? { top } : { detail: format === 'json' }),
    });
  };
  return {
    dir,
    db,
    configure,
    async report(args = []) {
      const printed = await report('json', args);
      return { report: JSON.parse(printed.stdout) as Report, stderr: printed.stderr };
    },
    async text(args = []) {
      return (await report('text', args)).stdout;
    },
  };
}

/** Time of the n-th commit (1-based) made by importHistory without an explicit time. */
export function commitTime(n: number): number {
  return 1_700_000_000 + n * 3600;
}

/** Days from `seconds` to UNTIL, rounded to one decimal as the report does. */
export function ageDays(seconds: number): number {
  return Math.round(((UNTIL_SECONDS - seconds) / 86_400) * 10) / 10;
}
