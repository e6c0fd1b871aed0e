/**
 * Builds the playground into a static folder: `index.html`, `style.css`, `playground.js` (the page's
 * code and the library, bundled for browsers by esbuild), `plotly.min.js` (from the installed
 * `plotly.js-dist-min`) and tfjs-wasm's `.wasm` binaries (served next to the page, never from a
 * CDN). Any static web server can serve the folder, GitHub Pages included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** The page's sources: `index.html`, `style.css`, `src/main.ts`. */
export const PLAYGROUND_SOURCE = path.resolve(__dirname, '..');
/** Where `npm run playground:build` writes the site. */
export const DEFAULT_PLAYGROUND_OUT = path.resolve(PLAYGROUND_SOURCE, 'dist');

const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export interface PlaygroundBuild {
  /** The folder written. */
  outDir: string;
  /** Every file in it with its size in bytes. */
  files: { name: string; bytes: number }[];
}

/**
 * Writes the site into `outDir` (created, its previous contents replaced). The bundle targets
 * browsers: a node-only module reached from the page's imports (fs, path, …) fails the build.
 *
 * @param outDir default `playground/dist`.
 * @param options.minify default true.
 */
export async function buildPlayground(outDir: string = DEFAULT_PLAYGROUND_OUT, options: { minify?: boolean } = {}): Promise<PlaygroundBuild> {
  if (typeof outDir !== 'string' || outDir.trim() === '') throw new Error(`buildPlayground: outDir must be a folder path, got ${JSON.stringify(outDir)}`);
  const out = path.resolve(outDir);
  if (out === PLAYGROUND_SOURCE || PLAYGROUND_SOURCE.startsWith(out + path.sep)) {
    throw new Error(`buildPlayground: outDir '${outDir}' would replace the playground's sources`);
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(PLAYGROUND_SOURCE, 'src', 'main.ts')],
    bundle: true,
    outfile: path.join(out, 'playground.js'),
    platform: 'browser',
    // Set explicitly: with its default list esbuild resolves a package reached by require() to its
    // "main" (tfjs's node build), which would bundle a second tfjs-core beside the ES module one.
    mainFields: ['browser', 'module', 'main'],
    format: 'iife',
    target: ['es2020'],
    minify: options.minify ?? true,
    sourcemap: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  for (const file of ['index.html', 'style.css']) fs.copyFileSync(path.join(PLAYGROUND_SOURCE, file), path.join(out, file));
  fs.copyFileSync(require.resolve('plotly.js-dist-min'), path.join(out, 'plotly.min.js'));
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const binary of WASM_BINARIES) fs.copyFileSync(path.join(wasmDir, binary), path.join(out, binary));
  const files = fs.readdirSync(out).sort().map((name) => ({ name, bytes: fs.statSync(path.join(out, name)).size }));
  return { outDir: out, files };
}
