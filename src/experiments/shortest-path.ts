/**
 * Shortest-path supervision on 12 × 12 terrain maps (the paper's Warcraft benchmark): a ResNet18
 * trunk predicts the tile costs Y of a 96 × 96 map, a relaxed shortest-path algorithm turns them
 * into a loss against the true path, and only the path is supervised (never the costs).
 *
 * One training step, for costs Y = trunk(maps) [B, m] (m = 144) and the method's loss l_i:
 *   baseline:         follow ∇_Y L, L = mean_i l_i(y_i) (autodiff for relaxed Bellman-Ford, the
 *                     Monte-Carlo gradient estimate for the stochastic methods);
 *   hessian / fisher: minimise the Newton loss L*(Y) = mean_i ½‖z*_i − y_i‖², z*_i = y_i − (M + λI)⁻¹ g_i,
 *                     M the batch-mean Hessian (autodiff, or the estimator's) or empirical Fisher;
 * then backpropagate into the trunk and take one Adam step, lr × 0.1 after 60% and again after 80%
 * of the epochs (the paper: 5e-4, epochs 30 and 40 of 50). Logged per step: the method's loss L,
 * ‖∇_Y L‖ and, for the Newton losses, L*, ‖∇_Y L*‖, the eigenvalue range of M + λI (option
 * `spectrum`) and the count of systems whose eigenvalues had to be changed (`fallbacks`).
 *
 * Evaluation after every epoch on the validation and test maps: Dijkstra on the predicted costs,
 * then per split `match` (the predicted path is the stored true path, cell for cell: the paper's
 * perfect match), `optimal` (the predicted path costs no more than the true one under the true
 * costs, + 1e-6 relative: perfect match up to ties between equally short paths, which are common
 * with a handful of tile costs) and `cost_ratio` (mean of true cost of predicted path / optimal
 * cost). The reported numbers are the test metrics at the epoch with the best validation `optimal`.
 */
import * as tf from '@tensorflow/tfjs';
import { dijkstraBatch, costRatio, perfectMatch, defaultNIter, minimumNIter } from '../relaxations/shortest-path/index';
import type { ShortestPathSplit } from '../data/index';
import { resnet18Trunk, type Resnet18Trunk } from '../models/index';
import { autodiffCurvature, newtonStep, type CurvatureProvider, type NewtonOptions } from '../newton/index';
import { Rng } from '../runtime/random';
import { checkConfig, checkNewtonLambda, checkOptionValue, optionError, type Experiment, type MetricRow, type OptionSpec } from './experiment';
import { reportGradientNorm } from './gradient-norm-probe';
import { newtonLogRow } from './newton-log';
import { ModelTrainer } from './model-trainer';
import { assembleBatch, loadShortestPathData, type ShortestPathBatch, type ShortestPathData } from './shortest-path-data';
import { isRelaxedMethod, shortestPathLoss, shortestPathMethod, type ShortestPathLoss } from './shortest-path-methods';
import { SHORTEST_PATH_OPTIONS, SHORTEST_PATH_PRESETS, type ShortestPathConfig } from './shortest-path-presets';

/** Maps per forward pass during evaluation and prediction. */
const EVALUATION_BATCH = 100;
/** Relative slack of `optimal`: cost(predicted) ≤ (1 + OPTIMAL_TOLERANCE) cost(true path). */
const OPTIMAL_TOLERANCE = 1e-6;

/** Costs and Dijkstra paths the model predicts for some maps. */
export interface ShortestPathPrediction {
  count: number;
  gridSize: number;
  /** Predicted costs `[N, g, g]`. */
  costs: Float32Array;
  /** Dijkstra paths on the predicted costs `[N, g, g]`, 0/1. */
  paths: Float32Array;
}

/** A live shortest-path run: trunk, optimiser, loss and maps of one config. */
export class ShortestPathTrainer extends ModelTrainer<Resnet18Trunk> {
  readonly loss: ShortestPathLoss;
  /** Steps per epoch: ⌊trainMaps / batchSize⌋ (the incomplete last batch is dropped). */
  readonly stepsPerEpoch: number;
  private epochOrder: { epoch: number; order: Int32Array } | null = null;

  constructor(readonly config: ShortestPathConfig, readonly data: ShortestPathData) {
    super(resnet18Trunk({ width: config.width, seed: config.seed, gridSize: data.splits.train.gridSize }), config.lr);
    this.loss = shortestPathLoss(config, data.splits.train.gridSize);
    this.stepsPerEpoch = stepsPerEpoch(config);
  }

