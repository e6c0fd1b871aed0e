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
import { readGrids, solvePerturbed, type GridBatch, type PerturbedSolutions } from './perturbed-solutions';
import { scoreGradients, scoreHessians } from './score-function-estimates';
import type { NoiseOptions } from './smoothing-noise';

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
): { losses: tf.Tensor1D; gradients: tf.Tensor2D; hessians?: tf.Tensor3D; hessianMean?: tf.Tensor2D } {
  const where = 'smoothedLossCurvature';
  const mode = request?.hessian;
  if (mode !== 'none' && mode !== 'batch-mean' && mode !== 'per-sample') {
    throw new Error(`${where}: request.hessian must be 'none', 'batch-mean' or 'per-sample', got '${String(mode)}'`);
  }
  const grids = readGrids(theta, target, where);
  const { solutions, losses, weights } = sampleLosses(grids, options, where);
  const m = solutions.cells;
  const gradients = scoreGradients(solutions, weights);
  return {
    losses: tf.tensor1d(Float32Array.from(losses)),
    gradients: tf.tensor2d(Float32Array.from(gradients), [grids.batch, m]),
    ...(mode === 'per-sample' ? { hessians: scoreHessians(solutions, weights, 'per-sample') as tf.Tensor3D } : {}),
    ...(mode === 'batch-mean' ? { hessianMean: scoreHessians(solutions, weights, 'batch-mean') as tf.Tensor2D } : {}),
  };
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
  if (!(theta instanceof tf.Tensor) || theta.rank !== 3) {
    throw new Error(`${where}: theta must be a tensor [B, H, W], got ${theta instanceof tf.Tensor ? `shape [${theta.shape.join(', ')}]` : String(theta)}`);
  }
  const op = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor;
    const grids = readGrids(x, target, where);
    const { solutions, losses, weights } = sampleLosses(grids, options, where);
    const gradients = Float32Array.from(scoreGradients(solutions, weights));
    return {
      value: tf.tensor1d(Float32Array.from(losses)),
      gradFunc: (dy: tf.Tensor) => tf.mul(tf.reshape(dy, [grids.batch, 1, 1]), tf.tensor3d(gradients, [grids.batch, grids.height, grids.width])),
    };
  });
  return op(theta) as tf.Tensor1D;
}

/** Solves the perturbed problems and evaluates the loss: smoothed values `[B]`, weights `[B, S]`. */
function sampleLosses(
  grids: GridBatch,
  options: SmoothedLossOptions,
  where: string,
): { solutions: PerturbedSolutions; losses: Float64Array; weights: Float64Array } {
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
  return { solutions, losses, weights };
}

/** sum_j |path_j - target_j|. */
export function hammingDistance(path: Float32Array, target: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < path.length; j++) sum += Math.abs(path[j] - target[j]);
  return sum;
}
