/**
 * What a sorting relaxation is: scores [B, n] ↦ relaxed permutation P [B, n, n], P[b][i][j] the
 * weight of input i at ascending position j; and its row in the table of `relaxations.ts`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RelaxationRow } from '../relaxation-row';
import type { SortingNetworkType } from './networks';

/** A relaxed sort: scores [B, n] ↦ relaxed permutation P [B, n, n] (P[b][i][j]: input i at ascending position j). */
export type Relaxation = (scores: tf.Tensor2D) => tf.Tensor3D;

/**
 * The parameters of the sorting relaxations, by name and type. Each relaxation takes those of its
 * row — NeuralSort: tau; SoftSort: tau, pow; the sorting networks: network, steepness, artLambda —
 * and `makeRelaxation` refuses the others, naming the ones it takes.
 */
export interface SortingRelaxationParams {
  tau?: number;
  pow?: number;
  network?: SortingNetworkType;
  steepness?: number;
  artLambda?: number;
}

/** A sorting relaxation's row: `build` returns the relaxation, which does not read its scores back to check them. */
export type SortingRelaxationRow<Name extends string> = RelaxationRow<Name, Relaxation>;
