#!/usr/bin/env node
// Entry shim, CommonJS (bin/package.json): the CLI is bundled into dist/cli/ by
// `npm install` (the prepare script; scripts/bundle-cli.mjs). `wrap -- CMD` runs before every wrapped
// build, so it takes a short road, compiled to CommonJS in bin/wrap/ by the same
// build (tsconfig.wrap.json): no ES module loader, no command-line framework,
// no config and no SQLite before the command starts.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);
const shortRoad = join(__dirname, 'wrap', 'agent', 'wrap-entry.js');
if (args.includes('wrap') && args.includes('--') && existsSync(shortRoad)) {
  // null: not a plain `wrap -- CMD` (help, other flags): the full CLI parses it
  require(shortRoad)
    .fastWrap(args)
    .then((status) => {
      if (status === null) fullCli();
      else process.exitCode = status;
    });
} else {
  fullCli();
}

function fullCli() {
  const cli = join(__dirname, '..', 'dist', 'cli', 'dx-audit.js');
  if (!existsSync(cli)) {
    process.stderr.write(
      'dx-audit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the dx-audit folder.\n',
    );
    process.exitCode = 1;
    return;
  }
  void import(require('node:url').pathToFileURL(cli).href);
}
