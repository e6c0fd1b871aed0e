/**
 * Runs that survive: one run = (experiment, config), stored under
 * `<resultsRoot>/<experiment>/<run-id>/` with run-id = readable label + 8 hex digits of the config's hash:
 *
 *   config.json, config.csv   the config (and backend, creation time)
 *   train.csv                 one row per step: the trainer's values (loss, gradient norms…), step_s
 *   eval.csv                  one row per evaluation: step, metrics per split, train_s, wall_s
 *   checkpoint.bin            trainer tensors + optimiser state + best-so-far, written at each evaluation
 *                             and when the run is interrupted (checksummed, see checkpoint.ts)
 *   checkpoint.prev.bin       the checkpoint before it (a way back when checkpoint.bin is rejected)
 *   result.csv                final: the evaluation at the best step (by the experiment's selection
 *                             metric), the final evaluation as final_<metric>, times
 *   status.json, run.log      state (running | interrupted | failed | finished), and a readable log
 *   run.lock                  while a process works on the run: its pid, host and start time (run-lock.ts)
 *
 * One process per run: a run held by another live process is refused (`RunLockedError`); a dead
 * holder's lock is taken over. Temporary files left by a killed process are removed when the run
 * next starts.
 *
 * A run resumes from its checkpoint (logs are cut back to the checkpoint's step, so no row is
 * duplicated) after the checkpoint is checked against the run: its checksums, its run id and step
 * count against config.json, its step against train.csv / eval.csv, its tensor names and shapes
 * against the trainer's. A checkpoint that disagrees stops the run with `CheckpointMismatchError`
 * naming the file and what disagrees; the ways out are `checkpoint: 'previous'` (resume from
 * checkpoint.prev.bin) and `restart: true`. A finished run is never run again: its result is
 * returned. A NaN or ±Inf in any logged value stops the run with `NonFiniteError` naming the step
 * and the quantity; any error of a training step names the step that failed; every failure is
 * recorded in status.json ('failed', resumable) and run.log.
 *
 * Between steps the run lets the event loop turn, so that signal handlers run and output written by
 * callbacks (a notebook's progress display, whose messages to Jupyter are sent asynchronously)
 * leaves the process while training goes on; and it keeps the record of `active-run.ts` for a
 * supervisor outside the process.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, describeBackend } from '../runtime/backend';
import { ActiveRunRecord, runCommand } from './active-run';
import { readCheckpoint, writeCheckpoint, type Checkpoint, type JsonValue } from './checkpoint';
import { csvLine, formatCsvCell, namedWrite, parseCsv, readCsv, readJsonFile, TEMPORARY_FILE, writeCsv, writeFileAtomic, type CsvRow } from './csv';
import type { Experiment, MetricRow, RunConfig, Trainer } from './experiment';
import { acquireRunLock, LOCK_FILE } from './run-lock';
import { defaultDataRoot } from '../runtime/data-root';

/** Environment variable that moves the default results folder. */
export const RESULTS_ENV_VAR = 'NEWTON_LOSSES_RESULTS';
/**
 * Default results folder: `NEWTON_LOSSES_RESULTS`, else `results/` in the default data folder
 * (`<checkout>/data/results`; `./data/results` for the installed package: see `defaultDataRoot`).
 */
export const DEFAULT_RESULTS_ROOT = process.env[RESULTS_ENV_VAR] || path.join(defaultDataRoot(), 'results');

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

/**
 * A checkpoint that cannot be trusted for this run: damaged (checksum), or disagreeing with
 * config.json, the logs or the trainer. Names the file and what disagrees, and the ways out.
 */
export class CheckpointMismatchError extends Error {
  constructor(readonly file: string, readonly reason: string, readonly previous: { file: string; step: number } | null, runLabel: string) {
    const ways = previous
      ? `resume from the previous checkpoint ${previous.file} (step ${previous.step}, checked) with --previous-checkpoint, or start the run over with --restart`
      : 'start the run over with --restart (no usable previous checkpoint)';
    super(`${runLabel}: ${file} cannot be used: ${reason}. Ways out: ${ways}`);
    this.name = 'CheckpointMismatchError';
  }
}

