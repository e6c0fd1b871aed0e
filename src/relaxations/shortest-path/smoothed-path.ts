/**
 * Stochastic smoothing of the algorithm (the paper's "SS of algorithm"): the
 * smoothed solver yhat_b(theta) = E dijkstra(theta_b + sigma e) ≈ (1/S) sum_s y*_{b,s}, with the
 * Jacobian estimate J_b = (1/(S sigma)) sum_s (y*_{b,s} - y0_b) s(e_s)^T (y0_b = the unperturbed
 * path with `baseline: true`, else 0), then a differentiable loss on yhat:
 *   'l2': l = sum (yhat - target)^2,  grad = J^T 2(yhat - target),   Hessian 2 J^T J;
 *   'l1': l = sum |yhat - target|,    grad = J^T sign(yhat - target), Hessian 0.
 *
 * Hessian provided: Gauss-Newton, J^T (hess_yhat l) J. The exact Hessian adds
 * sum_k dl/dyhat_k hess yhat_k, i.e. m second-derivative estimates of a 0/1 solver, each of
 * variance O(1/(S sigma^4)), too noisy to use at S = 3..30; Gauss-Newton is positive
 * semi-definite (so the Newton step is a descent direction), needs only the Jacobian the gradient
 * already uses, and is exact where the loss is quadratic in yhat and yhat is locally linear. For
 * 'l1' it is 0 (the loss has no curvature in yhat): use the Fisher variant there.
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvatureRequest } from '../../newton/types';
import { checkCurvatureRequest, estimatedCurvature, type EstimatedCurvature } from '../../perturbations/estimated-loss';
import type { NoiseOptions } from '../../perturbations/smoothing-noise';
import { assertGrids, readGrids, solvePerturbed } from './perturbed-solutions';
import { meanPaths, pathJacobianGrams, pathVectorJacobianProducts } from './score-function-estimates';

export type SmoothedPathLoss = 'l1' | 'l2';

export interface SmoothedPathOptions extends NoiseOptions {
  /** Centre the Jacobian estimate on the unperturbed path (B more solves). Default false. */
  baseline?: boolean;
}

/**
 * The smoothed shortest path as a tf op: value yhat `[B, H, W]` (mean of S perturbed Dijkstra
 * paths), gradient w.r.t. theta the estimated vector-Jacobian product J^T dyhat, so any
 * differentiable loss on yhat backpropagates into a network. Noise is drawn once per call.
 *
 * @param theta costs `[B, H, W]`.
 */
export function smoothedShortestPath(theta: tf.Tensor3D, options: SmoothedPathOptions): tf.Tensor3D {
  const where = 'smoothedShortestPath';
  assertGrids(where, theta);
  const op = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor;
    const { batch, height, width, theta: values } = readGrids(x, null, where);
    const solutions = solvePerturbed(values, batch, height, width, options, Boolean(options?.baseline), where);
    return {
      value: tf.tensor3d(meanPaths(solutions), [batch, height, width]),
      gradFunc: (dy: tf.Tensor) => {
        const products = pathVectorJacobianProducts(solutions, dy.dataSync() as Float32Array);
        return tf.tensor3d(Float32Array.from(products), [batch, height, width]);
      },
    };
  });
  return op(theta) as tf.Tensor3D;
}

/**
 * Loss on the smoothed path with its curvature, in the shape the Newton-loss API takes
 * (`CurvatureEstimate`). All from the same noise; the caller disposes the tensors.
 *
 * @param theta costs `[B, H, W]` or `[B, H*W]`; @param target true paths `[B, H, W]`.
 * @param loss 'l2' (default; squared) or 'l1', summed over cells.
 * @param request which Hessian: 'none' | 'batch-mean' | 'per-sample'; default 'batch-mean'.
 * @returns losses `[B]`, gradients J^T grad l `[B, m]`, Gauss-Newton Hessians as asked.
 */
export function smoothedPathCurvature(
  theta: tf.Tensor,
  target: tf.Tensor3D,
  options: SmoothedPathOptions & { loss?: SmoothedPathLoss },
  request: CurvatureRequest = { hessian: 'batch-mean' },
): EstimatedCurvature {
  const where = 'smoothedPathCurvature';
  const mode = checkCurvatureRequest(where, request);
  const loss = options?.loss ?? 'l2';
  if (loss !== 'l1' && loss !== 'l2') throw new Error(`${where}: loss must be 'l1' or 'l2', got '${String(loss)}'`);
  const grids = readGrids(theta, target, where);
  const { batch, height, width } = grids;
  const solutions = solvePerturbed(grids.theta, batch, height, width, options, Boolean(options.baseline), where);
  const m = solutions.cells;
  const yhat = meanPaths(solutions);
  const targetValues = grids.target as Float32Array;
  const losses = new Float32Array(batch);
  const lossGradient = new Float64Array(batch * m);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < m; j++) {
      const r = yhat[b * m + j] - targetValues[b * m + j];
      losses[b] += loss === 'l2' ? r * r : Math.abs(r);
      lossGradient[b * m + j] = loss === 'l2' ? 2 * r : Math.sign(r);
    }
  }
  const gradients = pathVectorJacobianProducts(solutions, lossGradient);
  // Gauss-Newton J^T (hess l) J: 2 J^T J for 'l2', 0 for 'l1'.
  const gaussNewton = (shape: 'per-sample' | 'batch-mean'): tf.Tensor =>
    loss === 'l1'
      ? tf.zeros(shape === 'per-sample' ? [batch, m, m] : [m, m])
      : tf.tidy(() => tf.mul(pathJacobianGrams(solutions, shape), 2));
  return estimatedCurvature({ losses, gradients, hessian: gaussNewton }, batch, m, mode);
}
