/**
 * Grids of runs: the Cartesian product of option lists, run one after another with a progress bar
 * and ETA, skipping finished runs and resuming interrupted ones. A failed run (e.g. NaN) is
 * reported and the grid goes on. A run held by another process (its lock) is skipped and tried
 * again after the others; one still held then is reported in `held`. So several processes can work
 * through the same grid side by side.
 */
import type { ConfigValue, Experiment, RunConfig } from './experiment';
import { Progress, type ProgressMode } from './progress';
import { RunLockedError } from './run-lock';
import { runExperiment, type RunOutcome } from './run-store';
import { formatMetric, metricUnit } from './results';

/**
 * Every combination of the listed values, the first key varying slowest:
 * `expandGrid({ a: [1, 2], b: ['x'] })` → `[{ a: 1, b: 'x' }, { a: 2, b: 'x' }]`. An empty list is an error.
 */
export function expandGrid(axes: Record<string, readonly ConfigValue[]>): RunConfig[] {
  let combos: RunConfig[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    if (values.length === 0) throw new Error(`expandGrid: option '${key}' has an empty list of values`);
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos;
}

export interface GridOptions {
  resultsRoot?: string;
  /** Progress display on stderr; default 'auto' (in-place line on a TTY, periodic lines otherwise). */
  progress?: ProgressMode;
  /** Where progress goes; default process.stderr. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Stops the grid (the current run stops without saving, as if killed). */
  signal?: AbortSignal;
  /** Stops the grid at the current run's next step boundary, with a checkpoint there (see `RunOptions.interrupt`). */
  interrupt?: AbortSignal;
  /** Worker threads for training (see `TrainerOptions`); default 1. */
  workers?: number;
  /** Start every run over (see `RunOptions.restart`); default false. */
  restart?: boolean;
  /** Which checkpoint to resume from (see `RunOptions.checkpoint`); default 'latest'. */
  checkpoint?: 'latest' | 'previous';
}

export interface GridFailure<C extends RunConfig> {
  config: C;
  error: Error;
}

/** A run another process held both when the grid reached it and when it came back to it. */
export interface GridHeld<C extends RunConfig> {
  config: C;
  error: RunLockedError;
}

export interface GridOutcome<C extends RunConfig> {
  outcomes: RunOutcome<C>[];
  failures: GridFailure<C>[];
  held: GridHeld<C>[];
}

/** Runs complete configs (see `resolveConfig`) in order; runs held by another process come last. */
export async function runGrid<C extends RunConfig>(experiment: Experiment<C>, configs: readonly C[], options: GridOptions = {}): Promise<GridOutcome<C>> {
  const total = configs.reduce((sum, config) => sum + experiment.schedule(config).steps, 0);
  const progress = new Progress({ total, mode: options.progress, stream: options.stream });
  const outcomes: RunOutcome<C>[] = [];
  const failures: GridFailure<C>[] = [];
  const held: GridHeld<C>[] = [];
  const stopped = (): boolean => Boolean(options.signal?.aborted || options.interrupt?.aborted);
  const attempt = async (index: number, config: C, lastTry: boolean): Promise<void> => {
    const steps = experiment.schedule(config).steps;
    const name = `run ${index + 1}/${configs.length}`;
    let done = 0;
    let started = false;
    try {
      const outcome = await runExperiment(experiment, config, {
        resultsRoot: options.resultsRoot,
        signal: options.signal,
        interrupt: options.interrupt,
        workers: options.workers,
        restart: options.restart,
        checkpoint: options.checkpoint,
        onMessage: (text) => progress.message(text),
        onStart: ({ id, startStep }) => {
          started = true;
          done = startStep;
          progress.skip(startStep);
          progress.setNote(`${name} ${id}${startStep ? ` (resumed at step ${startStep})` : ''}`);
        },
        onStep: () => {
          done += 1;
          progress.advance(1);
        },
      });
      outcomes.push(outcome);
      if (outcome.status === 'already-finished') {
        progress.skip(steps);
        progress.message(`${name} ${outcome.id}: already finished, skipped`);
      } else if (outcome.status === 'completed') {
        progress.message(`${name} ${outcome.id}: ${describeResult(experiment, outcome)}`);
      }
    } catch (error) {
      if (error instanceof RunLockedError && !started) {
        if (lastTry) {
          progress.skip(steps);
          held.push({ config, error });
          progress.message(`${name} still held by another process, not run: ${error.message}`);
        } else {
          deferred.push(index);
          progress.message(`${name} ${error.runId}: held by another process, coming back to it after the others`);
        }
        return;
      }
      progress.skip(steps - done);
      failures.push({ config, error: error as Error });
      progress.message(`${name} FAILED: ${(error as Error).message}`);
    }
  };
  const deferred: number[] = [];
  for (const [index, config] of configs.entries()) {
    if (stopped()) break;
    await attempt(index, config, false);
  }
  for (const index of deferred) {
    if (stopped()) break;
    await attempt(index, configs[index], true);
  }
  progress.finish();
  return { outcomes, failures, held };
}

/** A finished run in one line: its report metrics in %, the best step and the wall time. */
export function describeResult<C extends RunConfig>(experiment: Experiment<C>, outcome: RunOutcome<C>): string {
  const result = outcome.result ?? {};
  // In their units (accuracies in %, ratios as ×), as in the run table and `results`.
  const metrics = experiment.reportMetrics.map((metric) => `${metric}=${formatMetric(metric, Number(result[metric]))}${metricUnit(metric)}`);
  return `${metrics.join(' ')} (best step ${result.best_step}, ${Number(result.wall_s).toFixed(0)} s)`;
}
