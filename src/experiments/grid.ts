/**
 * Grids of runs: the Cartesian product of option lists, run one after another with a progress bar
 * and ETA, skipping finished runs and resuming interrupted ones. A failed run (e.g. NaN) is
 * reported and the grid goes on.
 */
import type { ConfigValue, Experiment, RunConfig } from './experiment';
import { Progress, type ProgressMode } from './progress';
import { runExperiment, type RunOutcome } from './run-store';

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
  /** Worker threads for training (see `TrainerOptions`); default 1. */
  workers?: number;
}

export interface GridFailure<C extends RunConfig> {
  config: C;
  error: Error;
}

export interface GridOutcome<C extends RunConfig> {
  outcomes: RunOutcome<C>[];
  failures: GridFailure<C>[];
}

/** Runs complete configs (see `resolveConfig`) in order. */
export async function runGrid<C extends RunConfig>(experiment: Experiment<C>, configs: readonly C[], options: GridOptions = {}): Promise<GridOutcome<C>> {
  const total = configs.reduce((sum, config) => sum + experiment.schedule(config).steps, 0);
  const progress = new Progress({ total, mode: options.progress, stream: options.stream });
  const outcomes: RunOutcome<C>[] = [];
  const failures: GridFailure<C>[] = [];
  for (const [index, config] of configs.entries()) {
    if (options.signal?.aborted) break;
    const steps = experiment.schedule(config).steps;
    let done = 0;
    try {
      const outcome = await runExperiment(experiment, config, {
        resultsRoot: options.resultsRoot,
        signal: options.signal,
        workers: options.workers,
        onStart: ({ id, startStep }) => {
          done = startStep;
          progress.skip(startStep);
          progress.setNote(`run ${index + 1}/${configs.length} ${id}${startStep ? ` (resumed at step ${startStep})` : ''}`);
        },
        onStep: () => {
          done += 1;
          progress.advance(1);
        },
      });
      outcomes.push(outcome);
      if (outcome.status === 'already-finished') {
        progress.skip(steps);
        progress.message(`run ${index + 1}/${configs.length} ${outcome.id}: already finished, skipped`);
      } else if (outcome.status === 'completed') {
        progress.message(`run ${index + 1}/${configs.length} ${outcome.id}: ${summarize(experiment, outcome)}`);
      }
    } catch (error) {
      progress.skip(steps - done);
      failures.push({ config, error: error as Error });
      progress.message(`run ${index + 1}/${configs.length} FAILED: ${(error as Error).message}`);
    }
  }
  progress.finish();
  return { outcomes, failures };
}

function summarize<C extends RunConfig>(experiment: Experiment<C>, outcome: RunOutcome<C>): string {
  const result = outcome.result ?? {};
  // In %, as in the run table and `results`.
  const metrics = experiment.reportMetrics.map((metric) => `${metric}=${(100 * Number(result[metric])).toFixed(2)}%`);
  return `${metrics.join(' ')} (best step ${result.best_step}, ${Number(result.wall_s).toFixed(0)} s)`;
}
