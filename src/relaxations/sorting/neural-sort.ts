/**
 * NeuralSort (Grover et al., ICLR 2019), as in difftopk: a relaxed permutation from a softmax over
 * the inputs for every sorted position.
 */
import * as tf from '@tensorflow/tfjs';
import { absZeroSlopeAtTies } from './subgradients';
import { assertBatchOfVectors, assertFloat, assertPositive } from './validate';

export interface NeuralSortOptions {
  /** Temperature τ > 0; P tends to the hard permutation as τ → 0. Default 1. */
  tau?: number;
}

/**
 * NeuralSort relaxed permutation of each row of `scores`, ascending.
 *
 *   P[b][i][k] = softmax_i( ((2k − n − 1) x_i − Σ_j |x_i − x_j|) / τ ),  k = 1..n,
 *
 * which is Grover et al.'s formula on s = −x (descending order of s = ascending order of x). Each
 * column k is a softmax over the inputs i, so columns sum to 1 (rows only approximately).
 *
 * At tied scores (see `subgradients.ts`) |x_i − x_j| has derivative 0, as torch.abs, so the
 * gradient matches difftopk's NeuralSort there too.
 *
 * @param scores [B, n] float32, n ≥ 2, finite.
 * @returns P [B, n, n], P[b][i][k] = weight of input i at ascending position k (sorted = x @ P).
 */
export function neuralSort(scores: tf.Tensor2D, options: NeuralSortOptions = {}): tf.Tensor3D {
  const where = 'neuralSort';
  assertBatchOfVectors(where, 'scores', scores);
  assertFloat(where, 'scores', scores);
  const tau = options.tau ?? 1;
  assertPositive(where, 'options.tau', tau);
  return tf.tidy(() => {
    const [batch, n] = scores.shape;
    const rowOfX = scores.reshape([batch, 1, n]); // x_i along the last axis
    const absoluteDifferences = absZeroSlopeAtTies(tf.sub(scores.reshape([batch, n, 1]), rowOfX), tf.eye(n).reshape([1, n, n])); // [b][i][j] = |x_i − x_j|
    const spread = tf.sum(absoluteDifferences, 2).reshape([batch, 1, n]); // Σ_j |x_i − x_j| for input i
    const coefficients = tf.tensor(positionCoefficients(n, tau), [1, n, 1]); // (2k − n − 1) / τ
    const logits = tf.sub(tf.mul(coefficients, rowOfX), tf.div(spread, tau)); // [b][k][i]
    return tf.transpose(tf.softmax(logits), [0, 2, 1]) as tf.Tensor3D;
  });
}

function positionCoefficients(n: number, tau: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 1; k <= n; k++) out[k - 1] = (2 * k - n - 1) / tau;
  return out;
}
