/**
 * Which run is training now, for a supervisor outside this process (the notebook runner of
 * `npm start`). When the environment variable NEWTON_LOSSES_ACTIVE_RUN_FILE names a file, the run
 * store keeps there a small JSON record of the run it is training: experiment, run id, folder, the
 * step reached, the step of the last checkpoint and the CLI command that trains (resumes) that run
 * alone. It is rewritten at the start of a run, at every checkpoint and at most once a second
 * while steps go on (so its modification time is a heartbeat), and removed when the run returns.
 * A run that throws leaves it marked `failed` with the error; a process killed while training
 * leaves it as it was, naming the run that was cut.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig, type ConfigValue, type Experiment, type RunConfig } from './experiment';

export const ACTIVE_RUN_ENV_VAR = 'NEWTON_LOSSES_ACTIVE_RUN_FILE';

export interface ActiveRun {
  experiment: string;
  runId: string;
  dir: string;
  /** Last step trained (0 while the run is being set up). */
  step: number;
  totalSteps: number;
  /** Step of the last checkpoint: where a rerun resumes; null while the run is being set up (its checkpoint not read yet). */
  checkpointStep: number | null;
  /** The CLI command that trains this run alone (resuming from its checkpoint). */
  command: string;
  /** Whether the run lives in the default results folder (where `npm start` looks for it again). */
  defaultResultsRoot: boolean;
  /** Set when the run threw: the error's message. */
  failed?: string;
  updatedAt: string;
}

/**
 * The CLI arguments after the experiment's name that select exactly this run: `--preset` and
 * `--seed`, then each option that differs from the preset and matters (a baseline's normalised λ
 * does not), e.g. `['--preset', 'quick', '--seed', '2', '--variant', 'hessian']`.
 */
export function runArguments<C extends RunConfig>(experiment: Experiment<C>, config: C): string[] {
  const preset = (experiment.presets[String(config.preset)] ?? {}) as RunConfig;
  const overrides: RunConfig = { preset: config.preset, seed: config.seed };
  for (const spec of experiment.options) {
    const value = config[spec.name];
    if (value !== undefined && !(spec.name in overrides) && value !== preset[spec.name]) overrides[spec.name] = value;
  }
  const target = sortedJson(config);
  for (const key of Object.keys(overrides)) {
    if (key === 'preset' || key === 'seed') continue;
    const { [key]: _dropped, ...rest } = overrides;
    try {
      if (sortedJson(resolveConfig(experiment, rest)) === target) delete overrides[key];
    } catch {
      // the option is needed
    }
  }
  return experiment.options
    .filter((spec) => spec.name in overrides)
    .flatMap((spec) => [`--${spec.name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`, String(overrides[spec.name])]);
}

/**
 * The `npx newton-losses …` command that trains (or resumes, or reports as finished) exactly this
 * run (see `runArguments`), with `--results-dir` when the run is not stored in the default folder.
 */
export function runCommand<C extends RunConfig>(experiment: Experiment<C>, config: C, resultsDir?: string): string {
  const words = [...runArguments(experiment, config), ...(resultsDir === undefined ? [] : ['--results-dir', resultsDir])];
  return `npx newton-losses ${experiment.name} ${words.map(shellWord).join(' ')}`;
}

/** The record in `file`, or null when there is none (or it cannot be read). */
export function readActiveRun(file: string): ActiveRun | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ActiveRun;
  } catch {
    return null;
  }
}

/** Keeps the record of one run in the file named by the environment (a no-op without it). */
export class ActiveRunRecord {
  private readonly file = process.env[ACTIVE_RUN_ENV_VAR];
  private lastWrite = -Infinity;
  private step = 0;
  private checkpointStep: number | null = null;

  constructor(private readonly base: Omit<ActiveRun, 'step' | 'checkpointStep' | 'failed' | 'updatedAt'>) {}

  /** Records the progress; writes it without `force` at most once a second. */
  update(step: number, checkpointStep: number | null, force = false): void {
    this.step = step;
    this.checkpointStep = checkpointStep;
    if (!this.file) return;
    const now = performance.now();
    if (!force && now - this.lastWrite < 1000) return;
    this.lastWrite = now;
    this.write();
  }

  /** The run threw: the record stays, saying so. */
  fail(message: string): void {
    this.write(message);
  }

  private write(failed?: string): void {
    if (!this.file) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const record: ActiveRun = { ...this.base, step: this.step, checkpointStep: this.checkpointStep, failed, updatedAt: new Date().toISOString() };
      const temporary = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
      fs.renameSync(temporary, this.file);
    } catch {
      // a supervisor's convenience: never a reason to stop training
    }
  }

  /** The run returned: nobody has to resume it from outside. */
  clear(): void {
    if (this.file) fs.rmSync(this.file, { force: true });
  }
}

function sortedJson(config: RunConfig): string {
  return JSON.stringify(Object.keys(config).sort().map((key) => [key, config[key]]));
}

/** `value` as one word of a POSIX shell command line: as it is when safe, else in single quotes. */
export function shellWord(value: ConfigValue): string {
  const text = String(value);
  return /^[A-Za-z0-9_.,:/+=@%^-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