export interface RunOptions {
  /** Folder that holds one folder per experiment; default `DEFAULT_RESULTS_ROOT`. */
  resultsRoot?: string;
  /** Checked before every step; when aborted the run stops at once without saving (as if killed). */
  signal?: AbortSignal;
  /**
   * Checked before every step (the loop yields to the event loop between steps, so signal handlers
   * run); when aborted the run stops at that step boundary, saves a checkpoint there and returns
   * status 'interrupted' with the step it reached.
   */
  interrupt?: AbortSignal;
  /** Discard the run's stored state (logs, checkpoints, result) and start over; default false. */
  restart?: boolean;
  /** Which checkpoint to resume from: 'latest' (default) or 'previous' (checkpoint.prev.bin). */
  checkpoint?: 'latest' | 'previous';
  /** Called once the run knows where it starts (0 for a new run, the checkpoint's step on resume). */
  onStart?(info: { id: string; dir: string; startStep: number; totalSteps: number }): void;
  /** Called after every training step with the logged row. */
  onStep?(step: number, row: MetricRow): void;
  /** Called after every evaluation with the logged row. */
  onEvaluation?(step: number, row: MetricRow): void;
  /** Notices for the user (a stale lock taken over, a rejected checkpoint moved aside); default: none. */
  onMessage?(text: string): void;
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
  /** Steps done (and saved, when interrupted through `interrupt`). */
  step?: number;
  totalSteps?: number;
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
  /** Absent in checkpoints written before these were stored. */
  runId?: string;
  totalSteps?: number;
  evalEvery?: number;
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

/** The status of the run in `dir`, or null when it has none; invalid JSON is an error naming the file and line. */
export function readRunStatus(dir: string): RunStatus | null {
  const file = path.join(dir, 'status.json');
  return fs.existsSync(file) ? readJsonFile<RunStatus>(file) : null;
}

/**
 * Trains one run to the end of its schedule, resuming from its checkpoint if it has one, or
 * returns the stored result if it already finished. `config` must be complete (see `resolveConfig`).
 * Errors: `RunLockedError` (another process holds the run), `CheckpointMismatchError`,
 * `NonFiniteError`, `FileWriteError` (a write failed: names the file), or the trainer's own, with
 * the run id and the failing step in the message.
 */
export async function runExperiment<C extends RunConfig>(experiment: Experiment<C>, config: C, options: RunOptions = {}): Promise<RunOutcome<C>> {
  config = experiment.validate(config);
  const id = runId(experiment, config);
  const root = options.resultsRoot ?? DEFAULT_RESULTS_ROOT;
  const dir = path.join(root, experiment.name, id);
  const files = runFiles(dir);
  const { steps: totalSteps, evalEvery } = experiment.schedule(config);
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) throw new Error(`${experiment.name}: schedule steps must be an integer >= 1, got ${totalSteps}`);
  if (!(Number.isInteger(evalEvery) && evalEvery >= 1)) throw new Error(`${experiment.name}: schedule evalEvery must be an integer >= 1, got ${evalEvery}`);
  const label = `${experiment.name} run ${id}`;

  if (!options.restart && readRunStatus(dir)?.state === 'finished' && fs.existsSync(files.result)) {
    return { id, dir, config, status: 'already-finished', result: readCsv(files.result)[0], step: totalSteps, totalSteps };
  }
  makeRunDirectory(root, dir);
  const lock = acquireRunLock(dir, id, options.onMessage);
  try {
    if (options.restart) discardRun(dir);
    removeTemporaries(dir);
    return await train();
  } finally {
    lock.release();
  }

