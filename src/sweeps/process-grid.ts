/**
 * Grids on every core of one machine: up to `jobs` runs at once, each in its own process (the CLI
 * on one grid cell: `node bin/newton-losses.js <experiment> <the cell's options>`), queued with
 * p-queue. wasm is single-threaded, so one process per run is how a grid uses more than one core.
 *
 * The same guarantees as `runGrid`, which runs a grid in this process: finished runs are not rerun
 * (they are found finished before a process is started), interrupted ones resume, a failed run is
 * reported and the others go on, and a run held by another process (its lock) is tried again after
 * the others. One progress view covers the grid: steps done of all runs, ETA, and runs finished /
 * running / failed; it reads each child's active-run record (`active-run.ts`), which the child
 * rewrites at most once a second.
 *
 * Stopping: when `interrupt` aborts (the CLI's Ctrl-C / SIGTERM), no further run starts and every
 * child gets SIGTERM: it stops at its next step boundary with a checkpoint and exits 143, so the
 * same command resumes the grid. Children run in their own process group (a Ctrl-C in the terminal
 * reaches only this process, which forwards it once), and each watches its IPC channel to this
 * process (`gridParentGone`): if this process dies, even by SIGKILL, the children stop the same way. When this process
 * exits while children still run (a second Ctrl-C), they get a second SIGTERM and exit at once.
 *
 * Only experiments that a fresh process knows can run this way: the built-in ones (registry.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import PQueue from 'p-queue';
import { ACTIVE_RUN_ENV_VAR, readActiveRun, runArguments } from '../experiments/active-run';
import { readCsv } from '../experiments/csv';
import type { Experiment, RunConfig } from '../experiments/experiment';
import { describeResult, type GridFailure, type GridHeld, type GridOutcome } from '../experiments/grid';
import { Progress, type ProgressMode } from '../experiments/progress';
import { holderIsDead, readRunLock, RunLockedError, type LockHolder } from '../experiments/run-lock';
import { DEFAULT_RESULTS_ROOT, readRunStatus, runId, type RunOutcome } from '../experiments/run-store';
import { PRESET_ENV_VAR } from '../runtime/preset';

/** The CLI that each child runs (through tsx, no build step). */
export const CLI_SCRIPT = path.resolve(__dirname, '../../bin/newton-losses.js');

/** Set in a grid's child processes: the run belongs to the grid process at the other end of its IPC channel. */
export const GRID_CHILD_ENV_VAR = 'NEWTON_LOSSES_GRID_CHILD';

/**
 * In a grid's child process: a signal that aborts when the grid process is gone (its IPC channel
 * closed, also when it was killed), already aborted if it went before this was called; undefined in
 * any other process. The channel does not keep this process alive.
 */
export function gridParentGone(): AbortSignal | undefined {
  if (!process.env[GRID_CHILD_ENV_VAR]) return undefined;
  if (!process.connected) return AbortSignal.abort();
  const controller = new AbortController();
  process.channel?.unref();
  process.once('disconnect', () => controller.abort());
  return controller.signal;
}

/** How often the children's progress is read, in ms. */
const POLL_MS = 1000;

export interface ProcessGridOptions {
  /** Runs trained at once, each in its own process; an integer >= 1 (see `freeCores`). */
  jobs: number;
  /** Folder of the run store; default `DEFAULT_RESULTS_ROOT`. */
  resultsRoot?: string;
  /** `--backend` of every child; default: theirs (`NEWTON_LOSSES_BACKEND`, else auto). */
  backend?: string;
  /** `--workers` of every child (worker threads per run); default 1. */
  workers?: number;
  /** Progress display (see `Progress`); default 'auto'. */
  progress?: ProgressMode;
  /** Where progress goes; default process.stderr. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Stops the grid: no further run starts, and running ones stop at a step boundary with a checkpoint. */
  interrupt?: AbortSignal;
  /** Called whenever the grid's state changes: steps done, runs finished / running / failed (a notebook's progress bar). */
  onProgress?(state: ProcessGridProgress): void;
}

/** The state of a grid run in processes. */
export interface ProcessGridProgress {
  runs: number;
  /** Runs finished (now or before), failed, and training now. */
  finished: number;
  failed: number;
  running: number;
  /** Training steps of all runs, and those done (resumed and finished runs count as done). */
  steps: number;
  stepsDone: number;
  /** Runs training now: run id, step reached, steps in all. */
  active: { id: string; step: number; totalSteps: number }[];
}

interface Child {
  process: ChildProcess;
  index: number;
  id: string;
  activeFile: string;
}

/**
 * Trains complete configs (see `resolveConfig`) with up to `options.jobs` runs at once, each in its
 * own process. Resolves when every run finished, failed, was held by another process twice, or was
 * stopped by `interrupt`; outcomes come in the configs' order. Throws when `jobs` is not an integer
 * >= 1.
 */
