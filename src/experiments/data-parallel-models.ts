/**
 * The models `DataParallelGradients` can rebuild inside a worker thread, described by plain data
 * (a worker cannot receive a model object, only its description; the weights follow every step).
 * Models with batch-norm statistics are not listed: each worker would see only its share of the
 * batch, which changes the statistics (no synchronised batch norm here).
 */
import type * as tf from '@tensorflow/tfjs';
import { fourDigitCnn, type FourDigitCnnOptions } from '../models/index';

export type ModelSpec = { kind: 'four-digit-cnn'; options: FourDigitCnnOptions };

/** What a worker needs of a model: its trainable variables and a forward pass. */
export interface ShardedModel {
  readonly variables: Record<string, tf.Variable>;
  apply(inputs: tf.Tensor): tf.Tensor;
}

export function buildModel(spec: ModelSpec): ShardedModel {
  switch (spec.kind) {
    case 'four-digit-cnn':
      return fourDigitCnn(spec.options);
    default:
      throw new Error(`data-parallel: unknown model kind '${(spec as { kind: unknown }).kind}'`);
  }
}
