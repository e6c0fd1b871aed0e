/**
 * A constant computed from a tensor on the tape: `withoutGradient(x, f)` returns `f(x)` but tells
 * autodiff that it does not depend on x (zero gradient, to any order). The comparisons, sorts and
 * one-hots inside `f` never reach the tape, so tfjs does not look for their (missing) gradients.
 * SoftSort uses it for its hard sorting permutation.
 */
import * as tf from '@tensorflow/tfjs';

/** `compute(input)` as a constant: float32 output of any shape, zero gradient w.r.t. `input`. */
export function withoutGradient<T extends tf.Tensor>(input: tf.Tensor, compute: (input: tf.Tensor) => T): T {
  const shape = input.shape;
  const constant = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: compute(inputs[0] as tf.Tensor),
    gradFunc: () => tf.zeros(shape),
  }));
  return constant(input) as T;
}
