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
  relaxedBellmanFord,
  smoothedLossCurvature,
  smoothedPathCurvature,
  defaultNIter,
  minimumNIter,
} from '../relaxations/shortest-path/index';
import type { Rng } from '../runtime/random';
import type { ShortestPathConfig } from './shortest-path-presets';

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
 * A shortest-path method as one row of the table: its name, its parameters (β and the iteration
 * count for the relaxed Bellman-Ford; samples and σ for the stochastic methods; their defaults are
 * the presets'), and `build`, which makes the loss for maps of `gridSize × gridSize` cells.
 */
export interface ShortestPathMethodRow<Name extends string = string> {
  name: Name;
  description: string;
  kind: ShortestPathLoss['kind'];
  /** The config options the method reads (the others are stored as 0). */
  parameters: readonly ('beta' | 'nIter' | 'samples' | 'sigma')[];
  build(config: ShortestPathConfig, gridSize: number): ShortestPathLoss;
}

/** The relaxed Bellman-Ford with a for / while traceback and an L1 / L2² path loss (AlgoVision). */
function relaxedBellmanFordRow<Name extends string>(name: Name, loop: 'for' | 'while', loss: 'l1' | 'l2'): ShortestPathMethodRow<Name> {
  return {
    name,
    description: `relaxed Bellman-Ford (AlgoVision), ${loop} traceback, ${loss === 'l1' ? 'L1' : 'L2²'} path loss`,
    kind: 'relaxed',
    parameters: ['beta', 'nIter'],
    build: (config, gridSize) => {
      const nIter = config.nIter === 0 ? defaultNIter(gridSize, gridSize) : config.nIter;
      if (nIter < minimumNIter(gridSize, gridSize)) {
        throw new Error(
          `shortest-path: option 'nIter' = ${nIter} is too small for ${gridSize} × ${gridSize} maps: needs at least ${minimumNIter(gridSize, gridSize)}; ` +
            `use --n-iter 0 to choose it from the map size (${defaultNIter(gridSize, gridSize)})`,
        );
      }
      const options = { beta: config.beta, nIter, loop };
      const pathLoss = loss === 'l1' ? pathL1Loss : pathL2SquaredLoss;
      return {
        kind: 'relaxed',
        lossPerSample: (target) => (y) =>
          tf.tidy(() => pathLoss(relaxedBellmanFord(tf.reshape(y, target.shape) as tf.Tensor3D, options), target)),
      };
    },
  };
}

/** A stochastic method: an estimator at costs `y` with Gaussian noise of the config's σ and samples, baseline subtracted. */
function estimatedRow<Name extends string>(
  name: Name,
  description: string,
  estimate: (y: tf.Tensor2D, target: tf.Tensor3D, noise: { sigma: number; samples: number; rng: Rng; baseline: true }, request: CurvatureRequest) => EstimatedCurvature,
): ShortestPathMethodRow<Name> {
  return {
    name,
    description,
    kind: 'estimated',
    parameters: ['samples', 'sigma'],
    build: (config) => ({
      kind: 'estimated',
      estimate: (y, target, rng, request) => estimate(y, target, { sigma: config.sigma, samples: config.samples, rng, baseline: true }, request),
    }),
  };
}

/** The relaxed algorithms of the paper's shortest-path table. A new method: its row here. */
export const SHORTEST_PATH_METHOD_TABLE = [
  relaxedBellmanFordRow('rbf-for-l1', 'for', 'l1'),
  relaxedBellmanFordRow('rbf-for-l2', 'for', 'l2'),
  relaxedBellmanFordRow('rbf-while-l1', 'while', 'l1'),
  relaxedBellmanFordRow('rbf-while-l2', 'while', 'l2'),
  estimatedRow('ss-loss', 'stochastic smoothing of the loss (Hamming distance of the Dijkstra path)', smoothedLossCurvature),
  estimatedRow('ss-algorithm', 'stochastic smoothing of the algorithm (mean Dijkstra path), then an L2² loss', (y, target, noise, request) =>
    smoothedPathCurvature(y, target, { ...noise, loss: 'l2' }, request),
  ),
  estimatedRow('perturbed-fy', 'perturbed optimizer + Fenchel-Young loss (Berthet et al.)', perturbedFenchelYoungCurvature),
] as const;

export type ShortestPathMethod = (typeof SHORTEST_PATH_METHOD_TABLE)[number]['name'];
export const SHORTEST_PATH_METHODS: readonly ShortestPathMethod[] = SHORTEST_PATH_METHOD_TABLE.map((row) => row.name);

/** The row of `method`; an unknown name is an error listing the methods. */
export function shortestPathMethod(method: string): ShortestPathMethodRow {
  const row = SHORTEST_PATH_METHOD_TABLE.find((r) => r.name === method);
  if (!row) throw new Error(`shortest-path: unknown method '${method}'; expected one of ${SHORTEST_PATH_METHODS.join(', ')}`);
  return row;
}

/**
 * The loss of `config.method` with its parameters (β, iterations; samples, σ), for maps of
 * `gridSize × gridSize` cells (default 12). Relaxed Bellman-Ford: `nIter` 0 means "from the map
 * size" (`defaultNIter`: 25 at 12 × 12, 37 / 49 / 61 at 18 / 24 / 30); an nIter below the map's
 * minimum (`minimumNIter`) is refused, naming both.
 */
export function shortestPathLoss(config: ShortestPathConfig, gridSize = 12): ShortestPathLoss {
  return shortestPathMethod(config.method).build(config, gridSize);
}

/** Whether `method` is a relaxed Bellman-Ford (which has β and iterations, not samples and σ). */
export function isRelaxedMethod(method: string): boolean {
  return shortestPathMethod(method).kind === 'relaxed';
}
