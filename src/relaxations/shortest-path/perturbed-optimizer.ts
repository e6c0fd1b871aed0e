/**
 * Perturbed optimizer with the Fenchel-Young loss (Berthet et al. 2020), for the minimisation
 * problem y*(theta) = argmin_y <theta, y> over paths:
 *
 *   yhat_b = E y*(theta_b + sigma Z) ≈ (1/S) sum_s y*_{b,s}
 *   F_b    = E min_y <theta_b + sigma Z, y> ≈ (1/S) sum_s <theta_b + sigma Z_s, y*_{b,s}>   (concave; grad F = yhat)
 *   loss   = <theta_b, target_b> - F_b           (Fenchel-Young up to Omega(target), a constant)
 *   grad   = target_b - yhat_b                   (Berthet's yhat - y for argmax, mirrored for argmin)
 *   Hessian = -J_b, J_b = d yhat / d theta ≈ (1/(S sigma)) sum_s (y*_{b,s} - y0_b) s(Z_s)^T,
 *             symmetrised (J is the Hessian of F, so symmetric in expectation); s(Z) = Z for
 *             Gaussian noise: -(1/(S sigma)) sum_s y*_s Z_s^T. Positive semi-definite in
 *             expectation, since F is concave.
 * y0_b is the unperturbed path with `baseline: true`, else 0. The public Warcraft setup uses
 * S = 3, sigma = 0.1. Perturbed costs are clamped at 0 for the solver; the loss value uses the
 * unclamped <theta + sigma Z, y*> (it is reported, never differentiated).
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvatureRequest } from '../../newton/types';
import { checkCurvatureRequest, estimatedCurvature, lossWithEstimatedGradient, type EstimatedCurvature, type LossEstimate } from '../../perturbations/estimated-loss';
import type { NoiseOptions } from '../../perturbations/smoothing-noise';
import { assertGrids, readGrids, solvePerturbed, type GridBatch } from './perturbed-solutions';
import { meanPaths, pathJacobians } from './score-function-estimates';

export interface PerturbedOptimizerOptions extends NoiseOptions {
  /** Centre the Jacobian (Hessian) estimate on the unperturbed path (B more solves). Default false. */
  baseline?: boolean;
}

/**
 * The Fenchel-Young loss of the perturbed optimizer as a tf op: value `[B]`, gradient
 * dy_b (target_b - yhat_b) w.r.t. theta. Noise is drawn once per call.
 *
 * @param theta costs `[B, H, W]`; @param target true paths `[B, H, W]`.
 */
export function perturbedFenchelYoungLoss(theta: tf.Tensor3D, target: tf.Tensor3D, options: PerturbedOptimizerOptions): tf.Tensor1D {
  const where = 'perturbedFenchelYoungLoss';
  assertGrids(where, theta);
  return lossWithEstimatedGradient(where, theta, (x) => fenchelYoung(readGrids(x, target, where), options, false, where));
}

/**
 * Fenchel-Young loss, gradient and Hessian estimates, in the shape the Newton-loss API takes
 * (`CurvatureEstimate`). All from the same noise; the caller disposes the tensors.
 *
 * @param theta costs `[B, H, W]` or `[B, H*W]`; @param target true paths `[B, H, W]`.
 * @param request which Hessian: 'none' | 'batch-mean' | 'per-sample'; default 'batch-mean'.
 * @returns losses `[B]`, gradients target - yhat `[B, m]`, Hessians -sym(J) as asked.
 */
export function perturbedFenchelYoungCurvature(
  theta: tf.Tensor,
  target: tf.Tensor3D,
  options: PerturbedOptimizerOptions,
  request: CurvatureRequest = { hessian: 'batch-mean' },
): EstimatedCurvature {
  const where = 'perturbedFenchelYoungCurvature';
  const mode = checkCurvatureRequest(where, request);
  const grids = readGrids(theta, target, where);
  return estimatedCurvature(fenchelYoung(grids, options, Boolean(options?.baseline), where), grids.batch, grids.height * grids.width, mode);
}

function fenchelYoung(
  grids: GridBatch,
  options: PerturbedOptimizerOptions,
  withUnperturbed: boolean,
  where: string,
): LossEstimate {
  const { batch, height, width, theta } = grids;
  const target = grids.target as Float32Array;
  const solutions = solvePerturbed(theta, batch, height, width, options, withUnperturbed, where);
  const { samples, cells, sigma, noise, paths } = solutions;
  const yhat = meanPaths(solutions);
  const losses = new Float32Array(batch);
  const gradients = new Float32Array(batch * cells);
  for (let b = 0; b < batch; b++) {
    let value = 0;
    for (let j = 0; j < cells; j++) {
      value += theta[b * cells + j] * target[b * cells + j];
      gradients[b * cells + j] = target[b * cells + j] - yhat[b * cells + j];
    }
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      let perturbedCost = 0;
      for (let j = 0; j < cells; j++) perturbedCost += (theta[b * cells + j] + sigma * noise[offset + j]) * paths[offset + j];
      value -= perturbedCost / samples;
    }
    losses[b] = value;
  }
  // Hessian −(J + Jᵀ) / 2, per input or for the batch mean.
  const hessian = (shape: 'per-sample' | 'batch-mean'): tf.Tensor =>
    tf.tidy(() => {
      const jacobian = pathJacobians(solutions, shape);
      return tf.mul(tf.add(jacobian, tf.transpose(jacobian, shape === 'per-sample' ? [0, 2, 1] : [1, 0])), -0.5);
    });
  return { losses, gradients, hessian };
}
