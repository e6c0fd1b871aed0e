/**
 * Batched score-function (stochastic smoothing) estimates from perturbed solutions, for B inputs
 * at once; per input b the same formulas as `smoothingEstimate`:
 *   gradient_b = (1/(S sigma))   sum_s w_{b,s} s_{b,s}                                   [B, m]
 *   hessian_b  = (1/(S sigma^2)) sum_s w_{b,s} (s_{b,s} s_{b,s}^T - diag nu''(e_{b,s}))   [B, m, m]
 *   jacobian_b = (1/(S sigma))   sum_s (y*_{b,s} - y0_b) s_{b,s}^T                       [B, m, m]
 *   gram_b     = jacobian_b^T jacobian_b                                                [B, m, m]
 *   vjp_b(u)   = jacobian_b^T u_b = (1/(S sigma)) sum_s <u_b, y*_{b,s} - y0_b> s_{b,s}    [B, m]
 * with w_{b,s} a scalar per sample (a loss minus its baseline) and y0_b the baseline path (or 0).
 * m × m results come as one matrix per input or as their batch mean (the Newton-loss API's
 * 'per-sample' and 'batch-mean'); the m × m sums are matrix products, the rest float64 loops.
 */
import * as tf from '@tensorflow/tfjs';
import { noiseCurvature } from '../../perturbations/smoothing-noise';
import type { PerturbedSolutions } from './perturbed-solutions';

/** 'per-sample': one m × m matrix per input `[B, m, m]`; 'batch-mean': their mean `[m, m]`. */
export type CurvatureShape = 'per-sample' | 'batch-mean';

/** Gradient estimates `[B, m]` (float64) from per-sample weights w `[B, S]`. */
export function scoreGradients(solutions: PerturbedSolutions, weights: Float64Array): Float64Array {
  const { batch, samples, cells, sigma, scores } = solutions;
  const gradients = new Float64Array(batch * cells);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const w = weights[b * samples + s] / (samples * sigma);
      if (w === 0) continue;
      const offset = (b * samples + s) * cells;
      for (let j = 0; j < cells; j++) gradients[b * cells + j] += w * scores[offset + j];
    }
  }
  return gradients;
}

/** Hessian estimates from per-sample weights w `[B, S]`. */
export function scoreHessians(solutions: PerturbedSolutions, weights: Float64Array, shape: CurvatureShape): tf.Tensor {
  const { batch, samples, cells, sigma, scores, noise, distribution } = solutions;
  const scale = 1 / (samples * sigma * sigma);
  const weighted = new Float32Array(scores.length);
  const diagonal = new Float32Array(batch * cells);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const w = weights[b * samples + s] * scale;
      const offset = (b * samples + s) * cells;
      for (let j = 0; j < cells; j++) {
        weighted[offset + j] = w * scores[offset + j];
        diagonal[b * cells + j] += w * noiseCurvature(distribution, noise[offset + j]);
      }
    }
  }
  return tf.tidy(() => {
    const outer = sampleOuterProducts(weighted, Float32Array.from(scores), solutions, shape);
    const perInput = tf.tensor2d(diagonal, [batch, cells]);
    const diagonalColumn = shape === 'per-sample' ? tf.expandDims(perInput, 2) : tf.reshape(tf.mean(perInput, 0), [cells, 1]);
    return tf.sub(outer, tf.mul(diagonalColumn, tf.eye(cells)));
  });
}

/** Jacobian estimates of the smoothed path (rows = path cells, columns = costs). */
export function pathJacobians(solutions: PerturbedSolutions, shape: CurvatureShape): tf.Tensor {
  const { samples, sigma, scores } = solutions;
  return tf.tidy(() => tf.div(sampleOuterProducts(centredPaths(solutions), Float32Array.from(scores), solutions, shape), samples * sigma));
}

/**
 * jacobian_b^T jacobian_b, computed as (1/(S sigma))^2 Sigma_b^T (Y_b Y_b^T) Sigma_b with Y_b the
 * centred paths and Sigma_b the scores `[S, m]`: O(S m^2) per input instead of O(m^3).
 */
