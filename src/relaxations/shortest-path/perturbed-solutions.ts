/**
 * The shared inner loop of the shortest-path estimators: Dijkstra at every perturbed cost
 * `theta_b + sigma e_{b,s}` (b < B inputs, s < S samples). Perturbed costs can be negative; they
 * are clamped at 0 (`dijkstraGrid`'s `negativeWeights: 'clamp'`, blackbox-backprop's convention).
 * Also validates the tensors the estimators receive.
 */
import { assertFinite } from '../../runtime/checks';
import * as tf from '@tensorflow/tfjs';
import { dijkstraGrid } from './dijkstra';
import { resolveNoise, noiseScore, type NoiseOptions, type SmoothingDistribution } from '../../perturbations/smoothing-noise';

export interface PerturbedSolutions {
  batch: number;
  height: number;
  width: number;
  /** m = height * width. */
  cells: number;
  samples: number;
  sigma: number;
  distribution: SmoothingDistribution;
  /** e `[B, S, m]`. */
  noise: Float64Array;
  /** Scores s(e) `[B, S, m]` (`noiseScore`). */
  scores: Float64Array;
  /** Shortest paths y*_{b,s} `[B, S, m]`, 0/1. */
  paths: Float32Array;
  /** Shortest paths at the unperturbed costs `[B, m]`, when a baseline was asked for. */
  unperturbed?: Float32Array;
}

/** Solves all perturbed problems. `theta` `[B, m]` row-major costs of `height × width` grids. */
export function solvePerturbed(
  theta: Float32Array,
  batch: number,
  height: number,
  width: number,
  options: NoiseOptions,
  withUnperturbed: boolean,
  where: string,
): PerturbedSolutions {
  const cells = height * width;
  const { sigma, samples, distribution, values: noise } = resolveNoise(options, batch, cells, where);
  const paths = new Float32Array(batch * samples * cells);
  const scores = new Float64Array(noise.length);
  const point = new Float64Array(cells);
  const clamp = { negativeWeights: 'clamp' } as const;
  for (let b = 0; b < batch; b++) {
    const costs = theta.subarray(b * cells, (b + 1) * cells);
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * cells;
      for (let j = 0; j < cells; j++) {
        point[j] = costs[j] + sigma * noise[offset + j];
        scores[offset + j] = noiseScore(distribution, noise[offset + j]);
      }
      dijkstraGrid(point, height, width, paths.subarray(offset, offset + cells), clamp);
    }
  }
  let unperturbed: Float32Array | undefined;
  if (withUnperturbed) {
    unperturbed = new Float32Array(batch * cells);
    for (let b = 0; b < batch; b++) {
      const range: [number, number] = [b * cells, (b + 1) * cells];
      dijkstraGrid(theta.subarray(...range), height, width, unperturbed.subarray(...range), clamp);
    }
  }
  return { batch, height, width, cells, samples, sigma, distribution, noise, scores, paths, ...(unperturbed ? { unperturbed } : {}) };
}

/** Costs and target grids read and checked at an estimator's boundary. */
export interface GridBatch {
  batch: number;
  height: number;
  width: number;
  theta: Float32Array;
  target: Float32Array | null;
}

/**
 * Reads `theta` (`[B, H, W]`, or `[B, H*W]` with the grid shape taken from `target`) and the
 * optional `target` `[B, H, W]`; both must be finite.
 */
export function readGrids(theta: tf.Tensor, target: tf.Tensor | null, where: string): GridBatch {
  if (!(theta instanceof tf.Tensor) || (theta.rank !== 3 && theta.rank !== 2)) {
    throw new Error(`${where}: theta must be a tensor [B, H, W] (or [B, H*W] with a target), got ${shapeOf(theta)}`);
  }
  if (target !== null && (!(target instanceof tf.Tensor) || target.rank !== 3)) {
    throw new Error(`${where}: target must be a tensor [B, H, W], got ${shapeOf(target)}`);
  }
  let batch: number;
  let height: number;
  let width: number;
  if (theta.rank === 3) {
    [batch, height, width] = theta.shape as [number, number, number];
    if (target !== null && !tf.util.arraysEqual(target.shape, theta.shape)) {
      throw new Error(`${where}: target must have the shape of theta [${theta.shape.join(', ')}], got [${target.shape.join(', ')}]`);
    }
  } else {
    if (target === null) throw new Error(`${where}: theta [B, H*W] needs a target [B, H, W] for the grid shape`);
    [batch, height, width] = target.shape as [number, number, number];
    if (theta.shape[0] !== batch || theta.shape[1] !== height * width) {
      throw new Error(`${where}: theta must be [${batch}, ${height * width}] to match target [${target.shape.join(', ')}], got [${theta.shape.join(', ')}]`);
    }
  }
  if (batch < 1 || height < 1 || width < 1) throw new Error(`${where}: theta must be non-empty, got ${shapeOf(theta)}`);
  const values = Float32Array.from(theta.dataSync() as Float32Array);
  assertFinite(where, 'theta', values, theta.shape);
  const targetValues = target === null ? null : (target.dataSync() as Float32Array);
  if (targetValues && target) assertFinite(where, 'target', targetValues, target.shape);
  return { batch, height, width, theta: values, target: targetValues };
}

/** `theta` must be a tensor `[B, H, W]` (the public losses take grids only). */
export function assertGrids(where: string, theta: unknown): asserts theta is tf.Tensor3D {
  if (!(theta instanceof tf.Tensor) || theta.rank !== 3) throw new Error(`${where}: theta must be a tensor [B, H, W], got ${shapeOf(theta)}`);
}

function shapeOf(value: unknown): string {
  return value instanceof tf.Tensor ? `shape [${value.shape.join(', ')}]` : String(value);
}
