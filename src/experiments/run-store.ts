/**
 * Runs that survive: one run = (experiment, config), stored under
 * `<resultsRoot>/<experiment>/<run-id>/` with run-id = readable label + 8 hex digits of the config's hash:
 *
 *   config.json, config.csv   the config (and backend, creation time)
 *   train.csv                 one row per step: the trainer's values (loss, gradient norms…), step_s
 *   eval.csv                  one row per evaluation: step, metrics per split, train_s, wall_s
 *   checkpoint.bin            trainer tensors + optimiser state + best-so-far, written at each evaluation
 *   result.csv                final: the evaluation at the best step (by the experiment's selection
 *                             metric), the final evaluation as final_<metric>, times
 *   status.json, run.log      state (running | interrupted | failed | finished), and a readable log
 *
 * A run resumes from its checkpoint (logs are cut back to the checkpoint's step, so no row is
 * duplicated); a finished run is never run again: its result is returned. A NaN or ±Inf in any
 * logged value stops the run with `NonFiniteError` naming the step and the quantity, recorded in
 * status.json and run.log.
 *
 * Between steps the run lets the event loop turn, so that output written by callbacks (a notebook's
 * progress display, whose messages to Jupyter are sent asynchronously) leaves the process while
 * training goes on; and it keeps the record of `active-run.ts` for a supervisor outside the process.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, describeBackend } from '../runtime/index';
import { ActiveRunRecord, runCommand } from './active-run';
import { readCheckpoint, writeCheckpoint, type JsonValue } from './checkpoint';
import { csvLine, formatCsvCell, parseCsv, readCsv, writeCsv, writeFileAtomic, type CsvRow } from './csv';
import type { Experiment, MetricRow, RunConfig } from './experiment';

/** Default results folder: `data/results` in the project root (override with NEWTON_LOSSES_RESULTS). */
/** Environment variable that moves the default results folder. */
export const RESULTS_ENV_VAR = 'NEWTON_LOSSES_RESULTS';
export const DEFAULT_RESULTS_ROOT = process.env[RESULTS_ENV_VAR] || path.resolve(__dirname, '../../data/results');

export type RunState = 'running' | 'interrupted' | 'failed' | 'finished';

export interface RunStatus {
  state: RunState;
  /** Last step whose work is saved (checkpoint) or, for a failure, the step that failed. */
  step: number;
  totalSteps: number;
  message?: string;
  updatedAt: string;
}

/** A NaN or infinite value in a run: names the step and the quantity. */
export class NonFiniteError extends Error {
  constructor(readonly step: number, readonly quantity: string, readonly value: number) {
    super(`step ${step}: ${quantity} is ${value}`);
    this.name = 'NonFiniteError';
  }
}

export interface RunOptions {
  /** Folder that holds one folder per experiment; default `DEFAULT_RESULTS_ROOT`. */
  resultsRoot?: string;
  /** Checked before every step; when aborted the run stops at once without saving (as if killed). */
  signal?: AbortSignal;
  /** Called once the run knows where it starts (0 for a new run, the checkpoint's step on resume). */
  onStart?(info: { id: string; dir: string; startStep: number; totalSteps: number }): void;
  /** Called after every training step with the logged row. */
  onStep?(step: number, row: MetricRow): void;
  /** Called after every evaluation with the logged row. */
  onEvaluation?(step: number, row: MetricRow): void;
  /** Worker threads for training (see `TrainerOptions`); default 1. */
  workers?: number;
}

export interface RunOutcome<C extends RunConfig = RunConfig> {
  id: string;
  dir: string;
  config: C;
  /** 'completed': trained to the end now; 'already-finished': found finished, not rerun; 'interrupted': aborted. */
  status: 'completed' | 'already-finished' | 'interrupted';
  /** The result row (absent when interrupted). */
  result?: CsvRow;
}

interface Best {
  step: number;
  value: number;
  row: MetricRow;
}

interface CheckpointMeta {
  step: number;
  best: Best | null;
  lastEval: MetricRow;
  trainSeconds: number;
  wallSeconds: number;
  trainer: JsonValue;
}

