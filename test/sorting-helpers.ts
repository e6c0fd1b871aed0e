/** Shared by the sorting tests: the reference cases of sorting.json and the relaxation each names. */
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { neuralSort, softSort, sortingNetwork, type ComparatorSigmoid, type SortingNetworkType } from '../src/index';

export interface SortingCase {
  method: 'neuralsort' | 'softsort' | 'diffsort';
  n: number;
  params: { tau?: number; network?: SortingNetworkType; steepness?: number; distribution?: ComparatorSigmoid; art_lambda?: number };
  x: number[][];
  targets: number[][];
  perm_gt: number[][][];
  P: number[][][];
  sorted?: number[][];
  loss_per_sample: number[];
  grad_per_sample: number[][];
  hessian_per_sample: number[][][];
  tikhonov: number;
  newton_target_hessian: number[][];
  newton_target_fisher: number[][];
}

export const SORTING_CASES = (
  JSON.parse(fs.readFileSync(join(__dirname, 'reference', 'sorting.json'), 'utf8')) as { cases: SortingCase[] }
).cases;

export function caseLabel(c: SortingCase): string {
  const { tau, network, steepness, distribution } = c.params;
  return c.method === 'diffsort' ? `${network} ${distribution} s=${steepness} n=${c.n}` : `${c.method} tau=${tau} n=${c.n}`;
}

/** The relaxation a case names, returning P and (sorting networks) the sorted values. */
export function relaxationOf(c: SortingCase): (x: tf.Tensor2D) => { permutation: tf.Tensor3D; sorted?: tf.Tensor2D } {
  const { tau, network, steepness, distribution, art_lambda } = c.params;
  switch (c.method) {
    case 'neuralsort':
      return (x) => ({ permutation: neuralSort(x, { tau }) });
    case 'softsort':
      return (x) => ({ permutation: softSort(x, { tau }) });
    case 'diffsort':
      return (x) => sortingNetwork(x, { network: network!, sigmoid: distribution!, steepness, artLambda: art_lambda });
  }
}

/** Rows of a [B, n, n] nested array (sample b) flattened. */
export function flatSample(values: number[][][], b: number): number[] {
  return values[b].flat();
}
