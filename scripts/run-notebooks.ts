/**
 * `npm start`: executes every notebook in notebooks/ headlessly with the project's tslab kernel,
 * writes the executed notebook and a standalone HTML page per notebook into reports/, prints one
 * line per notebook (ok / failed, seconds), and keeps reports/index.html, a page linking every
 * executed notebook with its status and time (see reports-index.ts), whose path it prints at the
 * end. Exit status 1 if any notebook failed.
 *
 * Usage: tsx scripts/run-notebooks.ts [--preset smoke|quick|paper] [--only <name part>] [--out <dir>] [--retrain]
 * The preset reaches the notebooks through NEWTON_LOSSES_PRESET (default quick). The notebooks load
 * the runs stored in data/results/ (the committed studies) and train only what is missing; with
 * --retrain they use the empty folder data/retrained/ instead (NEWTON_LOSSES_RESULTS), so every
 * study is trained again by this code (resumable: the same command continues).
 *
 * No cell has a time limit; a cell that sends nothing (no output, no progress update, and no
 * training step recorded by the run store) for NEWTON_LOSSES_CELL_IDLE_SECONDS (default 900) is
 * stopped as hung. When a notebook stops, the message names the run that was training (the run
 * store's record, see src/experiments/active-run.ts) and the commands that resume it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ACTIVE_RUN_ENV_VAR, readActiveRun, type ActiveRun } from '../src/experiments/active-run';
import { RESULTS_ENV_VAR } from '../src/experiments/run-store';
import { parsePreset, PRESET_ENV_VAR } from '../src/runtime/preset';
import { KERNEL_NAME, ROOT, jupyterProcessEnv, readJupyterEnv } from './jupyter-env';
import { updateReportsIndex } from './reports-index';

/** Environment variable: seconds a cell may stay silent before it is stopped as hung. */
export const CELL_IDLE_ENV_VAR = 'NEWTON_LOSSES_CELL_IDLE_SECONDS';
export const DEFAULT_CELL_IDLE_SECONDS = 900;

export interface NotebookOutcome {
  notebook: string;
  ok: boolean;
  seconds: number;
  /** The failing cell, what it printed and why it failed, then the run that was training and how to resume. */
  error?: string;
  /** The runner stopped a cell that stayed silent longer than the idle limit. */
  stoppedIdle?: boolean;
  /** The run the run store was training when the notebook stopped, if any. */
  activeRun?: ActiveRun;
}

export interface RunNotebooksOptions {
  preset: string;
  outDir: string;
  /** Seconds a cell may send nothing before it is stopped; default NEWTON_LOSSES_CELL_IDLE_SECONDS, else 900. */
  cellIdleSeconds?: number;
  /** Results folder for the notebooks (NEWTON_LOSSES_RESULTS); default the kernel's own (data/results/). */
  resultsRoot?: string;
  /** Show the notebook's progress (cell k of N, elapsed, the running cell's progress line) on stdout while it runs. */
  showProgress?: boolean;
}

/** The idle limit from the environment (default 900 s); anything but a positive number is an error. */
export function cellIdleSecondsFromEnvironment(): number {
  const raw = process.env[CELL_IDLE_ENV_VAR];
  if (raw === undefined || raw === '') return DEFAULT_CELL_IDLE_SECONDS;
  const seconds = Number(raw);
  if (!(seconds > 0)) throw new Error(`${CELL_IDLE_ENV_VAR} must be a number of seconds > 0, got '${raw}'`);
  return seconds;
}