/** `label-hash8` for a config: the label from the experiment, the hash over the config's canonical JSON. */
export function runId<C extends RunConfig>(experiment: Experiment<C>, config: C): string {
  const hash = crypto.createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 8);
  const label = experiment.runLabel(config).toLowerCase().replace(/[^a-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${label}-${hash}`;
}

/** The folder of a run. */
export function runDirectory<C extends RunConfig>(experiment: Experiment<C>, config: C, resultsRoot = DEFAULT_RESULTS_ROOT): string {
  return path.join(resultsRoot, experiment.name, runId(experiment, config));
}

/** The status of the run in `dir`, or null when it has none. */
export function readRunStatus(dir: string): RunStatus | null {
  const file = path.join(dir, 'status.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunStatus) : null;
}

/**
 * Trains one run to the end of its schedule, resuming from its checkpoint if it has one, or
 * returns the stored result if it already finished. `config` must be complete (see `resolveConfig`).
 */
export async function runExperiment<C extends RunConfig>(experiment: Experiment<C>, config: C, options: RunOptions = {}): Promise<RunOutcome<C>> {
  config = experiment.validate(config);
  const id = runId(experiment, config);
  const dir = path.join(options.resultsRoot ?? DEFAULT_RESULTS_ROOT, experiment.name, id);
  const files = runFiles(dir);
  const { steps: totalSteps, evalEvery } = experiment.schedule(config);
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`${experiment.name}: schedule steps must be an integer >= 1, got ${totalSteps}`);
  if (!(Number.isInteger(evalEvery) && evalEvery >= 1)) throw new Error(`${experiment.name}: schedule evalEvery must be an integer >= 1, got ${evalEvery}`);

  if (readRunStatus(dir)?.state === 'finished' && fs.existsSync(files.result)) {
    return { id, dir, config, status: 'already-finished', result: readCsv(files.result)[0] };
  }
  fs.mkdirSync(dir, { recursive: true });
  writeConfig(files, experiment.name, id, config);

  const log = (line: string): void => fs.appendFileSync(files.log, `${new Date().toISOString()} ${line}\n`);
  const setStatus = (state: RunState, step: number, message?: string): void =>
    writeFileAtomic(files.status, JSON.stringify({ state, step, totalSteps, message, updatedAt: new Date().toISOString() } satisfies RunStatus, null, 2) + '\n');

  const resultsRoot = path.resolve(options.resultsRoot ?? DEFAULT_RESULTS_ROOT);
  const defaultResultsRoot = resultsRoot === path.resolve(DEFAULT_RESULTS_ROOT);
  const active = new ActiveRunRecord({
    experiment: experiment.name,
    runId: id,
    dir,
    totalSteps,
    command: runCommand(experiment, config, defaultResultsRoot ? undefined : resultsRoot),
    defaultResultsRoot,
  });
  active.update(0, null, true);
  const trainer = await experiment.createTrainer(config, { workers: options.workers }).catch((error: unknown) => {
    active.fail(error instanceof Error ? error.message : String(error));
    throw error;
  });
  let step = 0;
  try {
    const saved = fs.existsSync(files.checkpoint) ? restoreCheckpoint(files.checkpoint, trainer) : null;
    log(saved ? `resumed from the checkpoint at step ${saved.step}` : `started ${id} (${totalSteps} steps, evaluation every ${evalEvery})`);
    truncateLog(files.train, saved ? saved.step : -1);
    truncateLog(files.eval, saved ? saved.step : -1);
    step = saved ? saved.step : 0;
    let checkpointStep = step;
    let best = saved ? saved.best : null;
    let lastEval = saved ? saved.lastEval : {};
    let trainSeconds = saved ? saved.trainSeconds : 0;
    const wallStart = performance.now() / 1000 - (saved ? saved.wallSeconds : 0);
    const wallSeconds = (): number => performance.now() / 1000 - wallStart;
    setStatus('running', step);
    active.update(step, checkpointStep, true);
    options.onStart?.({ id, dir, startStep: step, totalSteps });

    const evaluateAndSave = async (): Promise<void> => {
      const metrics = await trainer.evaluate(step);
      assertFinite(step, metrics, 'evaluation');
      const row: MetricRow = { step, ...metrics, train_s: trainSeconds, wall_s: wallSeconds() };
      appendRow(files.eval, row);
      lastEval = metrics;
      const value = metrics[experiment.selection.metric];
      if (value === undefined) throw new Error(`${experiment.name}: evaluation has no selection metric '${experiment.selection.metric}'`);
      if (!best || (experiment.selection.mode === 'max' ? value > best.value : value < best.value)) best = { step, value, row: metrics };
      const meta: CheckpointMeta = { step, best, lastEval, trainSeconds, wallSeconds: wallSeconds(), trainer: trainer.checkpointMeta() };
      writeCheckpoint(files.checkpoint, meta as unknown as JsonValue, trainer.checkpointTensors());
      checkpointStep = step;
      active.update(step, checkpointStep, true);
      setStatus('running', step);
      log(`step ${step}: ${Object.entries(metrics).map(([k, v]) => `${k}=${round(v)}`).join(' ')}`);
      options.onEvaluation?.(step, row);
    };

    if (!saved) await evaluateAndSave();
    while (step < totalSteps) {
      if (options.signal?.aborted) {
        setStatus('interrupted', checkpointStep, `aborted after step ${step}; resumes from the checkpoint at step ${checkpointStep}`);
        log(`interrupted after step ${step}`);
        active.clear();
        return { id, dir, config, status: 'interrupted' };
      }
      const started = performance.now();
      const values = await trainer.step(step + 1);
      step += 1;
      const seconds = (performance.now() - started) / 1000;
      trainSeconds += seconds;
      assertFinite(step, values, 'training');
      const row: MetricRow = { step, ...values, step_s: seconds };
      appendRow(files.train, row);
      options.onStep?.(step, row);
      active.update(step, checkpointStep);
      if (step % evalEvery === 0 || step === totalSteps) await evaluateAndSave();
      await letEventLoopTurn();
    }

    const final = best as Best | null;
    if (!final) throw new Error(`${experiment.name}: no evaluation was recorded`);
    const result: CsvRow = { run_id: id, best_step: final.step, ...final.row };
    for (const [key, value] of Object.entries(lastEval)) result[`final_${key}`] = value;
    Object.assign(result, { steps: totalSteps, train_s: trainSeconds, wall_s: wallSeconds(), mean_step_s: trainSeconds / totalSteps });
    writeCsv(files.result, [result]);
    setStatus('finished', step);
    log(`finished: best step ${final.step}, ${experiment.selection.metric}=${round(final.value)}`);
    active.clear();
    return { id, dir, config, status: 'completed', result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    setStatus('failed', step, message);
    log(`failed: ${message}`);
    active.fail(message);
    if (error instanceof NonFiniteError) error.message = `${experiment.name} run ${id}: ${error.message}`;
    throw error;
  } finally {
    trainer.dispose();
  }
}

/** Resolves after the event loop has handled pending I/O (awaiting a resolved promise does not). */
function letEventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function runFiles(dir: string) {
  const file = (name: string): string => path.join(dir, name);
  return {
    config: file('config.json'),
    configCsv: file('config.csv'),
    train: file('train.csv'),
    eval: file('eval.csv'),
    result: file('result.csv'),
    checkpoint: file('checkpoint.bin'),
    status: file('status.json'),
    log: file('run.log'),
  };
}

function writeConfig(files: ReturnType<typeof runFiles>, experiment: string, id: string, config: RunConfig): void {
  if (fs.existsSync(files.config)) {
    const stored = JSON.parse(fs.readFileSync(files.config, 'utf8')) as { config: RunConfig };
    if (canonicalJson(stored.config) !== canonicalJson(config)) {
      throw new Error(`run ${id}: ${files.config} holds a different config (hash collision or edited file); move the folder away`);
    }
    return;
  }
  const backend = activeBackend();
  const record = { experiment, runId: id, config, backend: backend ? describeBackend(backend) : tf.getBackend(), createdAt: new Date().toISOString() };
  writeFileAtomic(files.config, JSON.stringify(record, null, 2) + '\n');
  writeCsv(files.configCsv, [{ run_id: id, ...config }]);
}

function restoreCheckpoint(file: string, trainer: { restore(t: Record<string, tf.Tensor>, m: JsonValue): void }): CheckpointMeta {
  const checkpoint = readCheckpoint(file);
  const meta = checkpoint.meta as unknown as CheckpointMeta;
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const [name, stored] of Object.entries(checkpoint.tensors)) tensors[name] = tf.tensor(stored.values, stored.shape, stored.dtype);
    trainer.restore(tensors, meta.trainer);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return meta;
}

/** Appends a row to a CSV log, writing the header first when the file is new. */
function appendRow(file: string, row: MetricRow): void {
  const columns = Object.keys(row);
  const header = fs.existsSync(file) ? null : columns.map(formatCsvCell).join(',') + '\n';
  fs.appendFileSync(file, (header ?? '') + csvLine(row, columns) + '\n');
}

/** Keeps only the complete rows with step <= maxStep (deletes the file when none remain). */
function truncateLog(file: string, maxStep: number): void {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1); // a kill mid-write leaves a partial last line
  const rows = parseCsv(complete).filter((row) => (row.step as number) <= maxStep);
  if (rows.length === 0) fs.rmSync(file);
  else writeCsv(file, rows);
}

function assertFinite(step: number, values: MetricRow, what: string): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'number') throw new Error(`step ${step}: ${what} value '${name}' is not a number (${String(value)})`);
    if (!Number.isFinite(value)) throw new NonFiniteError(step, name, value);
  }
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
