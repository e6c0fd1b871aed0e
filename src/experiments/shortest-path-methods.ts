/**
 * The losses of the shortest-path experiment, one per relaxed algorithm, in the two shapes the
 * Newton-loss API takes:
 * - relaxed Bellman-Ford is differentiable: a per-sample loss Y ↦ l [B] for autodiff (baseline:
 *   backpropagate; Newton: `newtonStep` with `autodiffCurvature` — the Hessian by 144 HVPs);
 * - the stochastic methods estimate the loss, its gradient and (for the Hessian variant) its
 *   batch-mean Hessian from S noisy Dijkstra solves per map: the estimator of a curvature provider
 *   for the same `newtonStep` (the baseline uses its gradients).
 *
 * Costs Y are `[B, m]` rows of the `g × g` grids (m = g²), targets the true paths `[B, g, g]`.
 * The stochastic methods always subtract the unperturbed baseline (B more solves; unbiased, lower
 * variance) and use Gaussian noise.
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvatureRequest, PerSampleLoss } from '../newton/index';
import type { EstimatedCurvature } from '../perturbations/index';
import {
  pathL1Loss,
  pathL2SquaredLoss,
  perturbedFenchelYoungCurvature,
  relaxedShortestPath,
  resolveRelaxedBellmanFordOptions,
  smoothedLossCurvature,
  smoothedPathCurvature,
  defaultNIter,
  minimumNIter,
} from '../relaxations/shortest-path/index';
import type { Rng } from '../runtime/random';
import type { ShortestPathConfig, ShortestPathMethod } from './shortest-path-presets';

export type ShortestPathLoss =
  | {
      kind: 'relaxed';
      /** l_i = loss(relaxedBellmanFord(y_i), target_i), differentiable (twice). */
      lossPerSample(target: tf.Tensor3D): PerSampleLoss;
    }
  | {
      kind: 'estimated';
      /** Monte-Carlo estimates at costs `y` (values only; nothing flows back), noise from `rng`. */
      estimate(y: tf.Tensor2D, target: tf.Tensor3D, rng: Rng, request: CurvatureRequest): EstimatedCurvature;
    };

/**
 * The loss of `config.method` with its parameters (β, iterations; samples, σ), for maps of
 * `gridSize × gridSize` cells (default 12). Relaxed Bellman-Ford: `nIter` 0 means "from the map
 * size" (`defaultNIter`: 25 at 12 × 12, 37 / 49 / 61 at 18 / 24 / 30); an nIter below the map's
 * minimum (`minimumNIter`) is refused, naming both.
 */
export function shortestPathLoss(config: ShortestPathConfig, gridSize = 12): ShortestPathLoss {
  const method = config.method as ShortestPathMethod;
  const relaxed = /^rbf-(for|while)-(l1|l2)$/.exec(method);
  if (relaxed) {
    const nIter = config.nIter === 0 ? defaultNIter(gridSize, gridSize) : config.nIter;
    if (nIter < minimumNIter(gridSize, gridSize)) {
      throw new Error(
        `shortest-path: option 'nIter' = ${nIter} is too small for ${gridSize} × ${gridSize} maps: needs at least ${minimumNIter(gridSize, gridSize)}; ` +
          `use --n-iter 0 to choose it from the map size (${defaultNIter(gridSize, gridSize)})`,
      );
    }
    const options = resolveRelaxedBellmanFordOptions({ beta: config.beta, nIter, loop: relaxed[1] as 'for' | 'while' }, gridSize, gridSize);
    const pathLoss = relaxed[2] === 'l1' ? pathL1Loss : pathL2SquaredLoss;
    // The costs are checked by the Newton step (or are the network's outputs): no read back per call.
    return {
      kind: 'relaxed',
      lossPerSample: (target) => (y) =>
        tf.tidy(() => pathLoss(relaxedShortestPath(tf.reshape(y, target.shape) as tf.Tensor3D, options), target)),
    };
  }
  const noise = (rng: Rng) => ({ sigma: config.sigma, samples: config.samples, rng, baseline: true });
  switch (method) {
    case 'ss-loss':
      return { kind: 'estimated', estimate: (y, target, rng, request) => smoothedLossCurvature(y, target, noise(rng), request) };
    case 'ss-algorithm':
      return {
        kind: 'estimated',
        estimate: (y, target, rng, request) => smoothedPathCurvature(y, target, { ...noise(rng), loss: 'l2' }, request),
      };
    case 'perturbed-fy':
      return { kind: 'estimated', estimate: (y, target, rng, request) => perturbedFenchelYoungCurvature(y, target, noise(rng), request) };
    default:
      throw new Error(`shortestPathLoss: unknown method '${String(config.method)}'`);
  }
}

/** Whether `method` is a relaxed Bellman-Ford (which has β and iterations, not samples and σ). */
export function isRelaxedMethod(method: string): boolean {
  return method.startsWith('rbf-');
}