/** Executes the given notebooks one after another; returns one outcome per notebook. */
export function runNotebooks(notebooks: string[], options: RunNotebooksOptions): NotebookOutcome[] {
  const { python } = readJupyterEnv();
  const preset = parsePreset(options.preset, '--preset');
  const idleSeconds = options.cellIdleSeconds ?? cellIdleSecondsFromEnvironment();
  fs.mkdirSync(options.outDir, { recursive: true });
  return notebooks.map((notebook) => {
    const started = Date.now();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-runner-'));
    const activeRunFile = path.join(scratch, 'active-run.json');
    try {
      const env = jupyterProcessEnv({
        [PRESET_ENV_VAR]: preset,
        [ACTIVE_RUN_ENV_VAR]: activeRunFile,
        ...(options.resultsRoot ? { [RESULTS_ENV_VAR]: options.resultsRoot } : {}),
      });
      const execute = spawnSync(
        python,
        [path.join(__dirname, 'execute_notebook.py'), notebook, options.outDir, KERNEL_NAME, String(idleSeconds), activeRunFile],
        { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', options.showProgress ? 'inherit' : 'pipe', 'pipe'] },
      );
      const seconds = (Date.now() - started) / 1000;
      const name = path.relative(ROOT, notebook);
      if (execute.status === 0) return { notebook: name, ok: true, seconds };
      const activeRun = readActiveRun(activeRunFile) ?? undefined;
      const resume = resumeAdvice(activeRun, startCommand(notebook, preset));
      const error = `${lastLines(execute.stderr || String(execute.error), 30)}\n${resume}`;
      return { notebook: name, ok: false, seconds, error, stoppedIdle: execute.status === 2, activeRun };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
}

/** `npm start -- --only <notebook>` (with `--preset` unless quick): executes that notebook again. */
export function startCommand(notebook: string, preset: string): string {
  return `npm start -- --only ${path.basename(notebook, '.ipynb')}${preset === 'quick' ? '' : ` --preset ${preset}`}`;
}

/** What to tell the reader after a notebook stopped: the run that was training and how to go on. */
export function resumeAdvice(run: ActiveRun | undefined, rerun: string): string {
  if (!run) {
    return `No run was training when it stopped. Rerun it with \`${rerun}\` (or \`npm start\`): runs that finished before load from the run store instead of training again.`;
  }
  const where = path.relative(ROOT, run.dir).startsWith('..') ? run.dir : path.relative(ROOT, run.dir);
  const state = run.failed ? `The last run to fail: ${run.experiment}/${run.runId} (${run.failed})` : `The run that was training: ${run.experiment}/${run.runId}`;
  const saved = run.checkpointStep === null ? 'it was being set up' : `at step ${run.step} of ${run.totalSteps}; saved up to its checkpoint at step ${run.checkpointStep}`;
  const from = run.checkpointStep === null ? 'from its last checkpoint, if it has one' : `from step ${run.checkpointStep}`;
  const lines = [`${state}, ${saved} (${where}/).`];
  if (run.defaultResultsRoot) {
    lines.push(`To resume: rerun \`${rerun}\` (or \`npm start\`): finished runs load, this one continues ${from}.`);
    lines.push(`Or train that run alone first (it resumes too): ${run.command}`);
  } else {
    lines.push(`To resume that run: ${run.command}  (it continues ${from}).`);
    lines.push(`The notebook stored it outside data/results/: rerunning it (\`${rerun}\`) resumes the run only if the notebook uses that folder again.`);
  }
  return lines.join('\n');
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
      retrain: { type: 'boolean', default: false },
    },
  });
  const notebooks = listNotebooks(values.only);
  if (notebooks.length === 0) throw new Error(`--only: no notebook in notebooks/ matches '${values.only}'`);
  const idleSeconds = cellIdleSecondsFromEnvironment();
  console.log(`Executing ${notebooks.length} notebook(s) with preset '${values.preset}' into ${path.relative(ROOT, values.out!) || '.'}/`);
  console.log(`(a cell is stopped only when it sends nothing for ${idleSeconds} s: ${CELL_IDLE_ENV_VAR})`);
  const resultsRoot = values.retrain ? path.join(ROOT, 'data', 'retrained') : undefined;
  if (resultsRoot) console.log(`--retrain: the notebooks train every run again into ${path.relative(ROOT, resultsRoot)}/ (the stored runs in data/results/ stay as they are)`);
  let failed = 0;
  let index = '';
  for (const [k, notebook] of notebooks.entries()) {
    console.log(`[${k + 1}/${notebooks.length}] ${path.relative(ROOT, notebook)} …`);
    const [outcome] = runNotebooks([notebook], { preset: values.preset!, outDir: values.out!, cellIdleSeconds: idleSeconds, resultsRoot, showProgress: true });
    console.log(`${outcome.ok ? 'ok    ' : 'FAILED'} ${outcome.notebook.padEnd(44)} ${outcome.seconds.toFixed(1).padStart(7)} s`);
    if (!outcome.ok) {
      failed++;
      console.log(outcome.error!.replace(/^/gm, '       | '));
    }
    // Written after every notebook, so the index is there even if the runner is stopped.
    index = updateReportsIndex(values.out!, [
      {
        name: path.basename(notebook, '.ipynb'),
        ok: outcome.ok,
        seconds: outcome.seconds,
        preset: values.preset!,
        finishedAt: new Date().toISOString(),
        error: outcome.ok ? undefined : outcome.error!.split('\n').find((line) => /stopped:|Error|failed|died/.test(line))?.trim(),
      },
    ]);
  }
  console.log(`Reports: ${path.resolve(index)}  (open it in a browser: every executed notebook with its status and time)`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
