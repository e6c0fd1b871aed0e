/**
 * The subgradient convention of the sorting relaxations at ties, in one place.
 *
 * Where a relaxation is not differentiable (a tie between scores: |x_i − x_j| at 0, a sort or max
 * over equal values), it uses PyTorch's choices, so that its gradients at tied scores match the
 * public PyTorch references (difftopk, diffsort):
 *
 * - |u|: derivative sign(u), which is 0 at u = 0 (torch.abs). tfjs's own tf.abs takes −1 at 0, so
 *   NeuralSort and SoftSort use `absZeroSlopeAtZero` instead. Second derivative 0 everywhere.
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
 * |u| elementwise, with torch.abs's derivative: sign(u), 0 at u = 0 (tf.abs has −1 there).
 * Built as u · sign(u) with sign(u) a constant, so the value is exact and the second derivative
 * is 0, like tf.abs's.
 */
export function absZeroSlopeAtZero(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(u, withoutGradient(u, (v) => tf.sign(v))));
}