  /** Loads (or generates) the maps of `config` and builds the trainer. */
  static create(config: ShortestPathConfig): ShortestPathTrainer {
    return new ShortestPathTrainer(config, loadShortestPathData(config.dataDir, splitSizes(config)));
  }

  /** Training-map indices of `step` (1-based): epoch e = ⌊(step − 1) / stepsPerEpoch⌋ is a shuffle seeded by (seed, e). */
  trainingIndices(step: number): Int32Array {
    const epoch = Math.floor((step - 1) / this.stepsPerEpoch);
    if (this.epochOrder?.epoch !== epoch) {
      const order = Int32Array.from({ length: this.data.splits.train.count }, (_, i) => i);
      new Rng(this.config.seed).fork(`epoch-${epoch}`).shuffle(order);
      this.epochOrder = { epoch, order };
    }
    const start = ((step - 1) % this.stepsPerEpoch) * this.config.batchSize;
    return this.epochOrder.order.slice(start, start + this.config.batchSize);
  }

  /** The training batch of `step` (a pure function of the seed and the step). */
  trainingBatch(step: number): ShortestPathBatch {
    return assembleBatch(this.data, this.data.splits.train, this.trainingIndices(step));
  }

  /** lr at `step`: the base rate, × 0.1 from 60% of the epochs on, × 0.01 from 80% on. */
  learningRate(step: number): number {
    const epoch = Math.floor((step - 1) / this.stepsPerEpoch);
    const { epochs, lr } = this.config;
    return epoch >= Math.round(0.8 * epochs) ? lr * 0.01 : epoch >= Math.round(0.6 * epochs) ? lr * 0.1 : lr;
  }

  /** One Adam step on the batch of `step`; returns the logged values (see the file comment). */
  step(step: number): MetricRow {
    const batch = this.trainingBatch(step);
    this.adam.learningRate = this.learningRate(step);
    let row: MetricRow = {};
    tf.tidy(() => {
      const { images, paths } = batchTensors(batch);
      this.minimize(() => {
        const costs = tf.reshape(this.model.apply(images, { training: true }), [batch.size, -1]) as tf.Tensor2D;
        const objective = this.trainingObjective(costs, paths, step);
        row = objective.row;
        return objective.loss;
      });
    });
    return row;
  }

  /** Perfect match, optimal-path rate and cost ratio on the validation and test maps. */
  evaluate(): MetricRow {
    const row: MetricRow = {};
    for (const [prefix, split] of [['val', 'val'], ['test', 'test']] as const) {
      const dataset = this.data.splits[split];
      const prediction = this.predict(split, Int32Array.from({ length: dataset.count }, (_, i) => i));
      const [match, optimal, ratio] = tf.tidy(() => {
        const shape: [number, number, number] = [dataset.count, dataset.gridSize, dataset.gridSize];
        const predicted = tf.tensor3d(prediction.paths, shape);
        const truth = tf.tensor3d(dataset.paths, shape);
        const ratios = costRatio(predicted, truth, tf.tensor3d(dataset.weights, shape));
        return [
          tf.mean(perfectMatch(predicted, truth)),
          tf.mean(tf.cast(tf.lessEqual(ratios, 1 + OPTIMAL_TOLERANCE), 'float32')),
          tf.mean(ratios),
        ].map((t) => t.dataSync()[0]);
      });
      row[`${prefix}_match`] = match;
      row[`${prefix}_optimal`] = optimal;
      row[`${prefix}_cost_ratio`] = ratio;
    }
    return row;
  }

  /** Predicted costs (batch norm in inference mode) and their Dijkstra paths for maps `indices` of `split`. */
  predict(split: ShortestPathSplit, indices: ArrayLike<number>): ShortestPathPrediction {
    const dataset = this.data.splits[split];
    const cells = dataset.gridSize * dataset.gridSize;
    const costs = new Float32Array(indices.length * cells);
    const all = Array.from(indices);
    for (let start = 0; start < all.length; start += EVALUATION_BATCH) {
      const batch = assembleBatch(this.data, dataset, all.slice(start, start + EVALUATION_BATCH));
      const values = tf.tidy(() => {
        const images = tf.tensor4d(batch.images, [batch.size, batch.imageSize, batch.imageSize, 3]);
        return this.model.apply(images, { training: false }).dataSync() as Float32Array;
      });
      costs.set(values, start * cells);
    }
    const paths = new Float32Array(costs.length);
    dijkstraBatch(costs, indices.length, dataset.gridSize, dataset.gridSize, paths);
    return { count: indices.length, gridSize: dataset.gridSize, costs, paths };
  }

