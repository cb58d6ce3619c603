// Runs the real CLI over test repositories: collect into a fresh database,
// then print the JSON report (every item) or the terminal view.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../agent/analysis/model.js';
import { runCli } from '../support/cli.js';
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

/** Collects `paths` into a new database and returns report helpers. */
export async function audit(paths: string[], config: object = {}): Promise<Audit> {
  const dir = tempDir('dx-audit-arch-');
  const db = join(dir, 'dx.db');
  const configFile = join(dir, 'dx-audit.config.json');
  const configure = (c: object) => writeFileSync(configFile, JSON.stringify(c));
  configure(config);
  const collected = await runCli(['--db', db, '--config', configFile, 'collect', 'git', ...paths], {
    cwd: dir,
  });
  expect(collected.stderr).not.toMatch(/error|internal/i);
  expect(collected.exitCode).toBe(0);
  return {
    dir,
    db,
    configure,
    async report(args = []) {
      // with --top N, only the top entries; otherwise every item
      const detail = args.includes('--top') ? [] : ['--detail'];
      const result = await runCli(
        [
          '--db',
          db,
          '--config',
          configFile,
          '--until',
          UNTIL,
          'report',
          '--format',
          'json',
          ...detail,
          ...args,
        ],
        { cwd: dir },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      return { report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
    },
    async text(args = []) {
      const result = await runCli(
        ['--db', db, '--config', configFile, '--until', UNTIL, 'report', '--format', 'text', ...args],
        { cwd: dir },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout;
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
