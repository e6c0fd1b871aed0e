/**
 * What an experiment is, for the run machinery (run store, grids, CLI, results): a named family of
 * runs with documented options, presets, a training schedule and a trainer. Ranking, loss-bound
 * ranking and shortest paths implement this interface; nothing in the machinery knows any of them.
 */
import type * as tf from '@tensorflow/tfjs';
import type { JsonValue } from './checkpoint';

export type ConfigValue = number | string | boolean;
/** A run's configuration: flat, JSON- and CSV-friendly. Every run config has a `preset` and a `seed`. */
export type RunConfig = Record<string, ConfigValue>;

/**
 * One option of an experiment: a config key, its type and range, its meaning. Declared once: the
 * CLI derives `--kebab-case` flags and `--help` from these, `checkConfig` the checks of a config,
 * and the presets give the defaults.
 */
export interface OptionSpec {
  /** Config key, camelCase (`batchSize` → `--batch-size`). */
  name: string;
  type: 'number' | 'integer' | 'string' | 'boolean';
  description: string;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** A number or integer option: the smallest value allowed. */
  atLeast?: number;
  /** A number option: finite and > 0. */
  positive?: boolean;
  /** The default in words, for an option the presets leave out because its default depends on other options (e.g. λ on the variant). */
  defaultText?: string;
}

/**
 * The value type an option declares: `'number'` and `'integer'` → number, `'boolean'` → boolean,
 * `'string'` → the union of its `choices` (a free string without them).
 */
export type OptionValue<S extends OptionSpec> = S['type'] extends 'string'
  ? S extends { choices: readonly (infer Choice extends string)[] }
    ? Choice
    : string
  : S['type'] extends 'boolean'
    ? boolean
    : number;

/**
 * The config type an option table declares (a list of options, or options by name): one key per
 * option (its `name`), typed by `OptionValue`. Declare the table `as const` so that names and
 * choices stay literal, e.g. `type RankingConfig = ConfigOf<typeof RANKING_OPTIONS>`.
 */
export type ConfigOf<Options extends readonly OptionSpec[] | Readonly<Record<string, OptionSpec>>> = {
  -readonly [S in Options extends readonly OptionSpec[] ? Options[number] : Options[keyof Options] as S['name']]: OptionValue<S>;
};

/** When to train and evaluate: steps 1..`steps`, evaluation at step 0, every `evalEvery` steps and at the end. */
export interface Schedule {
  steps: number;
  evalEvery: number;
}

/** Numbers logged per training step (loss, gradient norms, …) or per evaluation (metrics per split). */
export type MetricRow = Record<string, number>;

/**
 * A live training run. The run store calls `step(1)`, `step(2)`, … and `evaluate` on the schedule,
 * and checkpoints what `checkpointTensors` / `checkpointMeta` return. Everything random must be a
 * function of the config's seed and the step number (or be restored from the checkpoint), so that
 * a resumed run continues exactly as an uninterrupted one.
 */
export interface Trainer {
  /** One optimisation step (1-based); returns the values to log for it. */
  step(step: number): MetricRow | Promise<MetricRow>;
  /** Metrics on the evaluation splits, e.g. `{ val_exact, test_exact }`. Must not change the training state. */
  evaluate(step: number): MetricRow | Promise<MetricRow>;
  /** Every tensor needed to resume (weights, optimiser moments). Read by the store, not disposed. */
  checkpointTensors(): Record<string, tf.Tensor>;
  /** Small JSON state needed to resume (e.g. the optimiser's step count). */
  checkpointMeta(): JsonValue;
  /** Restores what the two methods above returned. The store disposes `tensors` afterwards. */
  restore(tensors: Record<string, tf.Tensor>, meta: JsonValue): void;
  /** Frees every tensor the trainer owns. */
  dispose(): void;
}

export interface Experiment<C extends RunConfig = RunConfig> {
  /** Folder name under the results root and CLI command, e.g. 'ranking'. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Every config key, documented (the CLI rejects anything else). */
  options: readonly OptionSpec[];
  /** Configs by preset name (e.g. smoke, quick, paper): complete but for options with a `defaultText`, which `validate` fills in. */
  presets: Readonly<Record<string, Partial<C>>>;
  defaultPreset: string;
  /** Checks a complete config (types, ranges, combinations); throws naming the option and what it expects. */
  validate(config: RunConfig): C;
  /** Readable part of the run id, e.g. `neuralsort-n5-hessian-lam1e-1-seed0`. */
  runLabel(config: C): string;
  schedule(config: C): Schedule;
  /** The evaluation metric that picks the best step (the reported numbers are the evaluation at that step). */
  selection: { metric: string; mode: 'max' | 'min' };
  /** Config keys that define a group of runs over seeds in result tables. */
  groupBy: readonly string[];
  /** Result columns that summaries report (mean ± std). */
  reportMetrics: readonly string[];
  createTrainer(config: C, options?: TrainerOptions): Promise<Trainer>;
}

