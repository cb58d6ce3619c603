// Runs one of dx-audit's command modules in this process, as the CLI does
// after parsing (the same context, with the output captured). For tests whose
// subject is not the command line itself: collecting a test world, or the
// numbers a report holds. The CLI's parsing, exit codes and process
// behaviour are tested through the real binary (tests/support/cli.ts).
import { expect } from 'vitest';
import type { CommandModule } from '../../agent/cli.js';
import { createContext, type GlobalOptions } from '../../agent/context.js';

/** What a command printed: results (stdout) and notes (stderr). */
export interface Printed {
  stdout: string;
  stderr: string;
}

/** The command modules tests run this way, by their CLI name. */
const COMMANDS = {
  'collect git': () => import('../../agent/commands/collect-git.js'),
  'collect github': () => import('../../agent/commands/collect-github.js'),
  report: () => import('../../agent/commands/report.js'),
} as const;

/**
 * Runs `name` with the global options, operands and command options given and
 * `env` over this process's environment; the command must succeed (exit 0).
 */
export async function runCommand(
  name: keyof typeof COMMANDS,
  globals: GlobalOptions,
  operands: string[] = [],
  options: object = {},
  env: Record<string, string> = {},
): Promise<Printed> {
  const context = createContext(globals, new AbortController().signal);
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const warning of context.loaded.warnings) stderr.push(`warning: ${warning}\n`);
  context.env = { ...process.env, ...env };
  context.out = (text) => stdout.push(text.endsWith('\n') ? text : `${text}\n`);
  context.note = (text) => stderr.push(`${text}\n`);
  const module = (await COMMANDS[name]()) as unknown as CommandModule<object>;
  expect(await module.run(context, operands, options)).toBe(0);
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}
