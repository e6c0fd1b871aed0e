/**
 * The Newton step in output space and the Newton loss (Petersen et al., NeurIPS 2024):
 *
 *   z*_i = y_i − (M + λI)⁻¹ g_i,        L*(Y) = mean_i ½‖z*_i − y_i‖²  (z* held constant),
 *
 * so ∇_Y L* = (Y − Z*) / N, row i = (M + λI)⁻¹ g_i / N: the loss's gradient preconditioned by its
 * curvature. M is the batch-mean Hessian or empirical Fisher, or one per sample (see
 * `newton-directions.ts`); as λ → ∞, ∇_Y L* → ∇_Y L / λ. The curvature comes from autodiff of a
 * per-sample loss (`newtonStep`) or from a relaxation's own estimate (`newtonStepFromCurvature`).
 *
 * Shapes: Y, Z*, G [N, m]; per-sample losses [N]. The m × m algebra runs in float64 on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { hessiansByColumns, lossesAndGradients, assertPerSampleLoss } from './curvature';
import { newtonDirections, type BatchCurvature } from './newton-directions';
import { readArray, readOutputs, resolveNewtonOptions, type ResolvedNewtonOptions } from './validation';
import { withoutEnclosingTape } from './without-enclosing-tape';
import type { CurvatureEstimate, CurvatureRequest, NewtonOptions, NewtonStep, PerSampleLoss } from './types';

/**
 * One Newton step with curvature by autodiff: per-sample gradients in one backward pass, and for
 * variant 'hessian' the per-sample Hessians by m Hessian-vector products (sample i's loss must
 * depend on row i only; `options.checkPerSample` verifies it on probes).
 *
 * @param y network outputs [N, m] (gradient of the returned loss flows into it).
 * @param lossPerSample Y ↦ l [N].
 * @param options { variant, lambda, curvature = 'batch-mean', indefinite = 'invert', ... }.
 * @returns { loss: L*(Y) (scalar, caller disposes), target: z* [N, m] (caller disposes), diagnostics }.
 */
export function newtonStep(y: tf.Tensor2D, lossPerSample: PerSampleLoss, options: NewtonOptions): NewtonStep {
  return autodiffStep(y, lossPerSample, options, 'newtonStep');
}

/**
 * One Newton step with curvature supplied by the caller (stochastic smoothing, perturbed
 * optimizers): `estimate.gradients` g_i [N, m]; for variant 'hessian' `estimate.hessianMean` [m, m]
 * or `estimate.hessians` [N, m, m] ('per-sample' needs `hessians`). See `curvatureRequest`.
 */
export function newtonStepFromCurvature(y: tf.Tensor2D, estimate: CurvatureEstimate, options: NewtonOptions): NewtonStep {
  return estimateStep(y, estimate, options, 'newtonStepFromCurvature');
}

/** z* [N, m] = y_i − (M + λI)⁻¹ g_i, curvature by autodiff (see `newtonStep`). */
export function newtonTarget(y: tf.Tensor2D, lossPerSample: PerSampleLoss, options: NewtonOptions): tf.Tensor2D {
  return keepTarget(autodiffStep(y, lossPerSample, options, 'newtonTarget'));
}

/** L*(Y) = mean_i ½‖z*_i − y_i‖², z* constant: a scalar whose gradient flows into y only. */
export function newtonLoss(y: tf.Tensor2D, lossPerSample: PerSampleLoss, options: NewtonOptions): tf.Scalar {
  return keepLoss(autodiffStep(y, lossPerSample, options, 'newtonLoss'));
}

/** z* [N, m] from a supplied curvature estimate (see `newtonStepFromCurvature`). */
export function newtonTargetFromCurvature(y: tf.Tensor2D, estimate: CurvatureEstimate, options: NewtonOptions): tf.Tensor2D {
  return keepTarget(estimateStep(y, estimate, options, 'newtonTargetFromCurvature'));
}

/** L*(Y) from a supplied curvature estimate (see `newtonStepFromCurvature`). */
export function newtonLossFromCurvature(y: tf.Tensor2D, estimate: CurvatureEstimate, options: NewtonOptions): tf.Scalar {
  return keepLoss(estimateStep(y, estimate, options, 'newtonLossFromCurvature'));
}

/**
 * What a `CurvatureEstimate` must contain for these options: hessian 'none' (Fisher: gradients
 * only), 'batch-mean' (hessianMean or hessians) or 'per-sample' (hessians).
 */
export function curvatureRequest(options: NewtonOptions): CurvatureRequest {
  const resolved = resolveNewtonOptions(options, 'curvatureRequest');
  return { hessian: resolved.variant === 'fisher' ? 'none' : resolved.curvature };
}

