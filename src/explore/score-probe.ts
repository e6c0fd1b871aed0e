/**
 * One set of scores under a relaxation: the relaxed permutation, the ranking loss, its gradient and
 * the Newton steps of both variants — what the playground's first panel shows as the scores move.
 */
import * as tf from '@tensorflow/tfjs';
import { perSampleGradients } from '../newton/curvature';
import { newtonStep } from '../newton/newton-step';
import { NEWTON_VARIANTS, type IndefinitePolicy, type NewtonVariant } from '../newton/types';
import { rankingLossPerSample } from '../relaxations/sorting/relaxations';
import type { Relaxation } from '../relaxations/sorting/relaxation';
import { assertFiniteArray, assertFunction, assertPositive } from '../runtime/checks';

export interface ScoreProbeOptions {
  /** Tikhonov strength λ > 0 of both Newton steps. */
  lambda: number;
  /** n values whose ascending order is the true order; default [0, 1, …, n − 1] (the index order). */
  targets?: number[];
  /** What the Hessian step does with an indefinite H + λI: 'invert' (default) or 'clip' (see `NewtonOptions`). */
  indefinite?: IndefinitePolicy;
}

/** A Newton step in output space for one sample. */
export interface ProbeNewtonStep {
  /** z* − y = −(M + λI)⁻¹ g [n]: where the Newton target moves the scores. */
  step: number[];
  /** Smallest and largest eigenvalue of M + λI. */
  eigenvalueMin: number;
  eigenvalueMax: number;
  /** Ranking loss at the target z* = y + step. */
  lossAtTarget: number;
}

export interface ScoreProbe {
  /** P [n][n]: P[i][j] = weight of input i at ascending position j. */
  permutation: number[][];
  /** The ranking loss l(y) (BCE against the true permutation, mean over the n² entries). */
  loss: number;
  /** g = ∇l(y) [n]. */
  gradient: number[];
  /** M = H (the Hessian of l at y) and M = F = g gᵀ (the empirical Fisher of this one sample). */
  newton: Record<NewtonVariant, ProbeNewtonStep>;
}

/**
 * Evaluates `relax` on one score vector y [n]: P(y), l(y) = rankingLoss(P(y), Q), g = ∇l(y), and
 * for the Hessian and the Fisher variant z* − y = −(M + λI)⁻¹ g (the library's `newtonStep` on a
 * batch of one, where batch-mean and per-sample curvature coincide; for the Fisher,
 * (g gᵀ + λI)⁻¹ g = g / (λ + ‖g‖²)).
 *
 * @param relax a relaxation from `makeRelaxation`.
 * @param scores y [n], n ≥ 2, finite.
 * @throws on non-finite scores, targets of another length, λ ≤ 0, an unknown indefinite policy.
 */
export function probeScores(relax: Relaxation, scores: number[], options: ScoreProbeOptions): ScoreProbe {
  const where = 'probeScores';
  assertFunction(where, 'relax', relax);
  assertFiniteArray(where, 'scores', scores);
  if (scores.length < 2) throw new Error(`${where}: scores must hold n ≥ 2 entries, got [${scores.join(', ')}]`);
  assertPositive(where, 'options.lambda', options?.lambda);
  const targets = options.targets ?? scores.map((_, i) => i);
  assertFiniteArray(where, 'options.targets', targets, scores.length);
  const y = tf.tensor2d([scores]);
  const truth = tf.tensor2d([targets]);
  try {
    const lossPerSample = rankingLossPerSample(relax, truth);
    const lossAt = (x: tf.Tensor2D): number => tf.tidy(() => lossPerSample(x).dataSync()[0]);
    const permutation = tf.tidy(() => (relax(y).arraySync() as number[][][])[0]);
    const gradients = perSampleGradients(y, lossPerSample);
    const gradient = Array.from(gradients.dataSync());
    gradients.dispose();
    const newton = {} as Record<NewtonVariant, ProbeNewtonStep>;
    for (const variant of NEWTON_VARIANTS) {
      const indefinite = variant === 'hessian' ? options.indefinite : undefined;
      const result = newtonStep(y, lossPerSample, { variant, lambda: options.lambda, ...(indefinite ? { indefinite } : {}) });
      const target = result.target.dataSync();
      newton[variant] = {
        step: scores.map((value, i) => target[i] - value),
        eigenvalueMin: result.diagnostics.eigenvalueMin,
        eigenvalueMax: result.diagnostics.eigenvalueMax,
        lossAtTarget: lossAt(result.target),
      };
      tf.dispose([result.loss, result.target]);
    }
    return { permutation, loss: lossAt(y), gradient, newton };
  } finally {
    tf.dispose([y, truth]);
  }
}
