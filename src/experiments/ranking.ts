/**
 * Ranking supervision on four-digit MNIST (the paper's first benchmark, diffsort's setup): a CNN
 * scores each of the n four-digit items of a set, a relaxed sort turns the scores into a relaxed
 * permutation, and the loss is its binary cross-entropy against the true permutation. Only the
 * order of the item values is supervised.
 *
 * One training step, for scores Y = cnn(images) [B, n] and the per-sample ranking loss l_i:
 *   baseline:         minimise L(Y) = mean_i l_i(y_i);
 *   hessian / fisher: minimise the Newton loss L*(Y) = mean_i ½‖z*_i − y_i‖² with the constant
 *                     target z*_i = y_i − (M + λI)⁻¹ ∇l_i(y_i), M the batch-mean Hessian / Fisher;
 * then backpropagate into the CNN and take one Adam step. Logged per step: the ranking loss L,
 * the Newton loss L*, ‖∇_Y L‖ and ‖∇_Y L*‖ (gradient w.r.t. the scores before and after the
 * Newton transform; equal for the baseline) and the spectrum of M + λI.
 *
 * Evaluation: exact match (whole ranking right) and element-wise accuracy (items at the right rank)
 * on fixed validation and test sets; the reported numbers are the test metrics at the step with
 * the best validation exact match.
 */
import * as tf from '@tensorflow/tfjs';
import {
  fourDigitTrainingBatch,
  makeEvaluationSets,
  type EvaluationSets,
  type FourDigitBatch,
} from '../data/index';
import { fourDigitCnn, type FourDigitCnn } from '../models/index';
import { activeBackend } from '../runtime/backend';
import {
  makeRelaxation,
  rankingLossPerSample,
  RELAXATION_NAMES,
  SORTING_RELAXATIONS,
  type Relaxation,
  type SortingRelaxationParams,
} from '../relaxations/sorting/index';
import { DataParallelGradients } from './data-parallel';
import { checkConfig, checkNewtonLambda, optionError, type ConfigValue, type Experiment, type MetricRow, type TrainerOptions } from './experiment';
import { ModelTrainer } from './model-trainer';
import { EVALUATION_BATCH, evaluateRanking, rankingObjective } from './ranking-objective';
import { RANKING_OPTIONS, RANKING_PRESETS, withRankingLambda, type RankingConfig, type SetRankingConfig } from './ranking-presets';

/** Seed of the validation and test sets: every run is evaluated on the same sets. */
export const RANKING_EVALUATION_SEED = 0;

/** A live ranking run: model, optimiser, relaxation and evaluation sets of one config. */
export class RankingTrainer extends ModelTrainer<FourDigitCnn> {
  readonly relaxation: Relaxation;
  private readonly evaluationSets: { validation: EvaluationSets; test: EvaluationSets };

  constructor(readonly config: RankingConfig) {
    super(fourDigitCnn({ width: config.width, downscale: config.downscale, seed: config.seed }), config.lr);
    this.relaxation = makeRelaxation(config.relaxation, relaxationParams(config));
    const options = { downscale: config.downscale };
    this.evaluationSets = {
      validation: makeEvaluationSets('validation', config.valSets, config.n, RANKING_EVALUATION_SEED, options),
      test: makeEvaluationSets('test', config.testSets, config.n, RANKING_EVALUATION_SEED, options),
    };
  }

  /** The training batch of `step` (a pure function of the seed and the step). */
  trainingBatch(step: number): FourDigitBatch {
    const { seed, batchSize, n, downscale } = this.config;
    return fourDigitTrainingBatch({ seed, step, batchSize, setSize: n, downscale });
  }

  /** Starts a trainer for `config`, with its model on `options.workers` worker threads when > 1. */
  static async create(config: RankingConfig, options: TrainerOptions = {}): Promise<RankingTrainer> {
    const trainer = new RankingTrainer(config);
    if ((options.workers ?? 1) > 1) {
      if (activeBackend()?.name === 'tensorflow') {
        trainer.dispose();
        throw new Error('ranking: workers > 1 is for the single-threaded wasm and cpu backends; tfjs-node already uses every core');
      }
      const model = { kind: 'four-digit-cnn', options: { width: config.width, downscale: config.downscale, seed: config.seed } } as const;
      trainer.useWorkers(await DataParallelGradients.start({ workers: options.workers!, model, backend: activeBackend()?.source ?? 'wasm' }));
    }
    return trainer;
  }

  /**
   * One Adam step on the batch of `step`; returns the logged values (see the file comment).
   * Synchronous on this thread; a promise when the model runs on worker threads.
   */
  step(step: number): MetricRow | Promise<MetricRow> {
    const batch = this.trainingBatch(step);
    const row: MetricRow = {};
    const record = (value: number): MetricRow => {
      if (this.config.variant === 'baseline') row.loss = value;
      return row;
    };
    if (this.workers) {
      const targets = tf.tensor2d(batch.values, [batch.batchSize, batch.setSize]);
      const shape = [batch.batchSize, batch.setSize, batch.height, batch.width];
      return this.minimizeOnWorkers(batch.images, shape, (scores) => this.objective(scores as tf.Tensor2D, targets, row))
        .then(record)
        .finally(() => targets.dispose());
    }
    return record(
      tf.tidy(() => {
        const { images, targets } = batchTensors(batch);
        return this.minimize(() => this.objective(this.model.apply(images) as tf.Tensor2D, targets, row)).dataSync()[0];
      }),
    );
  }

  /** The training loss of the scores (ranking loss, or the Newton loss); fills `row` with the logged values. */
  private objective(scores: tf.Tensor2D, targets: tf.Tensor2D, row: MetricRow): tf.Scalar {
    return rankingObjective(scores, targets, this.relaxation, { variant: this.config.variant, lambda: this.config.lambda }, row);
  }

