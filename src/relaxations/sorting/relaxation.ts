/**
 * What a sorting relaxation is: scores [B, n] ↦ relaxed permutation P [B, n, n], P[b][i][j] the
 * weight of input i at ascending position j; and its row in the table of `relaxations.ts`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RelaxationRow } from '../relaxation-row';

/** A relaxed sort: scores [B, n] ↦ relaxed permutation P [B, n, n] (P[b][i][j]: input i at ascending position j). */
export type Relaxation = (scores: tf.Tensor2D) => tf.Tensor3D;

/** A sorting relaxation's row: `build` returns the relaxation, which does not read its scores back to check them. */
export type SortingRelaxationRow<Name extends string> = RelaxationRow<Name, Relaxation>;