export async function runGridInProcesses<C extends RunConfig>(experiment: Experiment<C>, configs: readonly C[], options: ProcessGridOptions): Promise<GridOutcome<C>> {
  const { jobs } = options;
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new Error(`runGridInProcesses: jobs must be an integer >= 1, got ${jobs}`);
  const resultsRoot = path.resolve(options.resultsRoot ?? DEFAULT_RESULTS_ROOT);
  const stepsOf = configs.map((config) => experiment.schedule(config).steps);
  const steps = stepsOf.reduce((sum, n) => sum + n, 0);
  const progress = new Progress({ total: steps, mode: options.progress, stream: options.stream });
  const outcomes: (RunOutcome<C> | undefined)[] = configs.map(() => undefined);
  const failures: GridFailure<C>[] = [];
  const held: GridHeld<C>[] = [];
  const deferred: number[] = [];
  /** Steps of each run counted into the progress so far. */
  const counted = configs.map(() => 0);
  const children = new Set<Child>();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-grid-'));
  const supervisorFile = process.env[ACTIVE_RUN_ENV_VAR];
  let finished = 0;
  let stepsDone = 0;
  const queue = new PQueue({ concurrency: jobs });

  let reported = '';
  /** Updates the note and tells `onProgress`, when something changed (a hung child must not look alive). */
  const report = (): void => {
    const state = `${finished}/${configs.length} runs finished, ${children.size} running, ${failures.length} failed`;
    if (`${state} ${stepsDone}` === reported) return;
    reported = `${state} ${stepsDone}`;
    progress.setNote(state);
    options.onProgress?.({
      runs: configs.length,
      finished,
      failed: failures.length,
      running: children.size,
      steps,
      stepsDone,
      active: [...children].map((child) => ({ id: child.id, step: counted[child.index], totalSteps: stepsOf[child.index] })),
    });
  };
  /** A message about a run, after the state it reports is in the progress note. */
  const tell = (text: string): void => {
    report();
    progress.message(text);
  };
  /** Counts run `index` as done up to `step`: trained now (`timed`, counts towards the ETA) or found done. */
  const count = (index: number, step: number, timed: boolean): void => {
    const units = Math.min(step, stepsOf[index]) - counted[index];
    if (units <= 0) return;
    counted[index] += units;
    stepsDone += units;
    if (timed) progress.advance(units);
    else progress.skip(units);
  };
  let mirrored = '';
  /** Reads every child's record; the supervisor of this process (npm start) sees the latest one. */
  const poll = (): void => {
    let latest: { file: string; at: string } | undefined;
    for (const child of children) {
      const record = readActiveRun(child.activeFile);
      if (!record) continue;
      count(child.index, record.step, true);
      if (!latest || record.updatedAt > latest.at) latest = { file: child.activeFile, at: record.updatedAt };
    }
    if (supervisorFile && latest && latest.at !== mirrored) {
      mirror(latest.file, supervisorFile); // only when a child recorded progress: the file's time is a heartbeat
      mirrored = latest.at;
    }
    report();
  };
  const stopAll = (): void => {
    queue.clear();
    for (const child of children) child.process.kill('SIGTERM');
  };
  const onExit = (): void => {
    for (const child of children) child.process.kill('SIGTERM');
  };

  const train = async (index: number, lastTry: boolean): Promise<void> => {
    if (options.interrupt?.aborted) return;
    const config = configs[index];
    const id = runId(experiment, config);
    const dir = path.join(resultsRoot, experiment.name, id);
    const name = `run ${index + 1}/${configs.length}`;
    const deferOrHold = (error: RunLockedError): void => {
      if (lastTry) {
        held.push({ config, error });
        count(index, stepsOf[index], false);
        tell(`${name} still held by another process, not run: ${error.message}`);
      } else {
        deferred.push(index);
        tell(`${name} ${id}: held by another process, coming back to it after the others`);
      }
    };
    let status;
    try {
      status = readRunStatus(dir);
    } catch (error) {
      failures.push({ config, error: error as Error });
      count(index, stepsOf[index], false);
      tell(`${name} FAILED: ${(error as Error).message}`);
      return;
    }
    const resultFile = path.join(dir, 'result.csv');
    if (status?.state === 'finished' && fs.existsSync(resultFile)) {
      outcomes[index] = { id, dir, config, status: 'already-finished', result: readCsv(resultFile)[0], step: stepsOf[index], totalSteps: stepsOf[index] };
      finished++;
      count(index, stepsOf[index], false);
      tell(`${name} ${id}: already finished, skipped`);
      return;
    }
    const holding = safeLock(dir);
    if (holding && !holderIsDead(holding)) return deferOrHold(new RunLockedError(id, dir, holding));
    const activeFile = path.join(scratch, `${id}.json`);
    const args = [CLI_SCRIPT, experiment.name, ...runArguments(experiment, config), '--results-dir', resultsRoot, '--progress', 'none'];
    if (options.backend) args.push('--backend', options.backend);
    if (options.workers && options.workers > 1) args.push('--workers', String(options.workers));
    const startedAt = new Date().toISOString();
    const env: NodeJS.ProcessEnv = { ...process.env, [ACTIVE_RUN_ENV_VAR]: activeFile, [GRID_CHILD_ENV_VAR]: '1' };
    delete env[PRESET_ENV_VAR]; // the cell names its preset
    // stderr into a file, not a pipe: a child whose parent died must still be able to write its last words.
    const stderrFile = path.join(scratch, `${id}.stderr`);
    const stderrFd = fs.openSync(stderrFile, 'w');
    const spawned = spawn(process.execPath, args, { detached: true, env, stdio: ['ignore', 'ignore', stderrFd, 'ipc'] });
    fs.closeSync(stderrFd);
    const child: Child = { process: spawned, index, id, activeFile };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      spawned.once('error', (error) => resolve({ code: null, signal: null, error }));
      spawned.once('exit', (code, signal) => resolve({ code, signal }));
    });
    children.add(child);
    count(index, status?.step ?? 0, false); // resumes from about there
    report();
    const { code, signal, error } = await exited;
    const record = readActiveRun(activeFile);
    const stderr = fs.readFileSync(stderrFile, 'utf8');
    children.delete(child);
    fs.rmSync(activeFile, { force: true });
    fs.rmSync(stderrFile, { force: true });
    const after = safeStatus(dir);
    if (code === 0 && after?.state === 'finished' && fs.existsSync(resultFile)) {
      count(index, stepsOf[index], true);
      const outcome: RunOutcome<C> = { id, dir, config, status: 'completed', result: readCsv(resultFile)[0], step: stepsOf[index], totalSteps: stepsOf[index] };
      outcomes[index] = outcome;
      finished++;
      tell(`${name} ${id}: ${describeResult(experiment, outcome)}`);
    } else if ((code === 130 || code === 143) && options.interrupt?.aborted) {
      outcomes[index] = { id, dir, config, status: 'interrupted', step: after?.step ?? 0, totalSteps: stepsOf[index] };
      tell(`${name} ${id}: interrupted, saved at step ${after?.step ?? 0} of ${stepsOf[index]}`);
    } else {
      const holder = code === 1 ? safeLock(dir) : null;
      if (holder && !holderIsDead(holder) && !(holder.pid === spawned.pid && holder.host === os.hostname())) {
        return deferOrHold(new RunLockedError(id, dir, holder)); // taken between the check above and the child's start
      }
      const why =
        error?.message ??
        (after?.state === 'failed' && after.message && after.updatedAt >= startedAt
          ? after.message
          : `its process ended with ${signal ? `signal ${signal}` : `exit code ${code}`}: ${lastLines(stderr, 5) || '(no output)'}`);
      failures.push({ config, error: new Error(why) });
      count(index, stepsOf[index], false);
      tell(`${name} FAILED: ${id}: ${why}`);
      if (supervisorFile && record?.failed) writeRecord(supervisorFile, record);
    }
  };

  /** `train`, with anything unexpected (a child that cannot be started, a folder that cannot be read) a failure of that run. */
  const attempt = (index: number, lastTry: boolean) => async (): Promise<void> => {
    try {
      await train(index, lastTry);
    } catch (error) {
      failures.push({ config: configs[index], error: error as Error });
      count(index, stepsOf[index], false);
      tell(`run ${index + 1}/${configs.length} FAILED: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(poll, POLL_MS);
  options.interrupt?.addEventListener('abort', stopAll);
  process.on('exit', onExit);
  try {
    configs.forEach((_, index) => void queue.add(attempt(index, false)));
    await queue.onIdle();
    for (const index of deferred.splice(0)) void queue.add(attempt(index, true));
    await queue.onIdle();
  } finally {
    clearInterval(timer);
    options.interrupt?.removeEventListener('abort', stopAll);
    process.off('exit', onExit);
    fs.rmSync(scratch, { recursive: true, force: true });
    if (supervisorFile && failures.length === 0) fs.rmSync(supervisorFile, { force: true });
  }
  progress.finish();
  return { outcomes: outcomes.filter((outcome): outcome is RunOutcome<C> => outcome !== undefined), failures, held };
}

/** The holder of the run's lock; null when there is none or it cannot be read. */
function safeLock(dir: string): LockHolder | null {
  try {
    return readRunLock(dir) ?? null;
  } catch {
    return null;
  }
}

/** The run's status, or null when it has none or it cannot be read (the failure says why). */
function safeStatus(dir: string): ReturnType<typeof readRunStatus> {
  try {
    return readRunStatus(dir);
  } catch {
    return null;
  }
}

function mirror(from: string, to: string): void {
  const record = readActiveRun(from);
  if (record) writeRecord(to, record);
}

function writeRecord(file: string, record: object): void {
  try {
    const temporary = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
    fs.renameSync(temporary, file);
  } catch {
    // a supervisor's convenience: never a reason to stop the grid
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