  /**
   * The scalar whose gradient w.r.t. the costs `[B, m]` is the variant's (baseline: ∇_Y L; Newton:
   * ∇_Y L* = (Y − Z*) / B), and the row to log. The stochastic methods draw their noise from the
   * stream of `step` (seed, step), so a resumed run sees the same noise.
   */
  trainingObjective(costs: tf.Tensor2D, paths: tf.Tensor3D, step: number): { loss: tf.Scalar; row: MetricRow } {
    const rng = new Rng(this.config.seed).fork(`noise-${step}`);
    const { variant, lambda, spectrum, indefinite } = this.config;
    const batchSize = costs.shape[0];
    const newton: NewtonOptions | null = variant === 'baseline' ? null : { variant, lambda, spectrum, indefinite };
    if (this.loss.kind === 'relaxed') {
      const lossPerSample = this.loss.lossPerSample(paths);
      if (newton) return newtonObjective(costs, autodiffCurvature(lossPerSample), newton);
      const row: MetricRow = { loss: NaN, grad_norm: NaN };
      const loss = tf.mean(lossPerSample(reportGradientNorm(costs, (norm) => (row.grad_norm = norm)))) as tf.Scalar;
      row.loss = loss.dataSync()[0];
      return { loss, row };
    }
    const estimated = this.loss;
    if (newton) return newtonObjective(costs, { curvature: (y, request) => estimated.estimate(y, paths, rng, request) }, newton);
    const estimate = estimated.estimate(costs, paths, rng, { hessian: 'none' });
    // mean_i <y_i, g_i> with g constant: its gradient w.r.t. y_i is the estimate g_i / B.
    const loss = tf.div(tf.sum(tf.mul(costs, estimate.gradients)), batchSize) as tf.Scalar;
    const gradNorm = tf.div(tf.norm(estimate.gradients), batchSize).dataSync()[0];
    return { loss, row: { loss: tf.mean(estimate.losses).dataSync()[0], grad_norm: gradNorm } };
  }
}

/** The shortest-path experiment for the run store, grids and the CLI (`newton-losses shortest-path`). */
export const shortestPathExperiment: Experiment<ShortestPathConfig> = {
  name: 'shortest-path',
  description: 'shortest-path supervision on 12×12 terrain maps (relaxed Bellman-Ford, stochastic smoothing, perturbed optimizer; baseline vs Newton losses)',
  options: SHORTEST_PATH_OPTIONS,
  presets: SHORTEST_PATH_PRESETS,
  defaultPreset: 'quick',
  validate: validateShortestPathConfig,
  runLabel: (c) =>
    [
      c.method,
      ...(isRelaxedMethod(c.method) ? [] : [`s${c.samples}`]),
      c.variant === 'baseline' ? 'baseline' : `${c.variant}-lam${c.lambda.toExponential()}${c.indefinite === 'clip' ? '-clip' : ''}`,
      c.preset,
      `seed${c.seed}`,
    ].join('-'),
  schedule: (c) => ({ steps: c.epochs * stepsPerEpoch(c), evalEvery: stepsPerEpoch(c) }),
  selection: { metric: 'val_optimal', mode: 'max' },
  groupBy: ['preset', 'method', 'samples', 'variant', 'lambda', 'indefinite'],
  reportMetrics: ['test_match', 'test_optimal', 'test_cost_ratio'],
  createTrainer: async (config, options) => {
    if ((options?.workers ?? 1) > 1) {
      throw new Error('shortest-path: workers > 1 is not supported: the ResNet trunk\'s batch norm needs the statistics of the whole batch');
    }
    return ShortestPathTrainer.create(config);
  },
};

/**
 * Checks a complete shortest-path config. Options a method does not use are normalised (so they do
 * not split runs): λ → 0 for the baseline; indefinite → 'invert' unless hessian; samples, σ → 0
 * for relaxed Bellman-Ford; β, nIter → 0 for the stochastic methods; nIter 0 (from the map size)
 * → 25 for the generated 12 × 12 maps (with --data-dir it stays 0 and the trainer picks it).
 */
