// Benchmark of local build timing: the overhead `wrap` adds to a command, and
// whether `build` statistics agree with a direct, hyperfine-style measurement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '../../agent/analysis/build-stats.js';

const BIN = fileURLToPath(new URL('../../../bin/dx-audit.js', import.meta.url));

/** Wall time of one run of argv, in milliseconds. */
function timeOnce(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), { ...options, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited with ${result.status}`);
  return ms;
}

function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )!;
}

/** Measures wrap overhead and build statistics; returns the figures to print. */
export async function benchBuild(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-audit-bench-build-'));
  try {
    const env = { ...process.env, DX_AUDIT_DB: join(dir, 'dx.db'), NO_COLOR: '1' };
    const options = { cwd: dir, env };
    const runs = 30;
    // One run first, so the figures show the steady state (file cache warm, pending folder made).
    timeOnce([process.execPath, BIN, 'wrap', '--', 'true'], options);
    const direct: number[] = [];
    const wrapped: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      // interleaved, so load changes on the machine hit both sides alike
      direct.push(timeOnce(['true'], options));
      wrapped.push(timeOnce([process.execPath, BIN, 'wrap', '--', 'true'], options));
    }
    // A command that takes a moment: the recording code then loads while it runs, as with real builds.
    const directSleep: number[] = [];
    const wrappedSleep: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      directSleep.push(timeOnce(['sleep', '0.2'], options));
      wrappedSleep.push(timeOnce([process.execPath, BIN, 'wrap', '--', 'sleep', '0.2'], options));
    }
    const node: number[] = [];
    for (let i = 0; i < runs; i += 1) node.push(timeOnce([process.execPath, '-e', '0'], options));

    // build: `sleep 0.3` through `dx-audit build` against a direct measurement
    spawnSync('git', ['init', '-q', dir], { stdio: 'ignore' });
    const reference: number[] = [];
    for (let i = 0; i < 10; i += 1) reference.push(timeOnce(['sleep', '0.3'], options) / 1000);
    const result = spawnSync(
      process.execPath,
      [BIN, 'build', dir, '--runs', '10', '--warmup', '1', '--json', '--', 'sleep', '0.3'],
      { ...options, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`dx-audit build failed: ${result.stderr}`);
    const measured = JSON.parse(result.stdout) as { stats: { median: number; p90: number; mean: number } };
    const referenceMedian = median(reference);
    return {
      'wrap: direct `true` median (ms)': round(median(direct)),
      'wrap: `dx-audit wrap -- true` median (ms)': round(median(wrapped)),
      'wrap: overhead median (ms, target < 60)': round(median(wrapped) - median(direct)),
      'wrap: overhead on `sleep 0.2` median (ms)': round(median(wrappedSleep) - median(directSleep)),
      'wrap: bare `node -e 0` median (ms, for scale)': round(median(node)),
      'wrap: added beyond a bare Node start (ms)': round(median(wrapped) - median(node)),
      'build: reference median of `sleep 0.3` (s)': round(referenceMedian, 4),
      'build: dx-audit build median (s)': round(measured.stats.median, 4),
      'build: median difference (%, target within 3)': round(
        (100 * Math.abs(measured.stats.median - referenceMedian)) / referenceMedian,
        2,
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, value] of Object.entries(await benchBuild())) console.log(`${name}: ${value}`);
}
