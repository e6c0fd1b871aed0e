/**
 * Notebook 01's tiny training experiment, one step at a time: a linear scorer s(x) = wᵀx ranks
 * sets of synthetic items, supervised only by their order through a relaxation's ranking loss,
 * trained by Adam on the baseline loss or a Newton loss.
 *
 * The task of a seed: w* ~ N(0, I) [features] normalised to ‖w*‖ = 1; an item is x ~ N(0, I) with
 * hidden value w*ᵀx + noise · ε (ε ~ N(0, 1)); a set holds `setSize` items. Random streams (all
 * from `new Rng(seed)`): fork 'w*' draws w*, 'test' the test sets, 'train' the training batches,
 * 'init' the start w = 0.01 · N(0, I).
 */
import * as tf from '@tensorflow/tfjs';
import type { NewtonOptions } from '../newton/types';
import { trainingLoss } from '../newton/training-loss';
import { rankingLossPerSample } from '../relaxations/sorting/relaxations';
import type { Relaxation } from '../relaxations/sorting/relaxation';
import { rankingMetrics, type RankingMetrics } from '../relaxations/sorting/ranking-metrics';
import { Adam } from '../experiments/adam';
import { Rng } from '../runtime/random';
import { assertFunction, assertIntegerIn, assertPositiveNumber, assertFiniteNumber, quote } from './validate';

export interface LinearScorerOptions {
  /** The relaxation whose ranking loss trains the scorer (notebook 01: NeuralSort, τ = 1). */
  relaxation: Relaxation;
  /** Newton options, or undefined for the baseline (see `trainingLoss`). */
  newton?: NewtonOptions;
  /** Default 0: drives the task, the batches and the start. */
  seed?: number;
  /** Item dimension, default 10. */
  features?: number;
  /** Items per set n ≥ 2, default 5. */
  setSize?: number;
  /** Sets per training batch, default 16. */
  setsPerBatch?: number;
  /** Standard deviation of the value noise, default 0.1. */
  noise?: number;
  /** Adam's step size, default 0.01. */
  learningRate?: number;
  /** Sets in the fixed test set, default 1000. */
  testSets?: number;
}

interface Sets {
  items: tf.Tensor3D;
  values: tf.Tensor2D;
}

/** A training run of the linear scorer; call `step()` repeatedly, `dispose()` at the end. */
export class LinearScorerRun {
  /** Training steps taken so far. */
  steps = 0;
  private readonly relaxation: Relaxation;
  private readonly newton: NewtonOptions | undefined;
  private readonly features: number;
  private readonly setSize: number;
  private readonly setsPerBatch: number;
  private readonly noise: number;
  private readonly wStar: Float32Array;
  private readonly test: Sets;
  private readonly data: Rng;
  private readonly w: tf.Variable;
  private readonly adam: Adam;
  private disposed = false;

  /** @throws on a bad relaxation, a seed that is not finite, sizes that are not positive integers, a noise < 0, a learning rate ≤ 0. */
  constructor(options: LinearScorerOptions) {
    const where = 'LinearScorerRun';
    assertFunction(where, 'options.relaxation', options?.relaxation);
    const seed = options.seed ?? 0;
    assertFiniteNumber(where, 'options.seed', seed);
    this.features = options.features ?? 10;
    this.setSize = options.setSize ?? 5;
    this.setsPerBatch = options.setsPerBatch ?? 16;
    const testSets = options.testSets ?? 1000;
    assertIntegerIn(where, 'options.features', this.features, 1);
    assertIntegerIn(where, 'options.setSize', this.setSize, 2);
    assertIntegerIn(where, 'options.setsPerBatch', this.setsPerBatch, 1);
    assertIntegerIn(where, 'options.testSets', testSets, 1);
    this.noise = options.noise ?? 0.1;
    if (typeof this.noise !== 'number' || !(this.noise >= 0) || !Number.isFinite(this.noise)) {
      throw new Error(`${where}: options.noise must be a finite number ≥ 0, got ${quote(this.noise)}`);
    }
    const learningRate = options.learningRate ?? 0.01;
    assertPositiveNumber(where, 'options.learningRate', learningRate);
    this.relaxation = options.relaxation;
    this.newton = options.newton;

    const random = new Rng(seed);
    this.wStar = random.fork('w*').fillNormal(new Float32Array(this.features));
    const length = Math.hypot(...this.wStar);
    this.wStar.forEach((v, k) => (this.wStar[k] = v / length));
    this.test = this.makeSets(random.fork('test'), testSets);
    this.data = random.fork('train');
    const start = random.fork('init').fillNormal(new Float32Array(this.features)).map((v) => 0.01 * v);
    this.w = tf.variable(tf.tensor2d(start, [this.features, 1]));
    this.adam = new Adam({ w: this.w }, { learningRate });
  }

  /** One Adam step on a fresh batch. @returns the batch's ranking loss L(Y) before the step. */
  step(): number {
    this.assertAlive('step');
    const sets = this.makeSets(this.data, this.setsPerBatch);
    try {
      const loss = rankingLossPerSample(this.relaxation, sets.values);
      const { value, grads } = tf.variableGrads(() => trainingLoss(this.score(sets), loss, this.newton), [this.w]);
      this.adam.applyGradients({ w: grads[this.w.name] });
      const result = value.dataSync()[0];
      tf.dispose([value, grads[this.w.name]]);
      this.steps += 1;
      return result;
    } finally {
      tf.dispose([sets.items, sets.values]);
    }
  }

  /** Exact-match and element-wise accuracy of the current w on the test sets. */
  evaluate(): RankingMetrics {
    this.assertAlive('evaluate');
    const scores = this.score(this.test);
    try {
      return rankingMetrics(scores, this.test.values);
    } finally {
      scores.dispose();
    }
  }

  /** The current weights w [features]. */
  weights(): number[] {
    this.assertAlive('weights');
    return Array.from(this.w.dataSync());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.adam.dispose();
    tf.dispose([this.w, this.test.items, this.test.values]);
  }

  /** `count` sets of items x ~ N(0, I) with values w*ᵀx + noise · ε. */
  private makeSets(random: Rng, count: number): Sets {
    const { features, setSize } = this;
    const x = random.fillNormal(new Float32Array(count * setSize * features));
    const values = new Float32Array(count * setSize);
    for (let k = 0; k < values.length; k++) {
      let dot = 0;
      for (let f = 0; f < features; f++) dot += x[k * features + f] * this.wStar[f];
      values[k] = dot + this.noise * random.normal();
    }
    return { items: tf.tensor3d(x, [count, setSize, features]), values: tf.tensor2d(values, [count, setSize]) };
  }

  /** Scores [sets, setSize] = items · w. */
  private score(sets: Sets): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(sets.items, [-1, this.features]), this.w), sets.values.shape) as tf.Tensor2D);
  }

  private assertAlive(method: string): void {
    if (this.disposed) throw new Error(`LinearScorerRun.${method}: the run was disposed`);
  }
}
