/**
 * The browser playground from the command line:
 *   tsx scripts/playground.ts build [--out DIR]            (npm run playground:build)
 *   tsx scripts/playground.ts serve [--out DIR] [--port N]  (npm run playground: build, then serve on localhost)
 *   tsx scripts/playground.ts screenshot [--out DIR] [--file PNG]  (build, then the README's screenshot, by headless Chromium)
 */
import { parseArgs } from 'node:util';
import { buildPlayground, DEFAULT_PLAYGROUND_OUT } from '../playground/tooling/build';
import { screenshotPlayground } from '../playground/tooling/screenshot';
import { servePlayground } from '../playground/tooling/serve';

const COMMANDS = ['build', 'serve', 'screenshot'];
const DEFAULT_SCREENSHOT = 'playground/screenshot.png';
const USAGE = `usage: tsx scripts/playground.ts build|serve|screenshot [--out DIR] [--port N] [--file PNG (default ${DEFAULT_SCREENSHOT})]`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: DEFAULT_PLAYGROUND_OUT },
      port: { type: 'string', default: '8080' },
      file: { type: 'string', default: DEFAULT_SCREENSHOT },
      help: { type: 'boolean' },
    },
  });
  const [command] = positionals;
  if (values.help) return console.log(USAGE);
  if (!COMMANDS.includes(command)) throw new Error(`playground: command must be one of ${COMMANDS.join(', ')}, got ${JSON.stringify(command)}\n${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`playground: --port must be an integer in [0, 65535], got '${values.port}'`);
  const built = await buildPlayground(values.out);
  const total = built.files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(`playground built in ${built.outDir} (${built.files.length} files, ${(total / 2 ** 20).toFixed(1)} MiB): publish that folder as it is`);
  if (command === 'serve') {
    const server = await servePlayground(built.outDir, port);
    console.log(`playground served at ${server.url} (Ctrl-C stops)`);
  }
  if (command === 'screenshot') {
    await screenshotPlayground(built.outDir, values.file);
    console.log(`screenshot written to ${values.file}`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
