/**
 * Grids on a Slurm cluster: one job array, one array task per grid cell that is not finished yet.
 *
 * `slurmScript` writes an `sbatch` script whose task `i` runs the CLI on cell `i`
 * (`node bin/newton-losses.js <experiment> <the cell's options> --results-dir <root>`), every task
 * into the same results folder, which must be on a file system all nodes share (as must this
 * checkout). `submitSlurmGrid` leaves out the cells whose run finished or is queued or running
 * (see `runStates`), writes the script and a record of the submission (array index → run id) under
 * `<root>/.slurm/<experiment>/`, where the tasks' output files go too, and submits it with
 * `sbatch --parsable`. So the same command, given again, submits only what is left; a task that
 * finds its run interrupted resumes it. Slurm ends a task that runs out of time or is cancelled
 * with SIGTERM, on which a run checkpoints and exits 143.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runArguments, shellWord } from '../experiments/active-run';
import type { Experiment, RunConfig } from '../experiments/experiment';
import { runId } from '../experiments/run-store';
import { CLI_SCRIPT } from './process-grid';
import { runStates, slurmFolder, type SlurmSubmission } from './status';

/** Resources and placement of the array's tasks; each becomes an `#SBATCH` line. */
export interface SlurmResources {
  /** `--partition`. */
  partition?: string;
  /** `--time`, Slurm's format (`minutes`, `h:mm:ss`, `d-h`, …). */
  time?: string;
  /** `--cpus-per-task`: cores of one run (pass `workers` to use them for one run's batch). */
  cpusPerTask?: number;
  /** `--gpus` per task, e.g. `1` or `a100:1` (a GPU run needs `@tensorflow/tfjs-node-gpu` on the nodes). */
  gpus?: string;
  /** `--mem` per node, e.g. `8G`. */
  mem?: string;
  /** At most this many tasks at once (`--array=0-(N−1)%limit`); default: no limit. */
  arrayLimit?: number;
  /** More `#SBATCH` lines as they are, e.g. `--account=abc` or `--qos=long`. */
  extra?: readonly string[];
}

export interface SlurmGridOptions extends SlurmResources {
  /** The results folder every task writes into: absolute, on a shared file system. */
  resultsRoot: string;
  /** `--backend` of every task (default: the task's `NEWTON_LOSSES_BACKEND`, else auto). */
  backend?: string;
  /** `--workers` of every task: worker threads for one run's batch; default 1. */
  workers?: number;
  /** The node binary the tasks run; default this process's (`$NEWTON_LOSSES_NODE` overrides it at run time). */
  node?: string;
}

/** One array task: its index, the run it trains, the CLI arguments after the experiment's name. */
export interface SlurmTask {
  index: number;
  runId: string;
  args: string[];
}

/** The array tasks for `configs` (indices 0, 1, …, in order). */
export function slurmTasks<C extends RunConfig>(experiment: Experiment<C>, configs: readonly C[]): SlurmTask[] {
  return configs.map((config, index) => ({ index, runId: runId(experiment, config), args: runArguments(experiment, config) }));
}

/**
 * The `sbatch` script of a job array with one task per entry of `tasks`. Throws when `tasks` is
 * empty or a resource is malformed (naming it and quoting the value).
 */
export function slurmScript(experiment: Experiment, tasks: readonly SlurmTask[], options: SlurmGridOptions): string {
  if (tasks.length === 0) throw new Error('slurmScript: no tasks: every run of the grid is finished, queued or running');
  checkResources(options);
  const root = path.resolve(options.resultsRoot);
  const limit = options.arrayLimit ? `%${options.arrayLimit}` : '';
  const sbatch = [
    `--job-name=${jobName(experiment)}`,
    `--array=0-${tasks.length - 1}${limit}`,
    `--output=${path.join(slurmFolder(root, experiment.name), '%A_%a.out')}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.cpusPerTask ? [`--cpus-per-task=${options.cpusPerTask}`] : []),
    ...(options.gpus ? [`--gpus=${options.gpus}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.extra ?? []),
  ];
  const runFlags = ['--results-dir', root, '--progress', 'lines'];
  if (options.backend) runFlags.push('--backend', options.backend);
  if (options.workers && options.workers > 1) runFlags.push('--workers', String(options.workers));
  return [
    '#!/bin/bash',
    `# newton-losses ${experiment.name}: ${tasks.length} grid cell${tasks.length === 1 ? '' : 's'} as a Slurm job array (written by \`newton-losses ${experiment.name} --grid … --slurm\`).`,
    '# Each task trains one run into the results folder below; a finished run is not trained again and an',
    '# interrupted one resumes, so resubmitting the grid is safe. SIGTERM (time limit, scancel) checkpoints the run.',
    `# Submitted by hand, it needs its output folder first: mkdir -p ${shellWord(slurmFolder(root, experiment.name))}`,
    ...sbatch.map((line) => `#SBATCH ${line}`),
    'set -euo pipefail',
    'case "${SLURM_ARRAY_TASK_ID:?run this script with sbatch}" in',
    ...tasks.map((task) => `  ${task.index}) cell=(${task.args.map(shellWord).join(' ')}) ;;  # ${task.runId}`),
    '  *) echo "no grid cell for array task $SLURM_ARRAY_TASK_ID in this script" >&2; exit 2 ;;',
    'esac',
    `cd ${shellWord(path.dirname(path.dirname(CLI_SCRIPT)))}`,
    `exec "\${NEWTON_LOSSES_NODE:-${options.node ?? process.execPath}}" ${shellWord(CLI_SCRIPT)} ${experiment.name} "\${cell[@]}" ${runFlags.map(shellWord).join(' ')}`,
    '',
  ].join('\n');
}

