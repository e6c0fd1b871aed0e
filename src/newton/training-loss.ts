/**
 * One switch between the baseline and the Newton losses for a training loop. The returned scalar
 * always has the value of the original batch loss L(Y) = mean_i l_i(y_i) (comparable across
 * methods in logs), and its gradient w.r.t. Y is the method's:
 * - no options (baseline): ∇L;
 * - Fisher, batch-mean: the custom gradient G (N GᵀG + λI)⁻¹ (no extra backward pass);
 * - otherwise: ∇L* = (Y − Z*) / N, built as L + L* − L*(value) with the last term a constant.
 */
import * as tf from '@tensorflow/tfjs';
import { assertPerSampleLoss } from './curvature';
import { withFisherNewtonGradient } from './fisher-gradient';
import { newtonStep } from './newton-step';
import { readOutputs, resolveNewtonOptions } from './validation';
import type { NewtonOptions, PerSampleLoss } from './types';

/**
 * @param y network outputs [N, m].
 * @param lossPerSample Y ↦ l [N].
 * @param newton Newton options, or undefined for the baseline.
 * @returns a scalar with value L(Y) and the method's gradient.
 */
export function trainingLoss(y: tf.Tensor2D, lossPerSample: PerSampleLoss, newton?: NewtonOptions): tf.Scalar {
  readOutputs(y, 'trainingLoss');
  if (newton === undefined) return tf.tidy(() => tf.mean(lossPerSample(y)) as tf.Scalar);
  const options = resolveNewtonOptions(newton, 'trainingLoss');
  if (options.variant === 'fisher' && options.curvature === 'batch-mean') {
    if (options.checkPerSample) assertPerSampleLoss(y, lossPerSample);
    return tf.tidy(() => tf.mean(lossPerSample(withFisherNewtonGradient(y, options.lambda))) as tf.Scalar);
  }
  const step = newtonStep(y, lossPerSample, newton);
  step.target.dispose();
  const { loss, newtonLoss } = step.diagnostics;
  const result = tf.tidy(() => tf.add(tf.sub(step.loss, newtonLoss), loss) as tf.Scalar);
  step.loss.dispose();
  return result;
}
