/**
 * The paper's gradient figure (notebook 02): one score swept while the others stay put, and at each
 * value the gradient of the ranking loss and the Newton-loss directions along that score.
 */
import * as tf from '@tensorflow/tfjs';
import { perSampleGradients } from '../newton/curvature';
import { newtonTarget } from '../newton/newton-step';
import type { NewtonOptions } from '../newton/types';
import { rankingLossPerSample } from '../relaxations/sorting/relaxations';
import type { Relaxation } from '../relaxations/sorting/relaxation';
import { assertFiniteArray, assertFunction, assertInteger, assertPositive } from '../runtime/checks';

export interface GradientSweepOptions {
  /** The scores y [n] the sweep starts from; entry `index` is replaced by each swept value. */
  scores: number[];
  /** Which score is swept, 0 ≤ index < n. */
  index: number;
  /** The values x the swept score takes, e.g. 161 points on [−4, 4]. */
  values: number[];
  /** Tikhonov strength λ > 0 of the Newton directions. */
  lambda: number;
  /** n values whose ascending order is the true order; default [0, 1, …, n − 1]. */
  targets?: number[];
}

/** One entry per swept value; every curve is the `index` component of a direction (sign of the gradient). */
export interface GradientSweep {
  values: number[];
  /** The ranking loss l(y). */
  loss: number[];
  /** ∂l/∂y_index. */
  gradient: number[];
  /** [(H + λI)⁻¹ g]_index, H + λI inverted exactly ('invert'). */
  hessian: number[];
  /** The same with negative curvature clipped ('clip': H₊ + λI). */
  hessianClipped: number[];
  /** [(g gᵀ + λI)⁻¹ g]_index = g_index / (λ + ‖g‖²). */
  fisher: number[];
}

/**
 * Sweeps score `index` over `values` with the others fixed: a batch with one row per value, the
 * ranking loss of `relax` against the true order, per-sample curvature (each row its own H or
 * g gᵀ, as in notebook 02), and the Newton direction d = y − z* = (M + λI)⁻¹ g along `index`.
 *
 * @throws on a bad relaxation, non-finite scores or values, an index out of range, λ ≤ 0.
 */
export function gradientSweep(relax: Relaxation, options: GradientSweepOptions): GradientSweep {
  const where = 'gradientSweep';
  assertFunction(where, 'relax', relax);
  assertFiniteArray(where, 'options.scores', options?.scores);
  const { scores, index, values, lambda } = options;
  const n = scores.length;
  if (n < 2) throw new Error(`${where}: options.scores must hold n ≥ 2 entries, got [${scores.join(', ')}]`);
  assertInteger(where, 'options.index', index, 0, n - 1);
  assertFiniteArray(where, 'options.values', values);
  assertPositive(where, 'options.lambda', lambda);
  const targets = options.targets ?? scores.map((_, i) => i);
  assertFiniteArray(where, 'options.targets', targets, n);

  const y = tf.tensor2d(values.map((v) => scores.map((s, i) => (i === index ? v : s))));
  const truth = tf.tensor2d(values.map(() => targets));
  try {
    const lossPerSample = rankingLossPerSample(relax, truth);
    const component = (matrix: tf.Tensor2D): number[] => {
      const data = matrix.dataSync();
      return values.map((_, row) => data[row * n + index]);
    };
    const direction = (newton: NewtonOptions): number[] => {
      const target = newtonTarget(y, lossPerSample, newton);
      const result = tf.tidy(() => component(tf.sub(y, target) as tf.Tensor2D));
      target.dispose();
      return result;
    };
    const gradients = perSampleGradients(y, lossPerSample);
    const gradient = component(gradients);
    gradients.dispose();
    return {
      values: [...values],
      loss: tf.tidy(() => Array.from(lossPerSample(y).dataSync())),
      gradient,
      hessian: direction({ variant: 'hessian', lambda, curvature: 'per-sample' }),
      hessianClipped: direction({ variant: 'hessian', lambda, curvature: 'per-sample', indefinite: 'clip' }),
      fisher: direction({ variant: 'fisher', lambda, curvature: 'per-sample' }),
    };
  } finally {
    tf.dispose([y, truth]);
  }
}
