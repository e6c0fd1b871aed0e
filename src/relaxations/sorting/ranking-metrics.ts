/**
 * Accuracy of a predicted ranking, as in diffsort's benchmark.
 */
import * as tf from '@tensorflow/tfjs';
import { ascendingRanks } from './ground-truth';
import { assertBatchOfVectors } from '../../runtime/checks';

export interface RankingMetrics {
  /** Share of samples whose whole order is right (argsort(scores) = argsort(targets)). */
  exactMatch: number;
  /** Share of items at their right rank, over all samples and items. */
  elementwise: number;
}

/**
 * Exact-match and element-wise accuracy of ranking by `scores` against the order of `targets`.
 * Ties, in scores or targets, are broken by position (the earlier index ranks lower, a stable
 * argsort), so the result is deterministic; equal scores for items with different targets are
 * right only when that rule happens to give the true order.
 *
 * @param scores [B, n], finite.
 * @param targets [B, n], finite: the values whose ascending order is the truth.
 */
export function rankingMetrics(scores: tf.Tensor2D, targets: tf.Tensor2D): RankingMetrics {
  const where = 'rankingMetrics';
  assertBatchOfVectors(where, 'scores', scores, true);
  assertBatchOfVectors(where, 'targets', targets, true);
  if (scores.shape[0] !== targets.shape[0] || scores.shape[1] !== targets.shape[1]) {
    throw new Error(`${where}: targets must have the shape of scores [${scores.shape.join(', ')}], got [${targets.shape.join(', ')}]`);
  }
  const correct = tf.tidy(() => tf.equal(ascendingRanks(scores), ascendingRanks(targets)).dataSync()); // [B·n], 1 = right rank
  const [batch, n] = scores.shape;
  let rightItems = 0;
  let rightSamples = 0;
  for (let b = 0; b < batch; b++) {
    let right = 0;
    for (let i = 0; i < n; i++) right += correct[b * n + i];
    rightItems += right;
    if (right === n) rightSamples += 1;
  }
  return { exactMatch: rightSamples / batch, elementwise: rightItems / (batch * n) };
}
