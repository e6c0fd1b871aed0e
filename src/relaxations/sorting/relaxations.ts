/**
 * The table of sorting relaxations (one row each: name, parameters with defaults, build), and the
 * adapter that turns one into a per-sample ranking loss for the Newton-loss API. Training code goes
 * through here only. A new relaxation: its file (formula, function, row) and one line below.
 */
import * as tf from '@tensorflow/tfjs';
import type { PerSampleLoss } from '../../newton/types';
import { assertBatchOfVectors } from '../../runtime/checks';
import { findRow, parameterDefaults, resolveParameters, type RelaxationParams } from '../relaxation-row';
import { ascendingRanks } from './ground-truth';
import { NEURALSORT } from './neural-sort';
import type { Relaxation, SortingRelaxationParams } from './relaxation';
import { rankingLoss } from './ranking-loss';
import { SOFTSORT } from './soft-sort';
import { SORTING_NETWORKS_BY_SIGMOID } from './sorting-network';

/**
 * NeuralSort, SoftSort, and a sorting network per comparator sigmoid ('logistic', 'cauchy', …).
 * Defaults: NeuralSort τ = 1, SoftSort τ = 1 and pow = 1 (difftopk's), sorting networks odd-even
 * with steepness 10 and ART λ = 0.25 (diffsort's). The paper's own values are not published.
 */
export const SORTING_RELAXATIONS = [NEURALSORT, SOFTSORT, ...SORTING_NETWORKS_BY_SIGMOID] as const;

export type RelaxationName = (typeof SORTING_RELAXATIONS)[number]['name'];
export const RELAXATION_NAMES: readonly RelaxationName[] = SORTING_RELAXATIONS.map((row) => row.name);

/** Each relaxation's default parameters, by name. */
export const RELAXATION_DEFAULTS: Readonly<Record<RelaxationName, RelaxationParams>> = Object.fromEntries(
  SORTING_RELAXATIONS.map((row) => [row.name, parameterDefaults(row)]),
) as Record<RelaxationName, RelaxationParams>;

/**
 * A relaxation by name, its defaults overridden by `params`. The parameters are checked now (a
 * parameter the relaxation does not have, or a value out of range, is an error); each call checks
 * its scores as the relaxation's function does (not inside the Newton step's Hessian-vector
 * products, whose outputs the step has checked once: see `withInputsChecked`).
 *
 * Example: `makeRelaxation('cauchy', { steepness: 20, network: 'bitonic' })`.
 */
export function makeRelaxation(name: RelaxationName, params: SortingRelaxationParams = {}): Relaxation {
  const where = 'makeRelaxation';
  const row = findRow(where, SORTING_RELAXATIONS, name);
  return row.build(resolveParameters(where, row, params as RelaxationParams));
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
  assertBatchOfVectors('rankingLossPerSample', 'targets', targets, true);
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
