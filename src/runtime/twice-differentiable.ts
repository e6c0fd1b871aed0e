/**
 * Replacements for the tfjs ops whose gradient is a `tf.customGrad` that cannot be differentiated
 * twice: `tf.logSoftmax` (its gradient reuses the saved forward output, which is not on the tape:
 * double backward throws) and `tf.logSigmoid` (its gradient closes over the forward input, which
 * tfjs has disposed by then: double backward throws on wasm). These are built from plain kernels;
 * with `installSecondOrderGradients()` active, their first and second derivatives are exact.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * log softmax along `axis`: `x − m − log Σ_axis exp(x − m)`, m = max_axis x (for stability; its
 * derivative cancels). Same values as `tf.logSoftmax`.
 *
 * @param x float tensor of rank ≥ 1, any shape.
 * @param axis reduction axis; default −1 (last). Any axis is allowed (tf.logSoftmax: last only).
 * @returns a tensor of the shape of x.
 */
export function logSoftmax<T extends tf.Tensor>(x: T, axis = -1): T {
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
    throw new Error(`logSoftmax: axis must be an integer in [${-x.rank}, ${x.rank - 1}] for a rank-${x.rank} x, got ${axis}`);
  }
  return tf.tidy(() => {
    const shifted = tf.sub(x, tf.max(x, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true))) as T;
  });
}

/** log σ(x) = −softplus(−x), elementwise; same values as `tf.logSigmoid`. Any shape. */
export function logSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))) as T);
}
