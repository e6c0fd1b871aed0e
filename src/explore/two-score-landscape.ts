/**
 * The ranking loss as a function of two scores (notebook 02's landscape): three or more items in
 * their index order, the first two scores free and the others fixed, and the loss on a grid.
 */
import * as tf from '@tensorflow/tfjs';
import type { PerSampleLoss } from '../newton/types';
import { rankingLossPerSample } from '../relaxations/sorting/relaxations';
import type { Relaxation } from '../relaxations/sorting/relaxation';
import { assertFiniteArray, assertFunction } from '../runtime/checks';

/**
 * The per-sample loss (x₀, x₁) ↦ rankingLoss(relax([x₀, x₁, …fixed])) against the true order
 * 0 < 1 < … < n − 1 (item i should get the i-th smallest score).
 *
 * @param fixed the scores of items 2 … n − 1 (default [0]: three items, the third at 0).
 * @returns Y [B, 2] ↦ [B].
 */
export function twoScoreRankingLoss(relax: Relaxation, fixed: number[] = [0]): PerSampleLoss {
  const where = 'twoScoreRankingLoss';
  assertFunction(where, 'relax', relax);
  assertFiniteArray(where, 'fixed', fixed);
  const n = 2 + fixed.length;
  return (y) => {
    if (!(y instanceof tf.Tensor) || y.rank !== 2 || y.shape[1] !== 2) {
      const got = y instanceof tf.Tensor ? `shape [${y.shape.join(', ')}]` : String(y);
      throw new Error(`twoScoreRankingLoss: scores must be a tf.Tensor2D [B, 2], got ${got}`);
    }
    return tf.tidy(() => {
      const batch = y.shape[0];
      const targets = tf.tensor2d(Array.from({ length: batch }, () => Array.from({ length: n }, (_, i) => i)));
      const rest = tf.tile(tf.tensor2d([fixed]), [batch, 1]);
      return rankingLossPerSample(relax, targets)(tf.concat([y, rest], 1) as tf.Tensor2D);
    });
  };
}

/**
 * A per-sample loss of two outputs on the grid xs × ys, in one batch.
 *
 * @returns z [ys.length][xs.length] with z[r][c] = loss([xs[c], ys[r]]) (plotly's contour layout).
 */
export function lossSurface(loss: PerSampleLoss, xs: number[], ys: number[]): number[][] {
  const where = 'lossSurface';
  assertFunction(where, 'loss', loss);
  assertFiniteArray(where, 'xs', xs);
  assertFiniteArray(where, 'ys', ys);
  const values = tf.tidy(() => loss(tf.tensor2d(ys.flatMap((b) => xs.map((a) => [a, b])))).dataSync());
  return ys.map((_, row) => Array.from(values.subarray(row * xs.length, (row + 1) * xs.length)));
}
