/**
 * Differentiable sorting networks (Petersen et al., ICML 2021; ICLR 2022), as in diffsort.
 */
import * as tf from '@tensorflow/tfjs';
import { COMPARATOR_SIGMOIDS, comparatorSigmoid, type ComparatorSigmoid } from './comparator-sigmoids';
import { SORTING_NETWORKS, networkTensors, type SortingNetworkType } from './networks';
import { assertBatchOfVectors, assertFloat, assertOneOf, assertPositive } from './validate';

export interface SortingNetworkOptions {
  /** 'odd_even' (n layers) or 'bitonic' (⌈log₂ n⌉(⌈log₂ n⌉ + 1)/2 layers; any n). */
  network: SortingNetworkType;
  /** The relaxed step σ of each comparator: see `comparator-sigmoids.ts`. */
  sigmoid: ComparatorSigmoid;
  /** Steepness s > 0 of σ (inverse temperature); P tends to the hard permutation as s → ∞. Default 10. */
  steepness?: number;
  /** ART exponent λ ≥ 0 of 'logistic_phi' (ignored by the others). Default 0.25. */
  artLambda?: number;
}

export interface SortingNetworkResult {
  /** P [B, n, n]: P[b][i][j] = weight of input i at ascending position j; doubly stochastic. */
  permutation: tf.Tensor3D;
  /** The relaxed sorted values [B, n], equal to x @ P. */
  sorted: tf.Tensor2D;
}

/**
 * Runs a differentiable sorting network on every row of `scores`. Each comparator on wires
 * (lo, hi) with α = σ(x_hi − x_lo) writes α x_lo + (1 − α) x_hi to lo and (1 − α) x_lo + α x_hi to
 * hi; the columns of P (starting from I) are mixed the same way. Both wires of a comparator keep
 * α of their own value and take 1 − α = σ(x_lo − x_hi) from their partner, so a layer runs on the
 * whole batch at once:
 *
 *   x ← α ⊙ x + (1 − α) ⊙ x[partner],   P ← α ⊙ P + (1 − α) ⊙ P[:, :, partner],
 *
 * with the gathers as products with a constant n × n matrix built once per (network, n). α and
 * 1 − α are both evaluated by σ (not one from the other) so that tiny weights keep their precision.
 *
 * @param scores [B, n] float32, n ≥ 2, finite.
 */
export function sortingNetwork(scores: tf.Tensor2D, options: SortingNetworkOptions): SortingNetworkResult {
  const where = 'sortingNetwork';
  assertBatchOfVectors(where, 'scores', scores);
  assertFloat(where, 'scores', scores);
  if (options === null || typeof options !== 'object') {
    throw new Error(`${where}: options must be an object { network, sigmoid, steepness?, artLambda? }, got ${String(options)}`);
  }
  assertOneOf(where, 'options.network', options.network, SORTING_NETWORKS);
  assertOneOf(where, 'options.sigmoid', options.sigmoid, COMPARATOR_SIGMOIDS);
  const steepness = options.steepness ?? 10;
  const artLambda = options.artLambda ?? 0.25;
  assertPositive(where, 'options.steepness', steepness);
  if (typeof artLambda !== 'number' || !Number.isFinite(artLambda) || artLambda < 0) {
    throw new Error(`${where}: options.artLambda must be a finite number ≥ 0, got ${String(artLambda)}`);
  }
  const sigma = comparatorSigmoid(options.sigmoid, steepness, artLambda);
  const [batch, n] = scores.shape;
  const layers = networkTensors(options.network, n);
  return tf.tidy(() => {
    let x: tf.Tensor2D = scores;
    let permutation: tf.Tensor3D | null = null; // I before the first layer
    for (const { partners, lowMinusHigh } of layers) {
      const lowMinusHighValues = tf.matMul(x, lowMinusHigh);
      const keep = sigma(tf.neg(lowMinusHighValues)); // α [B, n]
      const take = sigma(lowMinusHighValues); // 1 − α [B, n]
      x = tf.add(tf.mul(keep, x), tf.mul(take, tf.matMul(x, partners)));
      const keepColumns = keep.reshape([batch, 1, n]);
      const takeColumns = take.reshape([batch, 1, n]);
      const [own, swapped] =
        permutation === null
          ? [tf.eye(n), partners] // broadcast over the batch
          : [permutation, tf.matMul(permutation.reshape([batch * n, n]), partners).reshape([batch, n, n])];
      permutation = tf.add(tf.mul(keepColumns, own), tf.mul(takeColumns, swapped)) as tf.Tensor3D;
    }
    return { permutation: permutation as tf.Tensor3D, sorted: x };
  });
}
