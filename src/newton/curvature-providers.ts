/**
 * The two general curvature providers of the Newton step: autodiff of a per-sample loss, and
 * numbers computed elsewhere. The relaxations' estimators (stochastic smoothing, perturbed
 * optimizers) are providers of their own, built the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { assertPerSampleLoss, hessiansByColumns, lossesAndGradients } from './curvature';
import { withInputsChecked } from '../runtime/checks';
import { withoutEnclosingTape } from './without-enclosing-tape';
import type { CurvatureEstimate, CurvatureProvider, PerSampleLoss } from './types';

/**
 * Curvature by autodiff of `lossPerSample` (Y ↦ l [N]; sample i's loss must depend on row i only):
 * l_i and g_i from one backward pass, and, when the request asks for a Hessian, all H_i from m
 * Hessian-vector products, in float64. Differentiates a detached copy of Y off any enclosing
 * gradient tape, so the estimate is a constant of the Newton loss.
 */
export function autodiffCurvature(lossPerSample: PerSampleLoss): CurvatureProvider {
  const caller = 'autodiffCurvature';
  if (typeof lossPerSample !== 'function') {
    throw new Error(`${caller}: lossPerSample must be a function Y [N, m] ↦ l [N], got ${String(lossPerSample)}`);
  }
  return {
    // The step has checked Y: the loss's own input checks are off for its m + 1 evaluations.
    curvature: (y, request) =>
      withInputsChecked(() => withoutEnclosingTape((): CurvatureEstimate => {
        if (request.checkPerSample) assertPerSampleLoss(y, lossPerSample);
        const detached = tf.clone(y);
        try {
          const { losses, gradients } = lossesAndGradients(detached, lossPerSample, caller);
          const hessians = request.hessian === 'none' ? undefined : hessiansByColumns(detached, lossPerSample, caller);
          return { losses, gradients, ...(hessians ? { hessians } : {}) };
        } finally {
          detached.dispose();
        }
      })),
  };
}

/**
 * A fixed estimate (tensors or arrays the caller keeps and disposes), e.g. the reference's own
 * gradients and Hessians: `newtonStep(y, givenCurvature({ gradients, hessians }), options)`.
 */
export function givenCurvature(estimate: CurvatureEstimate): CurvatureProvider {
  return { curvature: () => estimate };
}
