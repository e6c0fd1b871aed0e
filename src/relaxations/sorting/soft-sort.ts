/**
 * SoftSort (Prillo & Eisenschlos, ICML 2020), as in difftopk: a softmax over the inputs of minus
 * their distance to each sorted value.
 */
import * as tf from '@tensorflow/tfjs';
import { ascendingRanks } from './ground-truth';
import { absZeroSlopeAtTies } from './subgradients';
import { assertBatchOfVectors, assertFloat, assertPositive } from './validate';
import { withoutGradient } from './without-gradient';

export interface SoftSortOptions {
  /** Temperature τ > 0; P tends to the hard permutation as τ → 0. Default 1. */
  tau?: number;
  /**
   * Exponent of the distance, ≥ 1. Default 1 (the reference). Second derivatives are finite for
   * pow = 1 and pow ≥ 2 (for 1 < pow < 2 the distance of an input to its own sorted value, 0, has
   * an infinite second derivative).
   */
  pow?: number;
}

/**
 * SoftSort relaxed permutation of each row of `scores`, ascending:
 *
 *   P[b][i][k] = softmax_i( −|x_i − sort(x)_k|^pow / τ ),
 *
 * Prillo & Eisenschlos's formula on s = −x (|s_i − sort_desc(s)_k| = |x_i − sort_asc(x)_k|). The
 * sorted values carry gradient (to the inputs they came from), like torch.sort; the hard order
 * that picks them does not. Columns sum to 1.
 *
 * At tied scores (see `subgradients.ts`): |·| has derivative 0 at 0, as torch.abs, and tied inputs
 * keep their index order in the hard sort, as torch.sort on CPU; the gradient then matches
 * difftopk's SoftSort, including how it is split within a group of tied inputs.
 *
 * @param scores [B, n] float32, n ≥ 2, finite.
 * @returns P [B, n, n], P[b][i][k] = weight of input i at ascending position k (sorted = x @ P).
 */
export function softSort(scores: tf.Tensor2D, options: SoftSortOptions = {}): tf.Tensor3D {
  const where = 'softSort';
  assertBatchOfVectors(where, 'scores', scores);
  assertFloat(where, 'scores', scores);
  const tau = options.tau ?? 1;
  const pow = options.pow ?? 1;
  assertPositive(where, 'options.tau', tau);
  if (typeof pow !== 'number' || !Number.isFinite(pow) || pow < 1) {
    throw new Error(`${where}: options.pow must be a finite number ≥ 1, got ${String(pow)}`);
  }
  return tf.tidy(() => {
    const [batch, n] = scores.shape;
    const hardPermutation = withoutGradient(scores, (x) => tf.oneHot(ascendingRanks(x as tf.Tensor2D), n).toFloat());
    const sorted = tf.matMul(scores.reshape([batch, 1, n]), hardPermutation).reshape([batch, n, 1]); // sort(x)_k
    const distance = absZeroSlopeAtTies(tf.sub(sorted, scores.reshape([batch, 1, n])), tf.transpose(hardPermutation, [0, 2, 1])); // [b][k][i]
    const powered = pow === 1 ? distance : tf.pow(distance, pow);
    return tf.transpose(tf.softmax(tf.div(powered, -tau)), [0, 2, 1]) as tf.Tensor3D;
  });
}
