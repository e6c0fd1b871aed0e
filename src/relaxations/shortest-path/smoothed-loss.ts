/**
 * Stochastic smoothing of the loss (the paper's "SS of loss"): the loss of the exact
 * solver, l_b(theta) = loss(dijkstra(theta_b), target_b), smoothed with noise of scale sigma:
 *
 *   value    (1/S) sum_s l_b(theta_b + sigma e_s)
 *   gradient (1/(S sigma))   sum_s (l_b(theta_b + sigma e_s) - c_b) s(e_s)
 *   Hessian  (1/(S sigma^2)) sum_s (l_b(theta_b + sigma e_s) - c_b) (s s^T - diag nu''(e_s))
 *
 * c_b = l_b(theta_b) with `baseline: true`, else 0 (see `stochastic-smoothing.ts`). The default
 * loss is the Hamming distance sum |y - target| (= L1 = squared L2 on 0/1 paths).
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvatureRequest } from '../../newton/types';
import { checkCurvatureRequest, estimatedCurvature, lossWithEstimatedGradient, type EstimatedCurvature, type LossEstimate } from '../../perturbations/estimated-loss';
import type { NoiseOptions } from '../../perturbations/smoothing-noise';
import { assertGrids, readGrids, solvePerturbed, type GridBatch } from './perturbed-solutions';
import { scoreGradients, scoreHessians } from './score-function-estimates';

/** Loss of one hard path (0/1, length m) against its target; `index` is the input's batch index. */
export type PathLossFunction = (path: Float32Array, target: Float32Array, index: number) => number;

export interface SmoothedLossOptions extends NoiseOptions {
  /** Subtract the unperturbed loss in the derivative estimates (B more solves). Default false. */
  baseline?: boolean;
  /** Loss of a hard path; default Hamming distance. */
  pathLoss?: PathLossFunction;
}

/**
 * Curvature estimates of the smoothed loss, in the shape the Newton-loss API takes
 * (`CurvatureEstimate`; pass `(y, request) => smoothedLossCurvature(y, target, options, request)`
 * as a `CurvatureProvider`). All from the same noise. The caller disposes the tensors.
 *
 * @param theta costs `[B, H, W]` or `[B, H*W]`.
 * @param target true paths `[B, H, W]`.
 * @param request which Hessian to estimate: 'none' | 'batch-mean' (hessianMean `[m, m]`) |
 *   'per-sample' (hessians `[B, m, m]`); default 'batch-mean'.
 * @returns losses `[B]` (smoothed values), gradients `[B, m]`, and the Hessian asked for.
 */
export function smoothedLossCurvature(
  theta: tf.Tensor,
  target: tf.Tensor3D,
  options: SmoothedLossOptions,
  request: CurvatureRequest = { hessian: 'batch-mean' },
): EstimatedCurvature {
  const where = 'smoothedLossCurvature';
  const mode = checkCurvatureRequest(where, request);
  const grids = readGrids(theta, target, where);
  return estimatedCurvature(smoothedLoss(grids, options, where), grids.batch, grids.height * grids.width, mode);
}

/**
 * The smoothed loss as a tf op: value `[B]` = (1/S) sum_s l_b(theta_b + sigma e_s), gradient
 * w.r.t. theta the score-function estimate above (so it backpropagates into a network). Noise is
 * drawn once per call, in the forward pass.
 *
 * @param theta costs `[B, H, W]`; @param target true paths `[B, H, W]`.
 */
export function smoothedShortestPathLoss(theta: tf.Tensor3D, target: tf.Tensor3D, options: SmoothedLossOptions): tf.Tensor1D {
  const where = 'smoothedShortestPathLoss';
  assertGrids(where, theta);
  return lossWithEstimatedGradient(where, theta, (x) => smoothedLoss(readGrids(x, target, where), options, where));
}

/** Solves the perturbed problems and evaluates the loss: smoothed values `[B]`, weights `[B, S]`. */
/** The score-function estimate of the smoothed loss from one batch of perturbed solves. */
function smoothedLoss(grids: GridBatch, options: SmoothedLossOptions, where: string): LossEstimate {
  const { pathLoss = hammingDistance } = options ?? {};
  if (typeof pathLoss !== 'function') throw new Error(`${where}: pathLoss must be a function (path, target, index) => number`);
  const { batch, height, width, theta } = grids;
  const target = grids.target as Float32Array;
  const solutions = solvePerturbed(theta, batch, height, width, options, Boolean(options.baseline), where);
  const { samples, cells, paths, unperturbed } = solutions;
  const lossAt = (path: Float32Array, b: number): number => {
    const value = pathLoss(path, target.subarray(b * cells, (b + 1) * cells), b);
    if (!Number.isFinite(value)) throw new Error(`${where}: pathLoss must return a finite number, got ${value} for input ${b}`);
    return value;
  };
  const losses = new Float64Array(batch);
  const weights = new Float64Array(batch * samples);
  for (let b = 0; b < batch; b++) {
    const baseline = unperturbed ? lossAt(unperturbed.subarray(b * cells, (b + 1) * cells), b) : 0;
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      const value = lossAt(paths.subarray(offset, offset + cells), b);
      losses[b] += value / samples;
      weights[b * samples + s] = value - baseline;
    }
  }
  return {
    losses,
    gradients: scoreGradients(solutions, weights),
    hessian: (shape) => scoreHessians(solutions, weights, shape),
  };
}

/** sum_j |path_j - target_j|. */
export function hammingDistance(path: Float32Array, target: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < path.length; j++) sum += Math.abs(path[j] - target[j]);
  return sum;
}
