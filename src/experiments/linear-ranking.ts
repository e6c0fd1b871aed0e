/**
 * A tiny ranking task for notebook 01: a linear scorer `s(x) = wᵀx` on synthetic items. An item is
 * a vector x ~ N(0, I) in ℝ^features with hidden value `w*ᵀx + noise·ε` (‖w*‖ = 1, ε ~ N(0, 1));
 * a set holds `setSize` items and only their order is supervised, through a relaxed ranking loss.
 * Adam trains w from a small random start (0.01 · N(0, I)) with the baseline or a Newton loss
 * (`trainingLoss`); test accuracy is `rankingMetrics` on `testSets` fixed sets. Everything random
 * follows the seed: w* and the test sets (`linearRankingTask`), the start and the batches.
 */
import * as tf from '@tensorflow/tfjs';
import { cosine, norm } from '../analysis/vectors';
import type { NewtonOptions } from '../newton/types';
import { trainingLoss } from '../newton/training-loss';
import { rankingLossPerSample, rankingMetrics, type Relaxation, type RankingMetrics } from '../relaxations/sorting/index';
import { Rng } from '../runtime/random';
import { Adam } from './adam';

export interface LinearRankingOptions {
  /** Item dimension (default 10). */
  features?: number;
  /** Items per set, n (default 5). */
  setSize?: number;
  /** Sets per training batch (default 16). */
  batchSets?: number;
  /** Training steps (default 300). */
  steps?: number;
  /** Steps between evaluations of the test exact match (default 25). */
  evalEvery?: number;
  /** Standard deviation of the value noise (default 0.1: near-tied items swap). */
  noise?: number;
  /** Fixed test sets (default 1000). */
  testSets?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
}

/** One training run: per-step losses, test exact match at steps 0, evalEvery, … and the end, final metrics, the learned w. */
export interface LinearRankingRun {
  /** The original (relaxed) loss at each step, whatever loss trained. */
  losses: number[];
  /** Test exact match at steps 0, evalEvery, 2·evalEvery, … and after the last step. */
  exactMatch: number[];
  /** The steps of `exactMatch`. */
  evalSteps: number[];
  final: RankingMetrics;
  /** ‖w‖ at the end. */
  weightNorm: number;
  /** cos(w, w*) at the end: what decides the ranking. */
  alignment: number;
  /** Mean wall-clock milliseconds per training step (without the first, which sets up kernels). */
  msPerStep: number;
}

type Resolved = Required<LinearRankingOptions>;
const DEFAULTS: Resolved = { features: 10, setSize: 5, batchSets: 16, steps: 300, evalEvery: 25, noise: 0.1, testSets: 1000, learningRate: 0.01 };

/** Test metrics of ranking by the true w* (the noise ceiling) for the task of `seed`. */
export function linearRankingCeiling(seed: number, options: LinearRankingOptions = {}): RankingMetrics {
  const o = resolve(options);
  const task = linearRankingTask(seed, o);
  const wStar = tf.tensor2d(task.wStar, [o.features, 1]);
  try {
    return testMetrics(task.test, wStar);
  } finally {
    tf.dispose([wStar, task.test.items, task.test.values]);
  }
}

/**
 * Trains the linear scorer on the task of `seed` with `relaxation`'s ranking loss, as the baseline
 * (`newton` undefined) or a Newton loss. Frees every tensor it made. Throws on options out of range,
 * naming the option and quoting the value.
 */
