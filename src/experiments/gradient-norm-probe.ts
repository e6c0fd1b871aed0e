/**
 * Logging ‖∂L/∂Y‖ for free: an identity on the network outputs Y whose backward pass hands the
 * incoming gradient's Frobenius norm to `report` and passes the gradient on unchanged. The value is
 * known once the training step's backward pass has run, with no second backward pass to compute it.
 */
import * as tf from '@tensorflow/tfjs';

/** Returns Y unchanged; during backprop, `report(‖∂L/∂Y‖_F)` is called once. */
export function reportGradientNorm<T extends tf.Tensor>(outputs: T, report: (norm: number) => void): T {
  const probe = tf.customGrad(((y: tf.Tensor) => ({
    value: tf.clone(y),
    gradFunc: (dy: tf.Tensor) => {
      report(tf.tidy(() => tf.norm(dy).dataSync()[0]));
      return dy;
    },
  })) as Parameters<typeof tf.customGrad>[0]);
  return probe(outputs) as T;
}