/** What `submitSlurmGrid` did (or, for a dry run, would do). */
export interface SlurmSubmitResult {
  /** The script (null when nothing is left to submit). */
  script: string | null;
  /** Where the script was written (not for a dry run). */
  file?: string;
  /** The job id sbatch gave (not for a dry run). */
  jobId?: string;
  tasks: SlurmTask[];
  /** Runs of the grid left out: finished, or queued / running now. */
  skipped: { runId: string; state: string }[];
}

/**
 * Submits the grid's unfinished runs as one job array (see the file comment); with `dryRun`, only
 * returns the script. Throws when `sbatch` is missing or refuses the script (with its message).
 */
export function submitSlurmGrid<C extends RunConfig>(experiment: Experiment<C>, configs: readonly C[], options: SlurmGridOptions & { dryRun?: boolean }): SlurmSubmitResult {
  const root = path.resolve(options.resultsRoot);
  const states = new Map(runStates(experiment, root).map((row) => [row.runId, row.state]));
  const skipped: SlurmSubmitResult['skipped'] = [];
  const left = configs.filter((config) => {
    const state = states.get(runId(experiment, config));
    if (state === 'finished' || state === 'queued' || state === 'running') {
      skipped.push({ runId: runId(experiment, config), state });
      return false;
    }
    return true;
  });
  const tasks = slurmTasks(experiment, left);
  if (tasks.length === 0) return { script: null, tasks, skipped };
  const script = slurmScript(experiment, tasks, { ...options, resultsRoot: root });
  if (options.dryRun) return { script, tasks, skipped };
  const folder = slurmFolder(root, experiment.name);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `grid-${new Date().toISOString().replace(/[:.]/g, '-')}.sh`);
  fs.writeFileSync(file, script, { mode: 0o755 });
  const submitted = spawnSync('sbatch', ['--parsable', file], { encoding: 'utf8' });
  if (submitted.error) {
    const missing = (submitted.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `sbatch not found on PATH: submit from a Slurm login node (the script is written: ${file}; --dry-run prints it)` : `sbatch ${file}: ${submitted.error.message}`);
  }
  if (submitted.status !== 0) throw new Error(`sbatch ${file} failed (exit ${submitted.status}): ${submitted.stderr.trim() || submitted.stdout.trim()}`);
  const jobId = submitted.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch ${file}: expected a job id, got '${submitted.stdout.trim()}'`);
  const record: SlurmSubmission = { jobId, jobName: jobName(experiment), script: file, submittedAt: new Date().toISOString(), tasks: tasks.map(({ index, runId: id }) => ({ index, runId: id })) };
  fs.writeFileSync(path.join(folder, `job-${jobId}.json`), JSON.stringify(record, null, 2) + '\n');
  return { script, file, jobId, tasks, skipped };
}

/** The Slurm job name of an experiment's arrays: `newton-losses-<experiment>`. */
export function jobName(experiment: Experiment): string {
  return `newton-losses-${experiment.name}`;
}

function checkResources(options: SlurmResources): void {
  const word = /^[A-Za-z0-9_.:,+=@/-]+$/;
  for (const [flag, value] of [['--partition', options.partition], ['--time', options.time], ['--gpus', options.gpus], ['--mem', options.mem]] as const) {
    if (value !== undefined && !word.test(value)) throw new Error(`${flag} must be one word of letters, digits and _.:,+=@/-, got '${value}'`);
  }
  for (const [flag, value] of [['--cpus-per-task', options.cpusPerTask], ['--array-limit', options.arrayLimit]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`${flag} must be an integer >= 1, got '${value}'`);
  }
  for (const line of options.extra ?? []) {
    if (!/^--?[A-Za-z]/.test(line) || /[\n\r]/.test(line)) throw new Error(`--sbatch must be one sbatch option such as --account=abc, got '${line}'`);
  }
}
