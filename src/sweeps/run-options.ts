/**
 * The CLI's run options for running a grid at scale: `--jobs` (processes on this machine) and
 * `--slurm` with its resources (a job array on a cluster). Flags as `node:util` `parseArgs` takes
 * them, their help lines, and their parsing from the parsed values.
 */
import { freeCores } from './free-cores';
import type { SlurmResources } from './slurm';

export const SWEEP_FLAGS = {
  jobs: { type: 'string' },
  slurm: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  gpus: { type: 'string' },
  mem: { type: 'string' },
  'array-limit': { type: 'string' },
  sbatch: { type: 'string', multiple: true },
} as const;

/** [flag, text] rows for `--help`. */
export const SWEEP_HELP: readonly [string, string][] = [
  ['--jobs <k>', 'runs of a grid trained at once, each in its own process [default: the free cores now (cores − load average), at least 1]'],
  ['--slurm', 'submit the grid as a Slurm job array (one task per run not finished, queued or running) instead of training here'],
  ['--dry-run', 'with --slurm: print the sbatch script, submit nothing'],
  ['--partition <name>', 'with --slurm: #SBATCH --partition'],
  ['--time <limit>', 'with --slurm: #SBATCH --time, e.g. 2:00:00 (on timeout a run checkpoints; resubmit to resume)'],
  ['--cpus-per-task <k>', 'with --slurm: #SBATCH --cpus-per-task (add --workers k to use them)'],
  ['--gpus <n>', 'with --slurm: #SBATCH --gpus per task (needs @tensorflow/tfjs-node-gpu on the nodes)'],
  ['--mem <size>', 'with --slurm: #SBATCH --mem, e.g. 8G'],
  ['--array-limit <k>', 'with --slurm: at most k tasks at once (--array=0-(N-1)%k)'],
  ['--sbatch <option>', 'with --slurm: one more #SBATCH line, e.g. --sbatch=--account=abc (repeatable)'],
];

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * `--jobs` as a number: the given integer >= 1, else `freeCores()`. `inProcessOnly` names an
 * experiment that child processes cannot load (registered in this process only): it runs with 1,
 * and a larger `--jobs` is an error saying so.
 */
export function parseJobs(values: Values, inProcessOnly?: string): number {
  const raw = values.jobs;
  if (raw === undefined) return inProcessOnly ? 1 : freeCores();
  const jobs = positiveInteger('--jobs', raw);
  if (jobs > 1 && inProcessOnly) {
    throw new Error(`--jobs ${jobs}: experiment '${inProcessOnly}' is registered in this process only, and a grid's runs in their own processes cannot load it; use --jobs 1`);
  }
  return jobs;
}

/** The Slurm resources from the flags; a flag given without `--slurm` is an error naming it. */
export function parseSlurmResources(values: Values): SlurmResources {
  const slurmOnly = ['dry-run', 'partition', 'time', 'cpus-per-task', 'gpus', 'mem', 'array-limit', 'sbatch'];
  if (values.slurm !== true) {
    const given = slurmOnly.find((flag) => values[flag] !== undefined);
    if (given) throw new Error(`--${given} applies to --slurm only; add --slurm to submit the grid as a Slurm job array`);
    return {};
  }
  const text = (flag: string): string | undefined => {
    const value = values[flag];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${flag} needs a value, got '${String(value)}'`);
    return value;
  };
  const cpus = text('cpus-per-task');
  const limit = text('array-limit');
  return {
    partition: text('partition'),
    time: text('time'),
    gpus: text('gpus'),
    mem: text('mem'),
    cpusPerTask: cpus === undefined ? undefined : positiveInteger('--cpus-per-task', cpus),
    arrayLimit: limit === undefined ? undefined : positiveInteger('--array-limit', limit),
    extra: (values.sbatch as string[] | undefined) ?? [],
  };
}

function positiveInteger(flag: string, raw: unknown): number {
  const value = Number(raw);
  if (!(typeof raw === 'string' && /^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= 1)) throw new Error(`${flag} must be an integer >= 1, got '${String(raw)}'`);
  return value;
}
