/**
 * Notebook 01's tiny training experiment: a linear scorer s(x) = wᵀx ranks sets of synthetic items,
 * supervised only by their order through a relaxation's ranking loss, trained by Adam on the
 * baseline loss or a Newton loss (`trainingLoss`). `LinearScorerRun` takes one step at a time (the
 * playground); `trainLinearScorer` runs it to the end with evaluations (the notebook).
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
import { cosine, norm } from '../analysis/vectors';
import { assertAtLeast, assertFiniteNumber, assertFunction, assertInteger, assertPositive } from '../runtime/checks';

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
    assertInteger(where, 'options.features', this.features, 1);
    assertInteger(where, 'options.setSize', this.setSize, 2);
    assertInteger(where, 'options.setsPerBatch', this.setsPerBatch, 1);
    assertInteger(where, 'options.testSets', testSets, 1);
    this.noise = options.noise ?? 0.1;
    assertAtLeast(where, 'options.noise', this.noise, 0);
    const learningRate = options.learningRate ?? 0.01;
    assertPositive(where, 'options.learningRate', learningRate);
    this.relaxation = options.relaxation;
    this.newton = options.newton;

    const random = new Rng(seed);
    this.wStar = random.fork('w*').fillNormal(new Float32Array(this.features));
    const length = Math.hypot(...this.wStar);
    this.wStar.forEach((v, k) => (this.wStar[k] = v / length));
    this.test = this.makeSets(random.fork('test'), testSets);
    this.data = random.fork('train');
    const start = random.fork('init').fillNormal(new Float32Array(this.features)).map((v) => 0.01 * v);
    const initial = tf.tensor2d(start, [this.features, 1]);
    this.w = tf.variable(initial);
    initial.dispose();
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

  /** Exact-match and element-wise accuracy of ranking by the true w* on the test sets: the noise ceiling. */
  ceiling(): RankingMetrics {
    this.assertAlive('ceiling');
    const scores = tf.tidy(() => this.score(this.test, tf.tensor2d(this.wStar, [this.features, 1])));
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

  /** The true weights w* [features] (unit length) of the task. */
  trueWeights(): number[] {
    return Array.from(this.wStar);
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

  /** Scores [sets, setSize] = items · w (the current w unless given). */
  private score(sets: Sets, w: tf.Tensor2D = this.w as tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(sets.items, [-1, this.features]), w), sets.values.shape) as tf.Tensor2D);
  }

  private assertAlive(method: string): void {
    if (this.disposed) throw new Error(`LinearScorerRun.${method}: the run was disposed`);
  }
}

export interface LinearScorerTraining extends LinearScorerOptions {
  /** Training steps, default 300. */
  steps?: number;
  /** Steps between evaluations of the test exact match, default 25. */
  evalEvery?: number;
}

/** A finished run of `trainLinearScorer`. */
export interface LinearScorerResult {
  /** The original (relaxed) ranking loss of each step's batch, whatever loss trained. */
  losses: number[];
  /** Test exact match at steps 0, evalEvery, 2·evalEvery, … and after the last step. */
  exactMatch: number[];
  /** The steps of `exactMatch`. */
  evalSteps: number[];
  /** Test metrics after the last step. */
  final: RankingMetrics;
  /** Test metrics of ranking by the true w* (the noise ceiling of the task). */
  ceiling: RankingMetrics;
  /** ‖w‖ at the end. */
  weightNorm: number;
  /** cos(w, w*) at the end: what decides the ranking. */
  alignment: number;
  /** Mean wall-clock milliseconds per training step, without the first (which sets up kernels). */
  msPerStep: number;
}

/**
 * Trains a `LinearScorerRun` for `steps` steps, evaluating the test exact match every `evalEvery`
 * steps, and frees every tensor it made.
 * @throws as `LinearScorerRun`, and on steps or evalEvery that are not integers ≥ 1.
 */
export function trainLinearScorer(options: LinearScorerTraining): LinearScorerResult {
  const { steps = 300, evalEvery = 25, ...runOptions } = options ?? ({} as LinearScorerTraining);
  assertInteger('trainLinearScorer', 'options.steps', steps, 1);
  assertInteger('trainLinearScorer', 'options.evalEvery', evalEvery, 1);
  const run = new LinearScorerRun(runOptions);
  const losses: number[] = [];
  const exactMatch: number[] = [];
  const evalSteps: number[] = [];
  let elapsed = 0;
  try {
    for (let step = 0; step < steps; step++) {
      if (step % evalEvery === 0) {
        exactMatch.push(run.evaluate().exactMatch);
        evalSteps.push(step);
      }
      const started = performance.now();
      losses.push(run.step());
      if (step > 0) elapsed += performance.now() - started;
    }
    const final = run.evaluate();
    exactMatch.push(final.exactMatch);
    evalSteps.push(steps);
    const learned = run.weights();
    return {
      losses,
      exactMatch,
      evalSteps,
      final,
      ceiling: run.ceiling(),
      weightNorm: norm(learned),
      alignment: cosine(learned, run.trueWeights()),
      msPerStep: steps > 1 ? elapsed / (steps - 1) : Number.NaN,
    };
  } finally {
    run.dispose();
  }
}