  /** Mean ranking loss L on `batch` with the current weights (no update). */
  batchLoss(batch: FourDigitBatch): number {
    return tf.tidy(() => {
      const { images, targets } = batchTensors(batch);
      return tf.mean(rankingLossPerSample(this.relaxation, targets)(this.model.apply(images) as tf.Tensor2D)).dataSync()[0];
    });
  }

  /** Exact-match and element-wise accuracy on the validation and test sets. */
  evaluate(): MetricRow {
    return evaluateRanking(this.evaluationSets, (sets, start, size) =>
      tf.tidy(() => {
        const batch = sets.batch(start, size);
        return this.model.apply(tf.tensor4d(batch.images, [batch.batchSize, batch.setSize, batch.height, batch.width])) as tf.Tensor2D;
      }),
    );
  }
}

/** The ranking experiment for the run store, grids and the CLI (`newton-losses ranking`). */
export const rankingExperiment: Experiment<RankingConfig> = {
  name: 'ranking',
  description: 'Ranking supervision on four-digit MNIST (relaxed sorting, baseline vs Newton losses)',
  options: RANKING_OPTIONS,
  presets: RANKING_PRESETS,
  defaultPreset: 'quick',
  validate: validateRankingConfig,
  runLabel: (c) =>
    [c.relaxation, `n${c.n}`, c.variant === 'baseline' ? 'baseline' : `${c.variant}-lam${c.lambda.toExponential()}`, c.preset, `seed${c.seed}`].join('-'),
  schedule: (c) => ({ steps: c.steps, evalEvery: c.evalEvery }),
  selection: { metric: 'val_exact', mode: 'max' },
  groupBy: ['preset', 'relaxation', 'n', 'variant', 'lambda'],
  reportMetrics: ['test_exact', 'test_elementwise'],
  createTrainer: (config, options) => RankingTrainer.create(config, options),
};

/** Checks a ranking config (complete but for λ: see `withRankingLambda`); the baseline's lambda is normalised to 0 (it has none). */
export function validateRankingConfig(given: Record<string, unknown>): RankingConfig {
  const config = withRankingLambda(given);
  checkConfig('ranking', RANKING_OPTIONS, config);
  if (![1, 2, 4, 7].includes(config.downscale)) throw optionError('ranking', 'downscale', 'one of 1, 2, 4, 7', config.downscale);
  checkRankingSizes(config);
  if (config.variant === 'baseline') return { ...config, lambda: 0 };
  checkNewtonLambda('ranking', config.lambda);
  return { ...config };
}

/** Bytes one array of a run may take before the config is refused up front (wasm's whole heap is 4 GiB). */
export const MAX_ARRAY_BYTES = 2 ** 30;

/**
 * Refuses sizes that cannot fit, before anything is built: the images of a training or evaluation
 * batch, the digit indices of the evaluation sets and the n × n relaxed permutation matrices of a
 * batch must each stay within `MAX_ARRAY_BYTES`. The error names the options to lower.
 */
function checkRankingSizes(config: RankingConfig): void {
  const { n, batchSize, valSets, testSets, downscale } = config;
  const height = 28 / downscale;
  const width = 112 / downscale;
  const gb = (bytes: number): string => `${(bytes / 1e9).toPrecision(3)} GB`;
  const check = (bytes: number, what: string, options: string): void => {
    if (bytes > MAX_ARRAY_BYTES) {
      throw new Error(`ranking: option 'n' = ${n} cannot fit: ${what} is ${gb(bytes)}, more than the ${gb(MAX_ARRAY_BYTES)} one array may take; lower ${options}`);
    }
  };
  check(batchSize * n * height * width * 4, `a training batch of batchSize ${batchSize} sets × n ${n} items of ${height} × ${width} pixels`, "'n' or 'batchSize'");
  check(batchSize * n * n * 4, `the relaxed permutation matrices of batchSize ${batchSize} × n ${n} × n ${n}`, "'n' or 'batchSize'");
  check(Math.min(EVALUATION_BATCH, Math.max(valSets, testSets)) * n * height * width * 4, `an evaluation batch of ${EVALUATION_BATCH} sets × n ${n} items of ${height} × ${width} pixels`, "'n'");
  check(Math.max(valSets, testSets) * n * 4 * 4, `the digit indices of ${Math.max(valSets, testSets)} evaluation sets × n ${n} items`, "'n', 'valSets' or 'testSets'");
}

/**
 * The relaxation parameters of a set-ranking config: those of the relaxation's row that the config
 * sets (τ for NeuralSort / SoftSort, the steepness for a sorting network); the others keep their defaults.
 */
export function relaxationParams(config: SetRankingConfig): SortingRelaxationParams {
  const row = SORTING_RELAXATIONS.find((r) => r.name === config.relaxation);
  if (!row) throw new Error(`ranking: option 'relaxation' must be one of ${RELAXATION_NAMES.join(', ')}, got ${JSON.stringify(config.relaxation)}`);
  const values: Record<string, ConfigValue> = config;
  return Object.fromEntries(row.parameters.filter((p) => p.name in values).map((p) => [p.name, values[p.name]])) as SortingRelaxationParams;
}

/** Images [B, n, H, W] and targets [B, n] of a batch. */
function batchTensors(batch: FourDigitBatch): { images: tf.Tensor4D; targets: tf.Tensor2D } {
  return {
    images: tf.tensor4d(batch.images, [batch.batchSize, batch.setSize, batch.height, batch.width]),
    targets: tf.tensor2d(batch.values, [batch.batchSize, batch.setSize]),
  };
}
