/**
 * The Newton step in output space and the Newton loss (Petersen et al., NeurIPS 2024):
 *
 *   z*_i = y_i − (M + λI)⁻¹ g_i,        L*(Y) = mean_i ½‖z*_i − y_i‖²  (z* held constant),
 *
 * so ∇_Y L* = (Y − Z*) / N, row i = (M + λI)⁻¹ g_i / N: the loss's gradient preconditioned by its
 * curvature. M is the batch-mean Hessian or empirical Fisher, or one per sample (see
 * `newton-directions.ts`); as λ → ∞, ∇_Y L* → ∇_Y L / λ. The curvature comes from a
 * `CurvatureProvider`: autodiff of a per-sample loss, a relaxation's own estimator, or given numbers.
 *
 * Shapes: Y, Z*, G [N, m]; per-sample losses [N]. The m × m algebra runs in float64 on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { autodiffCurvature } from './curvature-providers';
import { newtonDirections, type BatchCurvature } from './newton-directions';
import { readArray, readOutputs, resolveNewtonOptions, type ResolvedNewtonOptions } from './validation';
import type { CurvatureEstimate, CurvatureProvider, CurvatureRequest, NewtonOptions, NewtonStep, PerSampleLoss } from './types';

/**
 * Where the curvature comes from: a `CurvatureProvider`, or a per-sample loss Y ↦ l [N], short
 * for `autodiffCurvature(loss)`.
 */
export type CurvatureSource = CurvatureProvider | PerSampleLoss;

/**
 * One Newton step: asks `curvature` for l_i, g_i [N, m] and, for variant 'hessian', H_i [N, m, m]
 * or their mean M [m, m] (see `curvatureRequest`), solves (M + λI) d_i = g_i and builds the loss.
 *
 * @param y network outputs [N, m] (gradient of the returned loss flows into it), finite.
 * @param curvature a provider, or a per-sample loss for autodiff (sample i's loss must depend on
 *   row i only; `options.checkPerSample` verifies it on probes).
 * @param options { variant, lambda, curvature = 'batch-mean', indefinite = 'invert', ... }.
 * @returns { loss: L*(Y) (scalar, caller disposes), target: z* [N, m] (caller disposes), diagnostics }.
 * @throws when y is not a finite float32 [N, m], an option is out of range, or the estimate lacks
 *   what the options need or is not finite (each error names the argument).
 */
export function newtonStep(y: tf.Tensor2D, curvature: CurvatureSource, options: NewtonOptions): NewtonStep {
  return step(y, curvature, options, 'newtonStep');
}

/** z* [N, m] = y_i − (M + λI)⁻¹ g_i (see `newtonStep`); the caller disposes it. */
export function newtonTarget(y: tf.Tensor2D, curvature: CurvatureSource, options: NewtonOptions): tf.Tensor2D {
  const result = step(y, curvature, options, 'newtonTarget');
  result.loss.dispose();
  return result.target;
}

/** L*(Y) = mean_i ½‖z*_i − y_i‖², z* constant: a scalar whose gradient flows into y only (see `newtonStep`). */
export function newtonLoss(y: tf.Tensor2D, curvature: CurvatureSource, options: NewtonOptions): tf.Scalar {
  const result = step(y, curvature, options, 'newtonLoss');
  result.target.dispose();
  return result.loss;
}

/**
 * What a provider must return for these options: hessian 'none' (Fisher: gradients only),
 * 'batch-mean' (hessianMean or hessians) or 'per-sample' (hessians).
 */
export function curvatureRequest(options: NewtonOptions): CurvatureRequest {
  const resolved = resolveNewtonOptions(options, 'curvatureRequest');
  return { hessian: resolved.variant === 'fisher' ? 'none' : resolved.curvature };
}

function step(y: tf.Tensor2D, curvature: CurvatureSource, options: NewtonOptions, caller: string): NewtonStep {
  const resolved = resolveNewtonOptions(options, caller);
  const values = readOutputs(y, caller);
  const provider = typeof curvature === 'function' ? autodiffCurvature(curvature) : curvature;
  if (typeof provider !== 'object' || provider === null || typeof provider.curvature !== 'function') {
    throw new Error(`${caller}: curvature must be a CurvatureProvider { curvature(y, request) } or a per-sample loss, got ${String(curvature)}`);
  }
  const request: CurvatureRequest = {
    hessian: resolved.variant === 'fisher' ? 'none' : resolved.curvature,
    ...(resolved.checkPerSample ? { checkPerSample: true } : {}),
  };
  // Tensors the provider creates for its estimate are read and freed here.
  let batch: BatchCurvature | undefined;
  tf.tidy(() => {
    batch = readEstimate(provider.curvature(y, request), y.shape, resolved, caller);
  });
  return finishStep(y, values, batch as BatchCurvature, resolved);
}

function readEstimate(estimate: CurvatureEstimate, shape: [number, number], options: ResolvedNewtonOptions, caller: string): BatchCurvature {
  const [n, m] = shape;
  if (typeof estimate !== 'object' || estimate === null || estimate.gradients === undefined) {
    throw new Error(`${caller}: the curvature estimate must be an object { gradients [N, m], hessians?, hessianMean?, losses? }, got ${String(estimate)}`);
  }
  const curvature: BatchCurvature = {
    n,
    m,
    gradients: readArray(estimate.gradients, [n, m], caller, 'estimate.gradients'),
    losses: estimate.losses === undefined ? null : readArray(estimate.losses, [n], caller, 'estimate.losses'),
  };
  if (options.variant === 'hessian') {
    const perSample = options.curvature === 'per-sample';
    if (!perSample && estimate.hessianMean !== undefined) {
      curvature.hessianMean = readArray(estimate.hessianMean, [m, m], caller, 'estimate.hessianMean');
    } else if (estimate.hessians !== undefined) {
      curvature.hessians = readArray(estimate.hessians, [n, m, m], caller, 'estimate.hessians');
    } else {
      const needed = perSample ? 'estimate.hessians [N, m, m]' : 'estimate.hessianMean [m, m] or estimate.hessians [N, m, m]';
      throw new Error(`${caller}: variant 'hessian' with curvature '${options.curvature}' needs ${needed}`);
    }
  }
  return curvature;
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
