#!/usr/bin/env node
// The `newton-losses` command: runs the TypeScript CLI (src/cli.ts) through tsx, no build step.
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
