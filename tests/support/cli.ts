// Runs the real CLI (the compiled bin) as a child process, the way users do.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

/** The bin shim, from tests/support (vitest) or from dist/tests/support (the compiled benchmark). */
export const BIN = [
  fileURLToPath(new URL('../../bin/dx-audit.js', import.meta.url)),
  fileURLToPath(new URL('../../../bin/dx-audit.js', import.meta.url)),
].find((path) => existsSync(path))!;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `dx-audit ...args` with the given working directory and environment; never throws on exit codes. */
export async function runCli(args: string[], options: Options & { cwd?: string } = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    stdin: 'ignore',
    ...options,
    env: { DX_AUDIT_DB: '', NO_COLOR: '1', ...(options.env ?? {}) },
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
}
