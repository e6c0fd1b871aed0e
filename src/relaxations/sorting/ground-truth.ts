/**
 * The hard sorting permutation of a batch of vectors, with a deterministic rule for ties.
 */
import * as tf from '@tensorflow/tfjs';
import { assertBatchOfVectors } from '../../runtime/checks';

/**
 * Ascending rank of every entry: rank_i = #{j : t_j < t_i} + #{j < i : t_j = t_i}. Ties are broken
 * by position (the earlier index gets the lower rank), the same as a stable ascending argsort.
 *
 * @param values [B, n] any numeric tensor (not checked; internal).
 * @returns [B, n] int32 ranks in 0..n-1, a permutation of 0..n-1 in every row.
 */
export function ascendingRanks(values: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = values.shape[1];
    const [batch] = values.shape;
    const own = values.reshape([batch, n, 1]); // t_i along axis 1
    const other = values.reshape([batch, 1, n]); // t_j along axis 2
    const earlier = tf.tensor2d(strictlyLowerTriangle(n), [n, n]); // [i][j] = 1 iff j < i
    const before = tf.add(tf.less(other, own).toFloat(), tf.mul(tf.equal(other, own).toFloat(), earlier));
    return tf.sum(before, 2).toInt() as tf.Tensor2D;
  });
}

/**
 * Ground-truth permutation matrices from the values whose ascending order is the truth:
 * `P[b][i][j] = 1` iff input i is at ascending position j (so `sorted = targets @ P`), i.e. the
 * transposed one-hot of `argsort(targets)`. Ties: stable, the earlier index takes the lower
 * position (see `ascendingRanks`).
 *
 * @param targets [B, n], n ≥ 2, finite.
 * @returns [B, n, n] float32 0/1 matrices, one 1 per row and column.
 */
export function groundTruthPermutation(targets: tf.Tensor2D): tf.Tensor3D {
  assertBatchOfVectors('groundTruthPermutation', 'targets', targets, true);
  return tf.tidy(() => tf.oneHot(ascendingRanks(targets), targets.shape[1]).toFloat() as tf.Tensor3D);
}

function strictlyLowerTriangle(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out.fill(1, i * n, i * n + i);
  return out;
}
