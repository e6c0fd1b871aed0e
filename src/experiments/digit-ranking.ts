/**
 * The loss-bound ranking benchmark (`newton-losses digit-ranking`): the four-digit sets of the
 * ranking benchmark (same MNIST splits, same sets for the same seed and step), but each item is
 * given by its four digit labels, one-hot (40 features), and scored by a small MLP (`DigitMlp`,
 * 40 → hidden → 1, ReLU). The perfect ranking is a linear function of the features, so the model
 * can represent it easily; what decides how well and how fast it is learned is the relaxation's
 * loss and its gradients — the setting in which the paper expects Newton losses to help. With the
 * CNN on pixels (`ranking`) at a CPU budget, perception limits every relaxation alike.
 *
 * Training and evaluation are those of the `ranking` experiment (`rankingObjective`,
 * `evaluateRanking`): baseline / Hessian / Fisher Newton loss, Adam, exact match and element-wise
 * accuracy on fixed validation and test sets, the test numbers reported at the best validation step.
 */
import * as tf from '@tensorflow/tfjs';
import { fourDigitTrainingValues, makeEvaluationSets, type EvaluationSets } from '../data/index';
import { digitMlp, valueDigits, type DigitMlp } from '../models/index';
import { INDEFINITE_POLICIES } from '../newton/index';
import { makeRelaxation, type Relaxation } from '../relaxations/sorting/index';
import { checkConfig, checkNewtonLambda, type ConfigOf, type Experiment, type MetricRow, type OptionSpec } from './experiment';
import { ModelTrainer } from './model-trainer';
import { evaluateRanking, rankingObjective } from './ranking-objective';
import { MAX_ARRAY_BYTES, RANKING_EVALUATION_SEED, relaxationParams } from './ranking';
import { SET_RANKING_OPTIONS, withRankingLambda } from './ranking-presets';

/** The options of the loss-bound ranking experiment, in `--help` order: the one declaration of `DigitRankingConfig`. */
export const DIGIT_RANKING_OPTIONS = [
  { name: 'preset', type: 'string', choices: ['smoke', 'quick', 'long'], description: 'size preset: smoke (seconds), quick (the study), long (5× the steps)' },
  ...(['relaxation', 'variant', 'lambda'] as const).map((name) => SET_RANKING_OPTIONS[name]),
  {
    name: 'indefinite',
    type: 'string',
    choices: INDEFINITE_POLICIES,
    description: "hessian variant, M + λI indefinite: 'invert' exactly (the paper's (M + λI)⁻¹) or 'clip' eigenvalues below λ to λ (stored as invert otherwise)",
  },
  ...(['n', 'steps', 'batchSize', 'lr', 'evalEvery', 'valSets', 'testSets'] as const).map((name) => SET_RANKING_OPTIONS[name]),
  { name: 'hidden', type: 'integer', atLeast: 1, description: 'hidden units of the MLP' },
  ...(['tau', 'steepness', 'seed'] as const).map((name) => SET_RANKING_OPTIONS[name]),
] as const satisfies readonly OptionSpec[];

export type DigitRankingConfig = ConfigOf<typeof DIGIT_RANKING_OPTIONS>;

const common = {
  relaxation: 'neuralsort',
  variant: 'baseline',
  indefinite: 'invert',
  n: 5,
  batchSize: 32,
  lr: 1e-3,
  hidden: 32,
  tau: 1,
  steepness: 10,
  seed: 0,
} as const;

/**
 * Presets (complete configs but for λ, whose default depends on the variant: `RANKING_NEWTON_LAMBDA`;
 * any option can be overridden):
 * - `quick`: 500 steps of 32 sets, Adam 10⁻³, evaluated every 25 steps on 500 validation and
 *   1 000 test sets: seconds per baseline run on one CPU core (wasm), minutes for the Hessian of
 *   a sorting network at n ≥ 10 (n Hessian-vector products per step). Long enough for the
 *   baselines to separate at n = 16 and short enough that none has converged (the README's
 *   loss-bound section has the numbers).
 * - `long`: 5 000 steps, for the learning curves past the quick budget.
 * - `smoke`: a few steps; what the tests run.
 */
export const DIGIT_RANKING_PRESETS: Readonly<Record<DigitRankingConfig['preset'], Omit<DigitRankingConfig, 'lambda'>>> = {
  smoke: { ...common, preset: 'smoke', steps: 20, evalEvery: 10, valSets: 50, testSets: 50 },
  quick: { ...common, preset: 'quick', steps: 500, evalEvery: 25, valSets: 500, testSets: 1000 },
  long: { ...common, preset: 'long', steps: 5000, evalEvery: 250, valSets: 500, testSets: 1000 },
};

