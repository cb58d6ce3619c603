#!/usr/bin/env node
// Entry shim: the CLI is compiled to dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/agent/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'dx-audit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the dx-audit folder.\n',
  );
  process.exit(1);
}
// `wrap` runs before every wrapped build, so a plain `wrap -- CMD` skips the full CLI.
const args = process.argv.slice(2);
const fast = args.includes('wrap') && args.includes('--') ? await wrapFast() : null;
if (fast === null) await import(cli.href);
else process.exitCode = fast;

async function wrapFast() {
  const { fastWrap } = await import(new URL('../dist/agent/wrap-entry.js', import.meta.url).href);
  return fastWrap(args);
}
