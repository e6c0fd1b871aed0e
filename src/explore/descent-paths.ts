/**
 * Gradient-descent and regularised Newton paths on a loss of a few outputs (notebook 00's picture:
 * the same start, the same number of steps, two update rules).
 */
import * as tf from '@tensorflow/tfjs';
import { perSampleGradients } from '../newton/curvature';
import { newtonTarget } from '../newton/newton-step';
import type { IndefinitePolicy, NewtonVariant, PerSampleLoss } from '../newton/types';
import { assertFiniteArray, assertFunction, assertInteger, assertPositive, describeValue } from '../runtime/checks';

/**
 * The update rule of a path:
 * - 'gradient': y ← y − learningRate · ∇l(y);
 * - 'newton': y ← z* = y − (M + λI)⁻¹ ∇l(y), M the Hessian of l at y or the Fisher ∇l ∇lᵀ
 *   (`newtonStep` on a batch of one; `indefinite` as in `NewtonOptions`, default 'invert').
 */
export type DescentMethod =
  | { kind: 'gradient'; learningRate: number }
  | { kind: 'newton'; variant: NewtonVariant; lambda: number; indefinite?: IndefinitePolicy };

export interface DescentPath {
  /** y⁰ = start, y¹, …: steps + 1 points of m coordinates, fewer when the path diverged. */
  points: number[][];
  /** l(yᵏ) at every point. */
  losses: number[];
  /** True when a step left the finite numbers; the path ends at the last finite point. */
  diverged: boolean;
}

/**
 * Runs `steps` updates of `method` from `start` on a loss of one sample.
 *
 * @param loss a per-sample loss Y [B, m] ↦ [B] (e.g. `twoScoreRankingLoss(relax)`); called with B = 1.
 * @param start y⁰ [m], finite.
 * @param steps number of updates ≥ 0.
 * @throws on a bad loss or start, an unknown method, a learning rate or λ ≤ 0, steps not an integer ≥ 0.
 */
export function descentPath(loss: PerSampleLoss, start: number[], method: DescentMethod, steps: number): DescentPath {
  const where = 'descentPath';
  assertFunction(where, 'loss', loss);
  assertFiniteArray(where, 'start', start);
  assertInteger(where, 'steps', steps, 0);
  const update = updateRule(where, loss, method);
  const lossAt = (point: number[]): number => tf.tidy(() => loss(tf.tensor2d([point])).dataSync()[0]);
  const points = [[...start]];
  const losses = [lossAt(start)];
  for (let k = 0; k < steps; k++) {
    const next = update(points[points.length - 1]);
    if (!next.every(Number.isFinite)) return { points, losses, diverged: true };
    const value = lossAt(next);
    if (!Number.isFinite(value)) return { points, losses, diverged: true };
    points.push(next);
    losses.push(value);
  }
  return { points, losses, diverged: false };
}

function updateRule(where: string, loss: PerSampleLoss, method: DescentMethod): (point: number[]) => number[] {
  switch (method?.kind) {
    case 'gradient': {
      assertPositive(where, 'method.learningRate', method.learningRate);
      return (point) => {
        const y = tf.tensor2d([point]);
        const gradients = perSampleGradients(y, loss);
        const g = gradients.dataSync();
        tf.dispose([y, gradients]);
        return point.map((value, i) => value - method.learningRate * g[i]);
      };
    }
    case 'newton': {
      const { variant, lambda, indefinite } = method;
      const options = { variant, lambda, ...(indefinite ? { indefinite } : {}) };
      return (point) => {
        const y = tf.tensor2d([point]);
        const target = newtonTarget(y, loss, options);
        const next = Array.from(target.dataSync());
        tf.dispose([y, target]);
        return next;
      };
    }
    default:
      throw new Error(`${where}: method.kind must be 'gradient' or 'newton', got ${describeValue((method as { kind?: unknown } | undefined)?.kind)}`);
  }
}
