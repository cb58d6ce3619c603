import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('dx-audit CLI frame', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown option with exit 2 and one line', async () => {
    const result = await runCli(['--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
