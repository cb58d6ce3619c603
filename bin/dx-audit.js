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
await import(cli.href);
