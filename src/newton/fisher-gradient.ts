/**
 * The empirical-Fisher Newton loss as a custom gradient: identity in the forward pass; the
 * backward pass receives G = ∂L/∂Y [N, m] of the batch loss L = mean_i l_i (rows g_i / N), forms
 * F = N GᵀG = mean_i g_i g_iᵀ and returns G (F + λI)⁻¹, whose row i is (F + λI)⁻¹ g_i / N: exactly
 * the gradient of the explicit Fisher Newton loss, at the cost of the ordinary backward pass plus
 * one small float64 solve (Woodbury when m > N).
 *
 *   const loss = tf.mean(lossPerSample(withFisherNewtonGradient(y, lambda)));   // value = L(Y)
 */
import * as tf from '@tensorflow/tfjs';
import { newtonDirections } from './newton-directions';
import { assertFinite, assertPositive } from '../runtime/checks';
import { readOutputs } from './validation';

/**
 * Returns y unchanged [N, m]; gradients flowing back through it are Fisher-Newton preconditioned,
 * G ↦ G (N GᵀG + λI)⁻¹. Assumes the loss downstream is a mean over the N rows.
 *
 * @param y network outputs [N, m]. @param lambda Tikhonov strength λ > 0.
 */
export function withFisherNewtonGradient(y: tf.Tensor2D, lambda: number): tf.Tensor2D {
  readOutputs(y, 'withFisherNewtonGradient');
  assertPositive('withFisherNewtonGradient', 'lambda', lambda);
  const [n, m] = y.shape;
  const identity = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => {
      // Upstream rows are g_i / N; solve with the per-sample g_i, then scale back by 1 / N.
      const gradients = Float64Array.from(dy.dataSync(), (v) => v * n);
      assertFinite('withFisherNewtonGradient', 'the upstream gradient ∂L/∂Y', gradients, [n, m]);
      const { directions } = newtonDirections(
        { n, m, gradients, losses: null },
        { variant: 'fisher', curvature: 'batch-mean', lambda, indefinite: 'invert', spectrum: false },
      );
      return tf.tensor2d(Float32Array.from(directions, (d) => d / n), [n, m]);
    },
  })) as Parameters<typeof tf.customGrad>[0]);
  return identity(y) as tf.Tensor2D;
}