export function validateShortestPathConfig(config: Record<string, unknown>): ShortestPathConfig {
  const fail = (key: string, expected: string): never => {
    throw optionError('shortest-path', key, expected, config[key]);
  };
  // The options only some methods read (stored as 0 for the others): their range, checked when read.
  const methodOption = (key: string, range: Pick<OptionSpec, 'atLeast' | 'positive'>): void => {
    const spec = shortestPathExperiment.options.find((s) => s.name === key) as OptionSpec;
    checkOptionValue('shortest-path', { ...spec, ...range }, config[key]);
  };
  checkConfig('shortest-path', SHORTEST_PATH_OPTIONS, config);
  if (config.trainMaps < config.batchSize) fail('trainMaps', `at least batchSize = ${config.batchSize}`);
  if (config.dataDir === '') checkTerrainSizes(config);
  const normalised = { ...config };
  if (config.variant === 'baseline') normalised.lambda = 0;
  else checkNewtonLambda('shortest-path', config.lambda);
  if (config.variant !== 'hessian') normalised.indefinite = 'invert';
  const method = shortestPathMethod(config.method);
  // The options the method does not read are stored as 0.
  for (const key of ['beta', 'nIter', 'samples', 'sigma'] as const) if (!method.parameters.includes(key)) normalised[key] = 0;
  if (method.kind === 'relaxed') {
    if (config.variant === 'hessian') {
      fail('variant', `baseline or fisher for ${config.method} (as in the paper): its exact Hessian takes 144 Hessian-vector products per step, about 70 s at batch 70 on a CPU (see bench/shortest-path-train-step.ts)`);
    }
    methodOption('beta', { positive: true });
    methodOption('nIter', { atLeast: 0 });
    // 0 = from the map size; the generated maps are 12 × 12, so it is stored as their value (25).
    if (config.nIter === 0 && config.dataDir === '') normalised.nIter = defaultNIter(12, 12);
    if (config.dataDir === '' && normalised.nIter < minimumNIter(12, 12)) fail('nIter', `0 (from the map size) or at least ${minimumNIter(12, 12)} for the 12 × 12 generated maps`);
  } else {
    methodOption('samples', { atLeast: 1 });
    methodOption('sigma', { positive: true });
  }
  return normalised;
}

/** Bytes one array of a run may take before the config is refused up front (wasm's whole heap is 4 GiB). */
const MAX_ARRAY_BYTES = 2 ** 30;

/**
 * Refuses sizes of the generated 12 × 12 maps (96 × 96 RGB images) that cannot fit, before any map
 * is generated: the images of each split (bytes) and of a batch (float32) must each stay within
 * `MAX_ARRAY_BYTES`. The error names the option.
 */
function checkTerrainSizes(config: ShortestPathConfig): void {
  const imageBytes = 96 * 96 * 3;
  const gb = (bytes: number): string => `${(bytes / 1e9).toPrecision(3)} GB`;
  const check = (key: 'trainMaps' | 'valMaps' | 'testMaps' | 'batchSize', bytes: number, what: string): void => {
    if (bytes > MAX_ARRAY_BYTES) {
      throw new Error(`shortest-path: option '${key}' = ${config[key]} cannot fit: ${what} take ${gb(bytes)}, more than the ${gb(MAX_ARRAY_BYTES)} one array may take; lower ${key}`);
    }
  };
  for (const key of ['trainMaps', 'valMaps', 'testMaps'] as const) check(key, config[key] * imageBytes, `the images of ${config[key]} maps of 96 × 96 pixels`);
  check('batchSize', config.batchSize * imageBytes * 4, `the standardised images of a batch of ${config.batchSize} maps`);
}

/** Split sizes of a config. */
function splitSizes(config: ShortestPathConfig): { train: number; val: number; test: number } {
  return { train: config.trainMaps, val: config.valMaps, test: config.testMaps };
}

function stepsPerEpoch(config: ShortestPathConfig): number {
  return Math.floor(config.trainMaps / config.batchSize);
}

/** Maps `[B, S, S, 3]` and true paths `[B, g, g]` of a batch. */
function batchTensors(batch: ShortestPathBatch): { images: tf.Tensor4D; paths: tf.Tensor3D } {
  return {
    images: tf.tensor4d(batch.images, [batch.size, batch.imageSize, batch.imageSize, 3]),
    paths: tf.tensor3d(batch.paths, [batch.size, batch.gridSize, batch.gridSize]),
  };
}

/** The Newton loss of one step and its logged values (eigenvalues only when computed: `spectrum`). */
function newtonObjective(costs: tf.Tensor2D, curvature: CurvatureProvider, options: NewtonOptions): { loss: tf.Scalar; row: MetricRow } {
  const step = newtonStep(costs, curvature, options);
  step.target.dispose();
  return { loss: step.loss, row: newtonLogRow(step.diagnostics, { condition: true }) };
}
