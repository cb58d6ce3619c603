#!/usr/bin/env node
// Entry shim, CommonJS (bin/package.json). The build (scripts/bundle-cli.mjs;
// `npm install` runs it as the prepare script) bundles the CLI into dist/cli/.
// `wrap -- CMD` runs before every wrapped build, so it takes a short road,
// bundled into one CommonJS file, bin/wrap/wrap-entry.js: no ES module loader,
// no command-line framework, no config and no SQLite before the command starts.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);
const shortRoad = join(__dirname, 'wrap', 'wrap-entry.js');
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
