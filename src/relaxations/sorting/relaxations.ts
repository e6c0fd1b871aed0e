/**
 * The sorting relaxations by name, with their default parameters, and the adapter that turns one
 * into a per-sample ranking loss for the Newton-loss API. Training code goes through here only.
 */
import * as tf from '@tensorflow/tfjs';
import type { PerSampleLoss } from '../../newton/types';
import { COMPARATOR_SIGMOIDS, type ComparatorSigmoid } from './comparator-sigmoids';
import { ascendingRanks } from './ground-truth';
import type { SortingNetworkType } from './networks';
import { neuralSort } from './neural-sort';
import { rankingLoss } from './ranking-loss';
import { softSort } from './soft-sort';
import { sortingNetwork } from './sorting-network';
import { assertBatchOfVectors, assertOneOf } from './validate';

/** A relaxed sort: scores [B, n] ↦ relaxed permutation P [B, n, n] (P[b][i][j]: input i at ascending position j). */
export type Relaxation = (scores: tf.Tensor2D) => tf.Tensor3D;

/** 'neuralsort', 'softsort', or a sorting network named by its sigmoid ('logistic', 'cauchy', …). */
export const RELAXATION_NAMES = ['neuralsort', 'softsort', ...COMPARATOR_SIGMOIDS] as const;
export type RelaxationName = (typeof RELAXATION_NAMES)[number];

/** Parameters of `makeRelaxation`; each name accepts only its own (see `RELAXATION_DEFAULTS`). */
export interface RelaxationParams {
  /** NeuralSort, SoftSort: temperature τ > 0. */
  tau?: number;
  /** SoftSort: distance exponent ≥ 1. */
  pow?: number;
  /** Sorting networks: 'odd_even' or 'bitonic'. */
  network?: SortingNetworkType;
  /** Sorting networks: steepness s > 0. */
  steepness?: number;
  /** Sorting networks with 'logistic_phi': ART exponent λ ≥ 0. */
  artLambda?: number;
}

const NETWORK_DEFAULTS: RelaxationParams = { network: 'odd_even', steepness: 10, artLambda: 0.25 };

/**
 * Defaults: NeuralSort τ = 1, SoftSort τ = 1 and pow = 1 (difftopk's), sorting networks odd-even
 * with steepness 10 and ART λ = 0.25 (diffsort's). The paper's own values are not published.
 */
export const RELAXATION_DEFAULTS: Readonly<Record<RelaxationName, Readonly<RelaxationParams>>> = {
  neuralsort: { tau: 1 },
  softsort: { tau: 1, pow: 1 },
  logistic: NETWORK_DEFAULTS,
  logistic_phi: NETWORK_DEFAULTS,
  cauchy: NETWORK_DEFAULTS,
  reciprocal: NETWORK_DEFAULTS,
  gaussian: NETWORK_DEFAULTS,
  optimal: NETWORK_DEFAULTS,
};

/**
 * A relaxation by name, its defaults overridden by `params`. Parameters are checked on the first
 * call (by the relaxation itself); a parameter the relaxation does not have is an error now.
 *
 * Example: `makeRelaxation('cauchy', { steepness: 20, network: 'bitonic' })`.
 */
export function makeRelaxation(name: RelaxationName, params: RelaxationParams = {}): Relaxation {
  const where = 'makeRelaxation';
  assertOneOf(where, 'name', name, RELAXATION_NAMES);
  const defaults = RELAXATION_DEFAULTS[name];
  for (const key of Object.keys(params)) {
    if (!(key in defaults)) {
      throw new Error(`${where}: '${name}' has no parameter '${key}'; its parameters are ${Object.keys(defaults).join(', ')}`);
    }
  }
  const merged = { ...defaults, ...params };
  switch (name) {
    case 'neuralsort':
      return (scores) => neuralSort(scores, { tau: merged.tau });
    case 'softsort':
      return (scores) => softSort(scores, { tau: merged.tau, pow: merged.pow });
    default: {
      const sigmoid: ComparatorSigmoid = name;
      return (scores) => {
        const { permutation, sorted } = sortingNetwork(scores, {
          network: merged.network as SortingNetworkType,
          sigmoid,
          steepness: merged.steepness,
          artLambda: merged.artLambda,
        });
        sorted.dispose();
        return permutation;
      };
    }
  }
}

/**
 * The per-sample ranking loss of a relaxation against fixed targets, ready for the Newton-loss
 * API: `scores ↦ rankingLoss(relax(scores), groundTruthPermutation(targets))` [B]. Sample b's loss
 * depends on row b of the scores only.
 *
 * Example: `newtonLoss(scores, rankingLossPerSample(makeRelaxation('neuralsort'), targets), { variant: 'hessian', lambda: 0.1 })`.
 *
 * @param targets [B, n], finite; the caller keeps ownership and must keep it alive while the loss is used.
 */
export function rankingLossPerSample(relax: Relaxation, targets: tf.Tensor2D): PerSampleLoss {
  assertBatchOfVectors('rankingLossPerSample', 'targets', targets);
  return (scores) => {
    if (!(scores instanceof tf.Tensor) || scores.rank !== 2 || scores.shape[0] !== targets.shape[0] || scores.shape[1] !== targets.shape[1]) {
      const got = scores instanceof tf.Tensor ? `[${scores.shape.join(', ')}]` : String(scores);
      throw new Error(`rankingLossPerSample: scores must have the shape of targets [${targets.shape.join(', ')}], got ${got}`);
    }
    return tf.tidy(() => {
      const groundTruth = tf.oneHot(ascendingRanks(targets), targets.shape[1]).toFloat() as tf.Tensor3D;
      return rankingLoss(relax(scores), groundTruth);
    });
  };
}