/** A live loss-bound ranking run: MLP, optimiser, relaxation and evaluation sets of one config. */
export class DigitRankingTrainer extends ModelTrainer<DigitMlp> {
  readonly relaxation: Relaxation;
  private readonly evaluationSets: { validation: EvaluationSets; test: EvaluationSets };

  constructor(readonly config: DigitRankingConfig) {
    super(digitMlp({ hidden: config.hidden, seed: config.seed }), config.lr);
    this.relaxation = makeRelaxation(config.relaxation, relaxationParams(config));
    this.evaluationSets = {
      validation: makeEvaluationSets('validation', config.valSets, config.n, RANKING_EVALUATION_SEED),
      test: makeEvaluationSets('test', config.testSets, config.n, RANKING_EVALUATION_SEED),
    };
  }

  /** One Adam step on the sets of `step` (the `ranking` experiment's sets for the same seed and step). */
  step(step: number): MetricRow {
    const { seed, batchSize, n, variant, lambda, indefinite } = this.config;
    const values = fourDigitTrainingValues({ seed, step, batchSize, setSize: n });
    const row: MetricRow = {};
    const value = tf.tidy(() => {
      const digits = tf.tensor3d(valueDigits(values), [batchSize, n, 4], 'int32');
      const targets = tf.tensor2d(values, [batchSize, n]);
      const options = { variant, lambda, indefinite };
      return this.minimize(() => rankingObjective(this.model.apply(digits), targets, this.relaxation, options, row)).dataSync()[0];
    });
    if (variant === 'baseline') row.loss = value;
    return row;
  }

  /** Exact-match and element-wise accuracy on the validation and test sets. */
  evaluate(): MetricRow {
    return evaluateRanking(this.evaluationSets, (sets, start, size) =>
      tf.tidy(() => {
        const values = sets.values.subarray(start * sets.setSize, (start + size) * sets.setSize);
        return this.model.apply(tf.tensor3d(valueDigits(values), [size, sets.setSize, 4], 'int32'));
      }),
    );
  }
}

/** The loss-bound ranking experiment for the run store, grids and the CLI. */
export const digitRankingExperiment: Experiment<DigitRankingConfig> = {
  name: 'digit-ranking',
  description: 'Loss-bound ranking benchmark: four-digit sets given as one-hot digits to a small MLP (relaxed sorting, baseline vs Newton losses)',
  options: DIGIT_RANKING_OPTIONS,
  presets: DIGIT_RANKING_PRESETS,
  defaultPreset: 'quick',
  validate: validateDigitRankingConfig,
  runLabel: (c) =>
    [
      c.relaxation,
      `n${c.n}`,
      c.variant === 'baseline' ? 'baseline' : `${c.variant}-lam${c.lambda.toExponential()}${c.indefinite === 'clip' ? '-clip' : ''}`,
      c.preset,
      `seed${c.seed}`,
    ].join('-'),
  schedule: (c) => ({ steps: c.steps, evalEvery: c.evalEvery }),
  selection: { metric: 'val_exact', mode: 'max' },
  groupBy: ['preset', 'relaxation', 'n', 'variant', 'lambda', 'indefinite', 'steps'],
  reportMetrics: ['test_exact', 'test_elementwise'],
  createTrainer: async (config, options) => {
    if ((options?.workers ?? 1) > 1) throw new Error('digit-ranking: workers > 1 is not supported: the MLP step is too small to split');
    return new DigitRankingTrainer(config);
  },
};

/**
 * Checks a digit-ranking config (complete but for λ, see `withRankingLambda`). Options a run does
 * not use are normalised (so they do not split runs): λ → 0 for the baseline, indefinite →
 * 'invert' unless hessian.
 */
export function validateDigitRankingConfig(given: Record<string, unknown>): DigitRankingConfig {
  const config = withRankingLambda(given);
  checkConfig('digit-ranking', DIGIT_RANKING_OPTIONS, config);
  const { n, batchSize, valSets, testSets } = config;
  for (const [bytes, what] of [
    [batchSize * n * n * 4, `the relaxed permutation matrices of batchSize ${batchSize} × n ${n} × n ${n}`],
    [Math.max(valSets, testSets) * n * 4 * 4, `the digit indices of ${Math.max(valSets, testSets)} evaluation sets × n ${n} items`],
  ] as const) {
    if (bytes > MAX_ARRAY_BYTES) throw new Error(`digit-ranking: option 'n' = ${n} cannot fit: ${what} take ${(bytes / 1e9).toPrecision(3)} GB, more than the ${(MAX_ARRAY_BYTES / 1e9).toPrecision(3)} GB one array may take`);
  }
  const normalised = { ...config };
  if (config.variant === 'baseline') normalised.lambda = 0;
  else checkNewtonLambda('digit-ranking', config.lambda);
  if (config.variant !== 'hessian') normalised.indefinite = 'invert';
  return normalised;
}