/** How a trainer runs, as opposed to what it trains: not part of the config (same run, same results). */
export interface TrainerOptions {
  /**
   * Worker threads for the model's forward and backward pass (data parallel, `DataParallelGradients`);
   * default 1: everything on this thread. Results equal the one-thread run's up to float rounding.
   * An experiment whose model cannot be split by examples (batch norm) refuses more than 1.
   */
  workers?: number;
}

/**
 * The complete config for `overrides` on top of a preset (`overrides.preset`, else the
 * experiment's default), validated. Unknown keys are an error naming the experiment's options.
 */
export function resolveConfig<C extends RunConfig>(experiment: Experiment<C>, overrides: Partial<RunConfig> = {}): C {
  const preset = overrides.preset ?? experiment.defaultPreset;
  if (typeof preset !== 'string' || !(preset in experiment.presets)) {
    throw new Error(`${experiment.name}: preset must be one of ${Object.keys(experiment.presets).join(', ')}, got '${String(preset)}'`);
  }
  const specs = new Map(experiment.options.map((spec) => [spec.name, spec]));
  const merged = { ...experiment.presets[preset] } as RunConfig;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const spec = specs.get(key);
    if (!spec) throw new Error(`${experiment.name}: unknown option '${key}'; expected one of ${[...specs.keys()].join(', ')}`);
    merged[key] = checkOptionValue(experiment.name, spec, value);
  }
  merged.preset = preset;
  if ('seed' in merged) checkSeed(experiment.name, merged.seed);
  return experiment.validate(merged);
}

/** Seeds are integers in [0, 2^32): the generators use 32 bits, so 2^32 would train exactly like 0 under another run id. */
export const MAX_SEED = 2 ** 32 - 1;

/** Checks a seed (see `MAX_SEED`); the error names the context and quotes the value. */
export function checkSeed(context: string, seed: unknown): number {
  if (!(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    throw new Error(`${context}: option 'seed' must be an integer in [0, 2^32), got ${typeof seed === 'number' ? String(seed) : JSON.stringify(seed)}`);
  }
  return seed;
}

/** Checks one value against its option's type, choices and range; returns it unchanged. */
export function checkOptionValue(context: string, spec: OptionSpec, value: unknown): ConfigValue {
  const range = spec.positive ? ' > 0' : spec.atLeast !== undefined ? ` >= ${spec.atLeast}` : '';
  const expected =
    spec.type === 'string'
      ? spec.choices
        ? `one of ${spec.choices.join(', ')}`
        : 'a string'
      : spec.type === 'integer'
        ? `an integer${range}`
        : spec.type === 'number'
          ? `a finite number${range}`
          : 'true or false';
  const ok =
    spec.type === 'string'
      ? typeof value === 'string' && (!spec.choices || spec.choices.includes(value))
      : spec.type === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'number' &&
          Number.isFinite(value) &&
          (spec.type === 'number' || Number.isInteger(value)) &&
          !(spec.positive && value <= 0) &&
          !(spec.atLeast !== undefined && value < spec.atLeast);
  if (!ok) throw new Error(`${context}: option '${spec.name}' must be ${expected}, got ${JSON.stringify(value)}`);
  if (spec.name === 'seed') checkSeed(context, value);
  return value as ConfigValue;
}

/**
 * Checks a complete config against an experiment's option table: no unknown option, none missing,
 * each value of its type, in its range or choices; afterwards `config` has the table's type
 * (`ConfigOf<typeof options>`). Errors start with `context` (the experiment's name). What depends
 * on other options (λ > 0 only for a Newton variant, sizes that must fit) is the experiment's `validate`.
 */
export function checkConfig<Options extends readonly OptionSpec[]>(
  context: string,
  options: Options,
  config: Record<string, unknown>,
): asserts config is ConfigOf<Options> {
  const names = options.map((spec) => spec.name);
  for (const key of Object.keys(config)) {
    if (!names.includes(key)) throw new Error(`${context}: unknown option '${key}'; expected one of ${names.join(', ')}`);
  }
  for (const spec of options) {
    if (config[spec.name] === undefined) throw new Error(`${context}: option '${spec.name}' must be set (the config is incomplete)`);
    checkOptionValue(context, spec, config[spec.name]);
  }
}

/** λ of a Newton variant: a finite number > 0 (the baseline's is stored as 0). */
export function checkNewtonLambda(context: string, lambda: unknown): void {
  if (!(typeof lambda === 'number' && Number.isFinite(lambda) && lambda > 0)) throw optionError(context, 'lambda', 'a finite number > 0', lambda);
}

/** The error of an option that breaks a rule depending on other options. */
export function optionError(context: string, key: string, expected: string, value: unknown): Error {
  return new Error(`${context}: option '${key}' must be ${expected}, got ${JSON.stringify(value)}`);
}