export function trainLinearRanking(relaxation: Relaxation, newton: NewtonOptions | undefined, seed: number, options: LinearRankingOptions = {}): LinearRankingRun {
  const o = resolve(options);
  const random = new Rng(seed);
  const task = linearRankingTask(seed, o);
  const data = random.fork('train');
  const start = tf.tidy(() => tf.mul(0.01, tf.tensor2d(random.fork('init').fillNormal(new Float32Array(o.features)), [o.features, 1])));
  const w = tf.variable(start);
  start.dispose();
  const adam = new Adam({ w }, { learningRate: o.learningRate });
  const evaluate = (): RankingMetrics => testMetrics(task.test, w as tf.Tensor2D);
  const losses: number[] = [];
  const exactMatch: number[] = [];
  const evalSteps: number[] = [];
  let elapsed = 0;
  try {
    for (let step = 0; step < o.steps; step++) {
      if (step % o.evalEvery === 0) {
        exactMatch.push(evaluate().exactMatch);
        evalSteps.push(step);
      }
      const started = performance.now();
      const value = tf.tidy(() => {
        const sets = makeSets(data, task.wStar, o.batchSets, o);
        const loss = rankingLossPerSample(relaxation, sets.values);
        const { value, grads } = tf.variableGrads(() => trainingLoss(scoreSets(sets, w as tf.Tensor2D), loss, newton), [w]);
        adam.applyGradients({ w: grads[w.name] });
        return value.dataSync()[0];
      });
      losses.push(value);
      if (step > 0) elapsed += performance.now() - started; // step 0 includes one-time kernel set-up
    }
    const final = evaluate();
    exactMatch.push(final.exactMatch);
    evalSteps.push(o.steps);
    const learned = w.dataSync();
    return { losses, exactMatch, evalSteps, final, weightNorm: norm(learned), alignment: cosine(learned, task.wStar), msPerStep: o.steps > 1 ? elapsed / (o.steps - 1) : Number.NaN };
  } finally {
    adam.dispose();
    tf.dispose([w, task.test.items, task.test.values]);
  }
}

interface Sets {
  items: tf.Tensor3D;
  values: tf.Tensor2D;
}

/** The task of a seed: w* (unit length) and the test sets (tensors the caller frees). */
function linearRankingTask(seed: number, o: Resolved): { wStar: Float32Array; test: Sets } {
  const random = new Rng(seed);
  const wStar = random.fork('w*').fillNormal(new Float32Array(o.features));
  const length = norm(wStar);
  wStar.forEach((v, k) => (wStar[k] = v / length));
  return { wStar, test: makeSets(random.fork('test'), wStar, o.testSets, o) };
}

/** `count` sets of `setSize` items x ~ N(0, I) with values w*ᵀx + noise·ε. */
function makeSets(random: Rng, wStar: Float32Array, count: number, o: Resolved): Sets {
  const x = random.fillNormal(new Float32Array(count * o.setSize * o.features));
  const values = new Float32Array(count * o.setSize);
  for (let k = 0; k < values.length; k++) {
    let value = 0;
    for (let i = 0; i < o.features; i++) value += x[k * o.features + i] * wStar[i];
    values[k] = value + o.noise * random.normal();
  }
  return { items: tf.tensor3d(x, [count, o.setSize, o.features]), values: tf.tensor2d(values, [count, o.setSize]) };
}

function testMetrics(test: Sets, w: tf.Tensor2D): RankingMetrics {
  const scores = scoreSets(test, w);
  try {
    return rankingMetrics(scores, test.values);
  } finally {
    scores.dispose();
  }
}

function scoreSets(sets: Sets, w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(sets.items, [-1, sets.items.shape[2]]), w), sets.values.shape) as tf.Tensor2D);
}

function resolve(options: LinearRankingOptions): Resolved {
  const o = { ...DEFAULTS, ...options };
  for (const key of ['features', 'batchSets', 'steps', 'evalEvery', 'testSets'] as const) {
    if (!(Number.isInteger(o[key]) && o[key] >= 1)) throw new Error(`trainLinearRanking: option '${key}' must be an integer >= 1, got ${o[key]}`);
  }
  if (!(Number.isInteger(o.setSize) && o.setSize >= 2)) throw new Error(`trainLinearRanking: option 'setSize' must be an integer >= 2, got ${o.setSize}`);
  if (!(Number.isFinite(o.noise) && o.noise >= 0)) throw new Error(`trainLinearRanking: option 'noise' must be a finite number >= 0, got ${o.noise}`);
  if (!(Number.isFinite(o.learningRate) && o.learningRate > 0)) throw new Error(`trainLinearRanking: option 'learningRate' must be a finite number > 0, got ${o.learningRate}`);
  return o;
}
