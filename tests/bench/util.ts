// Shared helpers for `npm run bench`: timing child processes, peak memory,
// cached generated fixtures, and a side-by-side table.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CACHE = join(ROOT, '.bench-cache');
export const BIN = join(ROOT, 'bin', 'dx-audit.js');

export interface Timed {
  ms: number;
  code: number | null;
  /** Peak resident set size of the process itself (not its children), in MB. */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, measuring wall time and (on Linux) the peak RSS of that process via /proc VmHWM. */
export function timeCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; discardStdout?: boolean } = {},
): Promise<Timed> {
  return new Promise((ok, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // process gone
      }
    }, 20);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ok({ ms, code, peakRssMb: peakKb / 1024, stdout, stderr });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function cacheDir(name: string): string {
  mkdirSync(CACHE, { recursive: true });
  return join(CACHE, name);
}

export function freshFile(path: string): string {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return path;
}

export function exists(path: string): boolean {
  return existsSync(path);
}

export type Row = [label: string, value: string, target: string, verdict: string];

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: Row[]): void {
  const header: Row = ['measure', 'value', 'target', 'ok'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  for (const [index, row] of all.entries()) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export function verdict(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}
