/**
 * A per-sample loss whose value, gradient and curvature come from an estimator (Monte-Carlo
 * samples of a perturbed function, e.g. stochastic smoothing or a perturbed optimizer) rather than
 * from autodiff, in the two shapes the rest of the project takes:
 * - `lossWithEstimatedGradient`: a tf op θ [B, …] ↦ l [B] whose backward pass returns
 *   dy_b · ĝ_b (the estimate), so `tf.grad` and training loops see it as any loss;
 * - `estimatedCurvature`: the same estimate as a `CurvatureEstimate` for the Newton step, with
 *   the Hessian estimate only where the request asks for it.
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvatureRequest, CurvatureMode } from '../newton/types';
import { assertOneOf, describeValue } from '../runtime/checks';

/** One estimate for a batch of B inputs of m entries each. */
export interface LossEstimate {
  /** l̂_b [B]. */
  losses: ArrayLike<number>;
  /** ĝ_b, row-major [B, m]. */
  gradients: ArrayLike<number>;
  /** Ĥ_b [B, m, m] ('per-sample') or their mean [m, m] ('batch-mean'); asked for only by a Hessian request. */
  hessian?: (shape: CurvatureMode) => tf.Tensor;
}

/** Estimated losses, gradients and (when requested) Hessians: tensors the caller disposes. */
export interface EstimatedCurvature {
  losses: tf.Tensor1D;
  gradients: tf.Tensor2D;
  hessians?: tf.Tensor3D;
  hessianMean?: tf.Tensor2D;
}

/**
 * The loss as a tf op: value l̂ [B], gradient w.r.t. θ = dy_b · ĝ_b in θ's shape.
 *
 * @param theta [B, …] float32; @param estimate θ's values [B·m] ↦ the estimate (called once per forward).
 */
export function lossWithEstimatedGradient(where: string, theta: tf.Tensor, estimate: (theta: tf.Tensor) => LossEstimate): tf.Tensor1D {
  if (!(theta instanceof tf.Tensor) || theta.rank < 2) {
    throw new Error(`${where}: theta must be a tensor [B, …], got ${describeValue(theta)}`);
  }
  const op = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor;
    const { losses, gradients } = estimate(x);
    const batch = x.shape[0];
    const rowShape = x.shape.map((_, axis) => (axis === 0 ? batch : 1));
    return {
      value: tf.tensor1d(Float32Array.from(losses)),
      gradFunc: (dy: tf.Tensor) => tf.mul(tf.reshape(dy, rowShape), tf.tensor(Float32Array.from(gradients), x.shape)),
    };
  });
  return op(theta) as tf.Tensor1D;
}

/** Checks a curvature request: `{ hessian: 'none' | 'batch-mean' | 'per-sample' }`. */
export function checkCurvatureRequest(where: string, request: CurvatureRequest): CurvatureRequest['hessian'] {
  const mode = request?.hessian;
  assertOneOf(where, 'request.hessian', mode, ['none', 'batch-mean', 'per-sample'] as const);
  return mode;
}

/** The estimate as tensors for `newtonStep`'s curvature provider: B inputs of m entries. */
export function estimatedCurvature(estimate: LossEstimate, batch: number, m: number, mode: CurvatureRequest['hessian']): EstimatedCurvature {
  const out: EstimatedCurvature = {
    losses: tf.tensor1d(Float32Array.from(estimate.losses)),
    gradients: tf.tensor2d(Float32Array.from(estimate.gradients), [batch, m]),
  };
  if (mode !== 'none') {
    if (!estimate.hessian) throw new Error(`estimatedCurvature: the estimator gives no Hessian for request '${mode}'`);
    if (mode === 'per-sample') out.hessians = estimate.hessian(mode) as tf.Tensor3D;
    else out.hessianMean = estimate.hessian(mode) as tf.Tensor2D;
  }
  return out;
}
