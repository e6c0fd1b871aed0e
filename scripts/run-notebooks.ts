/**
 * `npm start`: executes every notebook in notebooks/ headlessly with the project's tslab kernel,
 * writes the executed notebook and a standalone HTML page per notebook into reports/, and prints
 * one line per notebook (ok / failed, seconds). Exit status 1 if any notebook failed.
 *
 * Usage: tsx scripts/run-notebooks.ts [--preset smoke|quick|paper] [--only <name part>] [--out <dir>]
 * The preset reaches the notebooks through NEWTON_LOSSES_PRESET (default quick).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePreset, PRESET_ENV_VAR } from '../src/runtime/preset';
import { KERNEL_NAME, ROOT, jupyterProcessEnv, readJupyterEnv } from './jupyter-env';

export interface NotebookOutcome {
  notebook: string;
  ok: boolean;
  seconds: number;
  error?: string;
}

/** Executes the given notebooks one after another; returns one outcome per notebook. */
export function runNotebooks(notebooks: string[], options: { preset: string; outDir: string; cellTimeoutSeconds?: number }): NotebookOutcome[] {
  const { python } = readJupyterEnv();
  const preset = parsePreset(options.preset, '--preset');
  fs.mkdirSync(options.outDir, { recursive: true });
  const env = jupyterProcessEnv({ [PRESET_ENV_VAR]: preset });
  return notebooks.map((notebook) => {
    const started = Date.now();
    const execute = spawnSync(
      python,
      [path.join(__dirname, 'execute_notebook.py'), notebook, options.outDir, KERNEL_NAME, String(options.cellTimeoutSeconds ?? 3600)],
      { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const error = execute.status === 0 ? undefined : lastLines(execute.stderr || String(execute.error), 30);
    return { notebook: path.relative(ROOT, notebook), ok: !error, seconds: (Date.now() - started) / 1000, error };
  });
}

/** Notebooks in notebooks/, sorted by name, optionally only those whose name contains `only`. */
export function listNotebooks(only?: string): string[] {
  const dir = path.join(ROOT, 'notebooks');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && (!only || f.includes(only)))
    .sort()
    .map((f) => path.join(dir, f));
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: process.env[PRESET_ENV_VAR] || 'quick' },
      only: { type: 'string' },
      out: { type: 'string', default: path.join(ROOT, 'reports') },
    },
  });
  const notebooks = listNotebooks(values.only);
  if (notebooks.length === 0) throw new Error(`--only: no notebook in notebooks/ matches '${values.only}'`);
  console.log(`Executing ${notebooks.length} notebook(s) with preset '${values.preset}' into ${path.relative(ROOT, values.out!) || '.'}/`);
  let failed = 0;
  for (const notebook of notebooks) {
    const [outcome] = runNotebooks([notebook], { preset: values.preset!, outDir: values.out! });
    console.log(`${outcome.ok ? 'ok    ' : 'FAILED'} ${outcome.notebook.padEnd(44)} ${outcome.seconds.toFixed(1).padStart(7)} s`);
    if (!outcome.ok) {
      failed++;
      console.log(outcome.error!.replace(/^/gm, '       | '));
    }
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