function autodiffStep(y: tf.Tensor2D, lossPerSample: PerSampleLoss, options: NewtonOptions, caller: string): NewtonStep {
  const resolved = resolveNewtonOptions(options, caller);
  const values = readOutputs(y, caller);
  const [n, m] = y.shape;
  // The curvature is a constant of the Newton loss: differentiate a detached copy of y, off any
  // enclosing tape.
  const curvature = withoutEnclosingTape((): BatchCurvature => {
    if (resolved.checkPerSample) assertPerSampleLoss(y, lossPerSample);
    const detached = tf.tensor2d(values, [n, m]);
    try {
      const { losses, gradients } = lossesAndGradients(detached, lossPerSample, caller);
      const hessians = resolved.variant === 'hessian' ? hessiansByColumns(detached, lossPerSample, caller) : undefined;
      return { n, m, losses, gradients, hessians };
    } finally {
      detached.dispose();
    }
  });
  return finishStep(y, values, curvature, resolved);
}

function estimateStep(y: tf.Tensor2D, estimate: CurvatureEstimate, options: NewtonOptions, caller: string): NewtonStep {
  const resolved = resolveNewtonOptions(options, caller);
  const values = readOutputs(y, caller);
  const [n, m] = y.shape;
  if (typeof estimate !== 'object' || estimate === null || estimate.gradients === undefined) {
    throw new Error(`${caller}: estimate must be an object { gradients [N, m], hessians?, hessianMean?, losses? }, got ${String(estimate)}`);
  }
  const curvature: BatchCurvature = {
    n,
    m,
    gradients: readArray(estimate.gradients, [n, m], caller, 'estimate.gradients'),
    losses: estimate.losses === undefined ? null : readArray(estimate.losses, [n], caller, 'estimate.losses'),
  };
  if (resolved.variant === 'hessian') {
    const perSample = resolved.curvature === 'per-sample';
    if (!perSample && estimate.hessianMean !== undefined) {
      curvature.hessianMean = readArray(estimate.hessianMean, [m, m], caller, 'estimate.hessianMean');
    } else if (estimate.hessians !== undefined) {
      curvature.hessians = readArray(estimate.hessians, [n, m, m], caller, 'estimate.hessians');
    } else {
      const needed = perSample ? 'estimate.hessians [N, m, m]' : 'estimate.hessianMean [m, m] or estimate.hessians [N, m, m]';
      throw new Error(`${caller}: variant 'hessian' with curvature '${resolved.curvature}' needs ${needed}`);
    }
  }
  return finishStep(y, values, curvature, resolved);
}

/**
 * Solves for the directions d_i and builds L*, z* and the diagnostics. The loss is written as
 * mean_i ½‖y_i − y⁰_i + d_i‖² with y⁰ = Y's value and d constant (equal to ½‖z*_i − y_i‖² since
 * z* = y⁰ − d), so its gradient d_i / N keeps float32 precision even when d ≪ y.
 */
function finishStep(y: tf.Tensor2D, values: Float32Array, curvature: BatchCurvature, options: ResolvedNewtonOptions): NewtonStep {
  const { n, m, gradients, losses } = curvature;
  const solved = newtonDirections(curvature, options);
  const directions = Float32Array.from(solved.directions);
  const target = new Float32Array(n * m);
  let squaredDirections = 0;
  let squaredGradients = 0;
  for (let k = 0; k < n * m; k++) {
    target[k] = values[k] - solved.directions[k];
    squaredDirections += solved.directions[k] ** 2;
    squaredGradients += gradients[k] ** 2;
  }
  const loss = tf.tidy(() => {
    const offset = tf.sub(y, tf.tensor2d(values, [n, m]));
    const residual = tf.add(offset, tf.tensor2d(directions, [n, m]));
    return tf.mul(0.5, tf.mean(tf.sum(tf.square(residual), 1))) as tf.Scalar;
  });
  let lossSum = 0;
  for (const l of losses ?? []) lossSum += l;
  return {
    loss,
    target: tf.tensor2d(target, [n, m]),
    diagnostics: {
      variant: options.variant,
      curvature: options.curvature,
      lambda: options.lambda,
      loss: losses ? lossSum / n : NaN,
      newtonLoss: (0.5 * squaredDirections) / n,
      gradientNorm: Math.sqrt(squaredGradients) / n,
      newtonGradientNorm: Math.sqrt(squaredDirections) / n,
      eigenvalueMin: solved.eigenvalueMin,
      eigenvalueMax: solved.eigenvalueMax,
      conditionNumber: solved.conditionNumber,
      fallbacks: solved.fallbacks,
      eigenSolves: solved.eigenSolves,
      systems: solved.systems,
    },
  };
}

function keepTarget(step: NewtonStep): tf.Tensor2D {
  step.loss.dispose();
  return step.target;
}

function keepLoss(step: NewtonStep): tf.Scalar {
  step.target.dispose();
  return step.loss;
}