export function pathJacobianGrams(solutions: PerturbedSolutions, shape: CurvatureShape): tf.Tensor {
  const { batch, samples, cells, sigma, scores } = solutions;
  const paths = centredPaths(solutions);
  const mixed = new Float32Array(scores.length); // (Y_b Y_b^T) Sigma_b / (S sigma)^2, [B, S, m]
  const gram = new Float64Array(samples * samples);
  const scale = 1 / (samples * sigma) ** 2;
  for (let b = 0; b < batch; b++) {
    const base = b * samples * cells;
    for (let s = 0; s < samples; s++) {
      for (let t = 0; t < samples; t++) {
        let dot = 0;
        for (let j = 0; j < cells; j++) dot += paths[base + s * cells + j] * paths[base + t * cells + j];
        gram[s * samples + t] = dot * scale;
      }
    }
    for (let s = 0; s < samples; s++) {
      for (let t = 0; t < samples; t++) {
        const g = gram[s * samples + t];
        if (g === 0) continue;
        for (let j = 0; j < cells; j++) mixed[base + s * cells + j] += g * scores[base + t * cells + j];
      }
    }
  }
  return sampleOuterProducts(Float32Array.from(scores), mixed, solutions, shape);
}

/** Vector-Jacobian products jacobian_b^T u_b `[B, m]` (float64) for u `[B, m]`, without forming J. */
export function pathVectorJacobianProducts(solutions: PerturbedSolutions, u: ArrayLike<number>): Float64Array {
  const { batch, samples, cells } = solutions;
  const centred = centredPaths(solutions);
  const weights = new Float64Array(batch * samples);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      let dot = 0;
      for (let j = 0; j < cells; j++) dot += u[b * cells + j] * centred[offset + j];
      weights[b * samples + s] = dot;
    }
  }
  return scoreGradients(solutions, weights);
}

/** Mean path (1/S) sum_s y*_{b,s}, `[B, m]` float32. */
export function meanPaths(solutions: PerturbedSolutions): Float32Array {
  const { batch, samples, cells, paths } = solutions;
  const mean = new Float32Array(batch * cells);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      for (let j = 0; j < cells; j++) mean[b * cells + j] += paths[offset + j] / samples;
    }
  }
  return mean;
}

/**
 * sum_s left_{b,s} right_{b,s}^T for `[B, S, m]` inputs: per input `[B, m, m]`, or the mean over b
 * `[m, m]`. Built from plain 2D products with an explicit transpose: on wasm these run on XNNPACK,
 * 5-10× faster than tf.matMul with a transposed operand or a batch dimension.
 */
function sampleOuterProducts(left: Float32Array, right: Float32Array, solutions: PerturbedSolutions, shape: CurvatureShape): tf.Tensor {
  const { batch, samples, cells } = solutions;
  return tf.tidy(() => {
    if (shape === 'batch-mean') {
      const stackedLeft = tf.tensor2d(left, [batch * samples, cells]);
      return tf.div(tf.matMul(tf.transpose(stackedLeft), tf.tensor2d(right, [batch * samples, cells])), batch);
    }
    const perInput: tf.Tensor2D[] = [];
    for (let b = 0; b < batch; b++) {
      const range: [number, number] = [b * samples * cells, (b + 1) * samples * cells];
      const leftB = tf.tensor2d(left.subarray(...range), [samples, cells]);
      perInput.push(tf.matMul(tf.transpose(leftB), tf.tensor2d(right.subarray(...range), [samples, cells])));
    }
    return tf.stack(perInput);
  });
}

/** y*_{b,s} - y0_b `[B, S, m]` (y0 = the unperturbed path when present, else 0). */
function centredPaths(solutions: PerturbedSolutions): Float32Array {
  const { batch, samples, cells, paths, unperturbed } = solutions;
  if (!unperturbed) return paths;
  const centred = new Float32Array(paths.length);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      for (let j = 0; j < cells; j++) centred[offset + j] = paths[offset + j] - unperturbed[b * cells + j];
    }
  }
  return centred;
}