  async function train(): Promise<RunOutcome<C>> {
    writeConfig(files, experiment.name, id, config);
    const log = (line: string): void => namedWrite(files.log, () => fs.appendFileSync(files.log, `${new Date().toISOString()} ${line}\n`));
    const setStatus = (state: RunState, step: number, message?: string): void =>
      writeFileAtomic(files.status, JSON.stringify({ state, step, totalSteps, message, updatedAt: new Date().toISOString() } satisfies RunStatus, null, 2) + '\n');
    if (options.restart) log('restarted: the stored state was discarded');

    const resultsRoot = path.resolve(root);
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
    /** The step being trained or evaluated when an error happens. */
    let failingStep = 0;
    try {
      const saved = resumePoint(trainer);
      log(saved ? `resumed from the checkpoint at step ${saved.step}` : `started ${id} (${totalSteps} steps, evaluation every ${evalEvery})`);
      truncateLog(files.train, saved ? saved.step : -1);
      truncateLog(files.eval, saved ? saved.step : -1);
      step = saved ? saved.step : 0;
      failingStep = step;
      let checkpointStep = step;
      let best = saved ? saved.best : null;
      let lastEval = saved ? saved.lastEval : {};
      let trainSeconds = saved ? saved.trainSeconds : 0;
      const wallStart = performance.now() / 1000 - (saved ? saved.wallSeconds : 0);
      const wallSeconds = (): number => performance.now() / 1000 - wallStart;
      setStatus('running', step);
      active.update(step, checkpointStep, true);
      options.onStart?.({ id, dir, startStep: step, totalSteps });

      const saveCheckpoint = (): void => {
        const meta: CheckpointMeta = { step, best, lastEval, trainSeconds, wallSeconds: wallSeconds(), trainer: trainer.checkpointMeta(), runId: id, totalSteps, evalEvery };
        keepPrevious(files);
        namedWrite(files.checkpoint, () => writeCheckpoint(files.checkpoint, meta as unknown as JsonValue, trainer.checkpointTensors()));
        checkpointStep = step;
        active.update(step, checkpointStep, true);
      };
      const evaluateAndSave = async (): Promise<void> => {
        const metrics = await trainer.evaluate(step);
        assertFinite(step, metrics, 'evaluation');
        const row: MetricRow = { step, ...metrics, train_s: trainSeconds, wall_s: wallSeconds() };
        appendRow(files.eval, row);
        lastEval = metrics;
        const value = metrics[experiment.selection.metric];
        if (value === undefined) throw new Error(`${experiment.name}: evaluation has no selection metric '${experiment.selection.metric}'`);
        if (!best || (experiment.selection.mode === 'max' ? value > best.value : value < best.value)) best = { step, value, row: metrics };
        saveCheckpoint();
        setStatus('running', step);
        log(`step ${step}: ${Object.entries(metrics).map(([k, v]) => `${k}=${round(v)}`).join(' ')}`);
        options.onEvaluation?.(step, row);
      };

      if (!saved) await evaluateAndSave();
      while (step < totalSteps) {
        await new Promise<void>((resolve) => setImmediate(resolve)); // lets signal handlers and pending output run between steps
        if (options.signal?.aborted) {
          setStatus('interrupted', checkpointStep, `aborted after step ${step}; resumes from the checkpoint at step ${checkpointStep}`);
          log(`interrupted after step ${step}`);
          active.clear();
          return { id, dir, config, status: 'interrupted', step: checkpointStep, totalSteps };
        }
        if (options.interrupt?.aborted) {
          if (step > checkpointStep) saveCheckpoint();
          setStatus('interrupted', step, `interrupted at step ${step} of ${totalSteps}; resumes there`);
          log(`interrupted at step ${step} of ${totalSteps} (checkpoint saved)`);
          active.clear();
          return { id, dir, config, status: 'interrupted', step, totalSteps };
        }
        failingStep = step + 1;
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
      return { id, dir, config, status: 'completed', result, step, totalSteps };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const stepped = !(err instanceof NonFiniteError) && !(err instanceof CheckpointMismatchError) && !/^step \d+: /.test(err.message);
      const message = stepped ? `step ${failingStep}: ${err.message}` : err.message;
      active.fail(message);
      recordFailure(files.status, files.log, { state: 'failed', step: err instanceof NonFiniteError ? err.step : failingStep, totalSteps, message, updatedAt: new Date().toISOString() });
      if (!(err instanceof CheckpointMismatchError)) err.message = `${label}: ${message}`;
      throw err;
    } finally {
      trainer.dispose();
    }
  }

  /** The checked checkpoint to resume from, restored into `trainer`; null for a fresh start. */
  function resumePoint(trainer: Trainer): CheckpointMeta | null {
    const usePrevious = options.checkpoint === 'previous';
    const file = usePrevious ? files.previous : files.checkpoint;
    if (!fs.existsSync(file)) {
      if (usePrevious) throw new Error(`${label}: there is no previous checkpoint ${files.previous} to resume from`);
      return null;
    }
    const problem = checkCheckpoint(file, trainer, !usePrevious);
    if (typeof problem === 'string') {
      let previous: { file: string; step: number } | null = null;
      if (!usePrevious && fs.existsSync(files.previous)) {
        const older = checkCheckpoint(files.previous, trainer, false);
        if (typeof older !== 'string') previous = { file: files.previous, step: (older.meta as unknown as CheckpointMeta).step };
      }
      throw new CheckpointMismatchError(file, problem, previous, label);
    }
    if (usePrevious) {
      if (fs.existsSync(files.checkpoint)) fs.renameSync(files.checkpoint, files.rejected);
      fs.copyFileSync(files.previous, files.checkpoint);
      options.onMessage?.(`${label}: resuming from the previous checkpoint (step ${(problem.meta as unknown as CheckpointMeta).step}); the rejected one is kept as ${files.rejected}`);
    }
    const meta = problem.meta as unknown as CheckpointMeta;
    restoreCheckpoint(problem, trainer);
    return meta;
  }

  /** The checkpoint in `file` if it is whole and agrees with the run, else what is wrong. */
  function checkCheckpoint(file: string, trainer: Trainer, latest: boolean): Checkpoint | string {
    let checkpoint: Checkpoint;
    try {
      checkpoint = readCheckpoint(file);
    } catch (error) {
      return (error as Error).message.replace(/^readCheckpoint: .* is not a valid checkpoint \((.*)\)$/s, 'not a valid checkpoint ($1)');
    }
    const meta = checkpoint.meta as unknown as CheckpointMeta;
    if (!meta || typeof meta !== 'object' || !Number.isInteger(meta.step)) return 'its header has no integer step';
    if (meta.runId !== undefined && meta.runId !== id) return `its header names run ${meta.runId}, config.json is run ${id}`;
    if (meta.totalSteps !== undefined && meta.totalSteps !== totalSteps) return `its header says ${meta.totalSteps} steps, config.json's schedule has ${totalSteps}`;
    if (meta.evalEvery !== undefined && meta.evalEvery !== evalEvery) return `its header says evaluation every ${meta.evalEvery} steps, config.json's schedule every ${evalEvery}`;
    if (meta.step < 0 || meta.step > totalSteps) return `its header says step ${meta.step}, outside the run's 0…${totalSteps}`;
    const expected = trainer.checkpointTensors();
    for (const [name, tensor] of Object.entries(expected)) {
      const stored = checkpoint.tensors[name];
      if (!stored) return `it has no tensor '${name}' (the trainer's tensors: ${Object.keys(expected).join(', ')})`;
      if (stored.shape.join(',') !== tensor.shape.join(',') || stored.dtype !== tensor.dtype) {
        return `tensor '${name}' is ${stored.dtype} [${stored.shape}], the trainer's is ${tensor.dtype} [${tensor.shape}]`;
      }
    }
    const extra = Object.keys(checkpoint.tensors).filter((name) => !(name in expected));
    if (extra.length) return `it has tensors the trainer does not: ${extra.join(', ')}`;
    return checkLogs(meta, latest) ?? checkpoint;
  }

  /** Whether train.csv and eval.csv agree with a checkpoint at `meta.step`; null when they do. */
  function checkLogs(meta: CheckpointMeta, latest: boolean): string | null {
    const k = meta.step;
    const nextEval = Math.min(totalSteps, (Math.floor(k / evalEvery) + 1) * evalEvery);
    const completeRows = (file: string): CsvRow[] => {
      if (!fs.existsSync(file)) return [];
      const text = fs.readFileSync(file, 'utf8');
      try {
        return parseCsv(text.slice(0, text.lastIndexOf('\n') + 1));
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message.replace(/^parseCsv: /, '')}`);
      }
    };
    const trainSteps = completeRows(files.train).map((row) => row.step);
    const trainUpTo = trainSteps.filter((s) => typeof s === 'number' && s <= k);
    if (trainUpTo.length !== k || trainUpTo.some((s, i) => s !== i + 1)) {
      return `its header says step ${k}, but ${files.train} holds ${trainUpTo.length} rows up to that step (steps ${describeSteps(trainSteps)})`;
    }
    if (latest && trainSteps.length > nextEval) {
      return `its header says step ${k}, but ${files.train} holds ${trainSteps.length} rows, more than the ${nextEval} a run checkpointed at step ${k} can have logged`;
    }
    const evals = completeRows(files.eval);
    const evalSteps = evals.map((row) => row.step as number);
    const scheduled: number[] = [];
    for (let s = 0; s <= k; s += evalEvery) scheduled.push(s);
    if (k === totalSteps && scheduled[scheduled.length - 1] !== k) scheduled.push(k);
    const evalUpTo = evalSteps.filter((s) => s <= k);
    if (evalUpTo.join(',') !== scheduled.join(',')) {
      return `its header says step ${k}, so ${files.eval} should hold evaluations at steps ${describeSteps(scheduled)}, but it holds ${describeSteps(evalSteps)}`;
    }
    if (latest && evalSteps.length > scheduled.length + 1) {
      return `its header says step ${k}, but ${files.eval} holds evaluations up to step ${evalSteps[evalSteps.length - 1]}`;
    }
    const last = evals[scheduled.length - 1];
    for (const [name, value] of Object.entries(meta.lastEval ?? {})) {
      if (!Object.is(last[name], value)) return `its last evaluation has ${name}=${value}, ${files.eval} at step ${last.step} has ${String(last[name])}`;
    }
    return null;
  }
}

/** `1…12` for a run of consecutive steps, else the list (shortened). */
function describeSteps(steps: readonly unknown[]): string {
  if (steps.length === 0) return 'none';
  const numbers = steps as number[];
  const consecutive = numbers.every((s, i) => i === 0 || s === numbers[i - 1] + 1);
  if (consecutive && numbers.length > 2) return `${numbers[0]}…${numbers[numbers.length - 1]}`;
  return numbers.length > 8 ? `${numbers.slice(0, 4).join(', ')}, …, ${numbers.slice(-2).join(', ')}` : numbers.join(', ');
}

/** Creates the run's folder; a results folder that cannot be written says so. */
function makeRunDirectory(root: string, dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw new Error(`the results folder ${root} is read-only (${code} on ${dir}); choose another with --results-dir or NEWTON_LOSSES_RESULTS`);
    }
    throw namedWrite(dir, () => {
      throw error;
    });
  }
}

/** Removes every file of a run except its lock (the caller holds it). */
function discardRun(dir: string): void {
  for (const name of fs.readdirSync(dir)) if (name !== LOCK_FILE) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

/** Removes the temporary files of writes that never finished (the caller holds the run's lock). */
function removeTemporaries(dir: string): void {
  for (const name of fs.readdirSync(dir)) if (TEMPORARY_FILE.test(name)) fs.rmSync(path.join(dir, name), { force: true });
}

/** Keeps the current checkpoint as checkpoint.prev.bin (a hard link: no copy, and the current one never disappears). */
function keepPrevious(files: ReturnType<typeof runFiles>): void {
  if (!fs.existsSync(files.checkpoint)) return;
  const temporary = `${files.previous}.tmp-${process.pid}`;
  namedWrite(files.previous, () => {
    fs.rmSync(temporary, { force: true });
    try {
      fs.linkSync(files.checkpoint, temporary);
    } catch {
      fs.copyFileSync(files.checkpoint, temporary); // file systems without hard links
    }
    fs.renameSync(temporary, files.previous);
  });
}

/** Records a failure in status.json and run.log, as well as the disk allows (a full disk must not hide the error). */
function recordFailure(statusFile: string, logFile: string, status: RunStatus): void {
  const text = JSON.stringify(status, null, 2) + '\n';
  try {
    writeFileAtomic(statusFile, text);
  } catch {
    try {
      fs.writeFileSync(statusFile, text); // in place: needs no new file
    } catch {
      // nothing more can be done; the error itself is thrown to the caller
    }
  }
  try {
    fs.appendFileSync(logFile, `${new Date().toISOString()} failed: ${status.message}\n`);
  } catch {
    // as above
  }
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
    previous: file('checkpoint.prev.bin'),
    rejected: file('checkpoint.rejected.bin'),
    status: file('status.json'),
    log: file('run.log'),
  };
}

function writeConfig(files: ReturnType<typeof runFiles>, experiment: string, id: string, config: RunConfig): void {
  if (fs.existsSync(files.config)) {
    const stored = readJsonFile<{ config: RunConfig }>(files.config);
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

function restoreCheckpoint(checkpoint: Checkpoint, trainer: { restore(t: Record<string, tf.Tensor>, m: JsonValue): void }): CheckpointMeta {
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
  namedWrite(file, () => fs.appendFileSync(file, (header ?? '') + csvLine(row, columns) + '\n'));
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
