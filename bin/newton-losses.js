#!/usr/bin/env node
// The `newton-losses` command. In a checkout (src/ present) it runs the TypeScript CLI through tsx,
// no build step; in the installed package, the compiled CLI in dist/.
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require('../dist/cli.js');
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
