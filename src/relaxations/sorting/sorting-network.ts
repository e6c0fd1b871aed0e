/**
 * Differentiable sorting networks (Petersen et al., ICML 2021; ICLR 2022), as in diffsort.
 */
import * as tf from '@tensorflow/tfjs';
import { COMPARATOR_SIGMOIDS, comparatorWeights, type ComparatorSigmoid } from './comparator-sigmoids';
import { SORTING_NETWORKS, networkTensors, type SortingNetworkType } from './networks';
import { assertAtLeast, assertBatchOfVectors, assertFloat, assertOneOf, assertPositive } from '../../runtime/checks';
import type { SortingRelaxationRow } from './relaxation';

export interface SortingNetworkOptions {
  /**
   * 'odd_even' (n layers) or 'bitonic' (⌈log₂ n⌉(⌈log₂ n⌉ + 1)/2 layers; n that is not a power of
   * two is padded with virtual wires as in diffsort, and the few n where that does not sort, e.g.
   * 22, are refused with an error).
   */
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
  assertBatchOfVectors(where, 'scores', scores, true);
  assertFloat(where, 'scores', scores);
  if (options === null || typeof options !== 'object') {
    throw new Error(`${where}: options must be an object { network, sigmoid, steepness?, artLambda? }, got ${String(options)}`);
  }
  assertOneOf(where, 'options.network', options.network, SORTING_NETWORKS);
  assertOneOf(where, 'options.sigmoid', options.sigmoid, COMPARATOR_SIGMOIDS);
  const steepness = options.steepness ?? 10;
  const artLambda = options.artLambda ?? 0.25;
  assertPositive(where, 'options.steepness', steepness);
  assertAtLeast(where, 'options.artLambda', artLambda, 0);
  const { network, sigmoid } = options;
  const weights = comparatorWeights(sigmoid, steepness, artLambda);
  const [batch, n] = scores.shape;
  const { layers, identity } = networkTensors(network, n);
  return tf.tidy(() => {
    // Row 0 carries the values on the wires, rows 1..n the columns of P (input i's weight per wire).
    let wires = tf.concat([scores.reshape([batch, 1, n]), tf.tile(identity, [batch, 1, 1])], 1) as tf.Tensor3D;
    for (const { partners, lowMinusHigh } of layers) {
      const lowMinusHighValues = tf.matMul(wires.slice([0, 0, 0], [batch, 1, n]), lowMinusHigh); // [B, 1, n]
      const [keep, take] = weights(lowMinusHighValues); // α, 1 − α
      wires = tf.add(tf.mul(keep, wires), tf.mul(take, tf.matMul(wires, partners))) as tf.Tensor3D;
    }
    return {
      permutation: wires.slice([0, 1, 0], [batch, n, n]) as tf.Tensor3D,
      sorted: wires.slice([0, 0, 0], [batch, 1, n]).reshape([batch, n]) as tf.Tensor2D,
    };
  });
}

/**
 * The table rows, one per comparator sigmoid (named by it): an odd-even network of steepness 10
 * and ART λ 0.25 by default (diffsort's).
 */
export const SORTING_NETWORKS_BY_SIGMOID: readonly SortingRelaxationRow<ComparatorSigmoid>[] = COMPARATOR_SIGMOIDS.map((sigmoid) => ({
  name: sigmoid,
  description: `differentiable sorting network (Petersen et al., ICML 2021; ICLR 2022) with the ${sigmoid} sigmoid`,
  parameters: [
    { name: 'network', description: "'odd_even' or 'bitonic'", default: 'odd_even', choices: SORTING_NETWORKS },
    { name: 'steepness', description: 'steepness s > 0 of the sigmoid', default: 10, range: 'positive' },
    { name: 'artLambda', description: "ART exponent λ ≥ 0 of 'logistic_phi'", default: 0.25, range: 0 },
  ],
  build: ({ network, steepness, artLambda }) => (scores) => {
    const { permutation, sorted } = sortingNetwork(scores, {
      network: network as SortingNetworkType,
      sigmoid,
      steepness: steepness as number,
      artLambda: artLambda as number,
    });
    sorted.dispose();
    return permutation;
  },
}));
