// The short road for `dx-audit wrap -- CMD`, which runs before every wrapped
// build: it parses the few flags wrap understands by hand and skips the
// command-line framework and the config. Anything unusual (help, other flags,
// a malformed line) returns null and goes through the full CLI instead.
// The build also bundles this file and everything it imports into one
// CommonJS file, bin/wrap/wrap-entry.js (scripts/bundle-cli.mjs), which
// bin/dx-audit.js loads without the ES module loader: keep import.meta and
// top-level await out of that code, and keep it free of SQLite, the config
// and the command-line framework.
import { resolve } from 'node:path';

/** Runs the wrapped command when the arguments are a plain wrap invocation; null otherwise. */
export async function fastWrap(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | null> {
  const dash = args.indexOf('--');
  if (dash === -1 || dash === args.length - 1) return null;
  let db: string | undefined;
  let kind: 'build' | 'test' = 'build';
  let verbose = false;
  let seenWrap = false;
  for (let i = 0; i < dash; i += 1) {
    const arg = args[i]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => (inline !== undefined ? inline : i + 1 < dash ? args[++i] : undefined);
    if (name === 'wrap' && !seenWrap && inline === undefined) seenWrap = true;
    else if (name === '--db') {
      db = value();
      if (db === undefined || db === '') return null;
    } else if (name === '--kind' && seenWrap) {
      const k = value();
      if (k !== 'build' && k !== 'test') return null;
      kind = k;
    } else if (name === '--verbose' && inline === undefined) verbose = true;
    else if ((name === '--json' || name === '--quiet' || name === '-q') && inline === undefined) continue;
    else return null;
  }
  if (!seenWrap) return null;
  const { runWrapped } = await import('../collectors/build/wrap.js');
  return runWrapped(args.slice(dash + 1), {
    cwd: process.cwd(),
    // the rule of resolveDbPath (store/db.ts), which this path must not import
    dbPath: resolve(db || env['DX_AUDIT_DB'] || '.dx-audit/dx.db'),
    kind,
    verbose,
  });
}
