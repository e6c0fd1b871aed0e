/**
 * The subgradient convention of the sorting relaxations at ties, in one place.
 *
 * Where a relaxation is not differentiable (a tie between scores: |x_i − x_j| at 0, a sort or max
 * over equal values), it uses PyTorch's choices, so that its gradients at tied scores match the
 * public PyTorch references (difftopk, diffsort):
 *
 * - |u|: derivative sign(u), which is 0 at u = 0 (torch.abs). tfjs's own tf.abs takes −1 at 0, so
 *   NeuralSort and SoftSort use `absZeroSlopeAtTies` instead. Second derivative 0 everywhere.
 * - Hard sorts (SoftSort's sorted values): stable, tied values keep their index order (ascending
 *   sort of x, equivalently descending sort of −x), see `ascendingRanks`. The sorted values carry
 *   gradient to the input they were taken from, so the tie order decides which tied input gets
 *   it. torch.sort gives this same order on CPU for rows of up to 16 entries; for longer rows its
 *   order among ties is unspecified, and there is no single reference order to match.
 * - max / min over equal values: the relaxations take no hard max of scores on the tape (softmax
 *   shifts by the row max only for range, which does not change values or gradients). Sorting
 *   networks mix with smooth sigmoids, which are differentiable at a tie (u = 0), so no convention
 *   is needed there (their internal |v| is multiplied by, or branch-matched to, terms that make
 *   its derivative at 0 irrelevant).
 */
import * as tf from '@tensorflow/tfjs';
import { withoutGradient } from './without-gradient';

/**
 * |u| elementwise with torch.abs's derivative at a tie: sign(u), 0 at u = 0 (tf.abs has −1 there).
 *
 * Entries that compare an input with itself (`selfComparison` = 1: the diagonal x_i − x_i of
 * NeuralSort, SoftSort's sort(x)_k − x_i where position k holds input i) are 0 for every input and
 * their derivative enters the gradient as c − c, whatever c is; they keep tf.abs's −1, so that
 * inputs without ties get bit-for-bit the gradients of tf.abs (and stored runs stay reproducible).
 * Built as u · s with s = sign(u) − selfComparison a constant (sign by exact comparisons: tfjs-wasm's
 * tf.sign returns 0 for 0 < |v| ≤ 1e-7, about float32's epsilon, which would make near-ties ties): the value is exact and the second
 * derivative is 0, like tf.abs's.
 *
 * @param u any shape, float32.
 * @param selfComparison 0/1 mask broadcastable to u's shape.
 */
export function absZeroSlopeAtTies(u: tf.Tensor, selfComparison: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(u, withoutGradient(u, (v) => tf.sub(exactSign(v), selfComparison))));
}

function exactSign(v: tf.Tensor): tf.Tensor {
  return tf.sub(tf.greater(v, 0).toFloat(), tf.less(v, 0).toFloat());
}
