/**
 * Batched score-function (stochastic smoothing) estimates from perturbed solutions, for B inputs
 * at once; per input b the same formulas as `smoothingEstimate`:
 *   gradient_b     = (1/(S sigma))   sum_s w_{b,s} s_{b,s}                              [B, m]
 *   hessian_b      = (1/(S sigma^2)) sum_s w_{b,s} (s_{b,s} s_{b,s}^T - diag nu''(e_{b,s}))   [B, m, m]
 *   jacobian_b     = (1/(S sigma))   sum_s (y*_{b,s} - y0_b) s_{b,s}^T                  [B, m, m]
 *   vjp_b(u)       = jacobian_b^T u_b = (1/(S sigma)) sum_s <u_b, y*_{b,s} - y0_b> s_{b,s}   [B, m]
 * with w_{b,s} a scalar per sample (a loss minus its baseline) and y0_b the baseline path (or 0).
 * The m × m sums are matrix products (tf.matMul: XNNPACK on wasm), the rest float64 loops.
 */
import * as tf from '@tensorflow/tfjs';
import { noiseCurvature } from './smoothing-noise';
import type { PerturbedSolutions } from './perturbed-solutions';

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

/**
 * Hessian estimates from per-sample weights w `[B, S]`: one per input `[B, m, m]` ('per-sample')
 * or their mean `[m, m]` ('batch-mean').
 */
export function scoreHessians(solutions: PerturbedSolutions, weights: Float64Array, mode: 'per-sample'): tf.Tensor3D;
export function scoreHessians(solutions: PerturbedSolutions, weights: Float64Array, mode: 'batch-mean'): tf.Tensor2D;
export function scoreHessians(solutions: PerturbedSolutions, weights: Float64Array, mode: 'per-sample' | 'batch-mean'): tf.Tensor {
  const { batch, samples, cells, sigma, scores, noise, distribution } = solutions;
  const scale = 1 / (samples * sigma * sigma);
  const weighted = new Float32Array(scores.length);
  const diagonal = new Float64Array(batch * cells);
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
    const left = tf.tensor3d(weighted, [batch, samples, cells]);
    const right = tf.tensor3d(Float32Array.from(scores), [batch, samples, cells]);
    const identity = tf.eye(cells);
    if (mode === 'per-sample') {
      const outer = tf.matMul(left, right, true, false);
      return tf.sub(outer, tf.mul(tf.tensor3d(Float32Array.from(diagonal), [batch, cells, 1]), identity));
    }
    const outer = tf.matMul(left.reshape([batch * samples, cells]), right.reshape([batch * samples, cells]), true, false);
    const meanDiagonal = new Float32Array(cells);
    for (let b = 0; b < batch; b++) for (let j = 0; j < cells; j++) meanDiagonal[j] += diagonal[b * cells + j] / batch;
    return tf.sub(tf.div(outer, batch), tf.mul(tf.tensor2d(meanDiagonal, [cells, 1]), identity));
  });
}

/** Jacobian estimates of the smoothed path, `[B, m, m]`, rows = path cells, columns = costs. */
export function pathJacobians(solutions: PerturbedSolutions): tf.Tensor3D {
  const { batch, samples, cells, sigma, scores } = solutions;
  const centred = centredPaths(solutions);
  return tf.tidy(() => {
    const paths = tf.tensor3d(centred, [batch, samples, cells]);
    const right = tf.tensor3d(Float32Array.from(scores), [batch, samples, cells]);
    return tf.div(tf.matMul(paths, right, true, false), samples * sigma) as tf.Tensor3D;
  });
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
