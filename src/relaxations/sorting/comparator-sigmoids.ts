/**
 * The relaxed step functions σ of a differentiable sorting network (Petersen et al. 2021, 2022),
 * as in diffsort. A comparator on wires (a, b) mixes with α = σ(b − a): soft min α a + (1 − α) b,
 * soft max (1 − α) a + α b. With v = steepness · u:
 *
 *   logistic      σ(u) = 1 / (1 + e^−v)
 *   logistic_phi  σ(u) = logistic(v / (|u| + 1e−10)^λ)             (ART, λ = artLambda)
 *   cauchy        σ(u) = atan(v) / π + 1/2                           (monotonic)
 *   reciprocal    σ(u) = (v / (2 + |v|) + 1) / 2                     (monotonic)
 *   gaussian      σ(u) = Φ(v), the standard normal CDF
 *   optimal       σ(u) = v + 1/2 for |v| ≤ 1/4, 1 − 1/(16 v) above, 1/(16 |v|) below
 *
 * All are odd around 1/2 (σ(−u) = 1 − σ(u)). Each is evaluated in a form that keeps full relative
 * precision in both tails (no 1/2 + (−1/2 + ε) cancellations: the tiny weights of a confident
 * network are what the ranking loss takes logs of) and has the right first and second derivatives
 * everywhere, u = 0 included. None compares tensors on the tape; logistic and logistic_phi need the
 * second-order gradient fix that `initBackend` installs.
 */
import * as tf from '@tensorflow/tfjs';

export const COMPARATOR_SIGMOIDS = ['logistic', 'logistic_phi', 'cauchy', 'reciprocal', 'gaussian', 'optimal'] as const;
export type ComparatorSigmoid = (typeof COMPARATOR_SIGMOIDS)[number];

/** The two mixing weights of every comparator from u = x_lo − x_hi: [α = σ(−u), 1 − α = σ(u)]. */
export type ComparatorWeights = (u: tf.Tensor) => [keep: tf.Tensor, take: tf.Tensor];

/**
 * The weights [σ(−u), σ(u)] of sigmoid `name`, steepness (and ART λ) included. The smaller of the
 * two is always computed directly, never as 1 minus the larger, so it keeps its relative precision.
 */
export function comparatorWeights(name: ComparatorSigmoid, steepness: number, artLambda: number): ComparatorWeights {
  switch (name) {
    case 'logistic':
      return (u) => logisticPair(tf.mul(u, steepness));
    case 'logistic_phi':
      return (u) => logisticPair(tf.div(tf.mul(u, steepness), tf.pow(tf.add(tf.abs(u), 1e-10), artLambda)));
    case 'cauchy':
      // atan(v)/π + 1/2 = atan2(1, −v)/π = atan2(1/s, −u)/π
      return (u) => [
        tf.mul(tf.atan2(tf.scalar(1 / steepness), u), 1 / Math.PI),
        tf.mul(tf.atan2(tf.scalar(1 / steepness), tf.neg(u)), 1 / Math.PI),
      ];
    case 'reciprocal': {
      // (v/(2 + |v|) + 1)/2 = (relu(v) + 1)/(|v| + 2), each side with its own |·| (right derivative at 0)
      const sigma = (v: tf.Tensor): tf.Tensor => tf.div(tf.add(tf.relu(v), 1), tf.add(tf.abs(v), 2));
      return (u) => {
        const v = tf.mul(u, steepness);
        return [sigma(tf.neg(v)), sigma(v)];
      };
    }
    case 'gaussian':
      // Φ(−a) = erfc(a/√2)/2
      return (u) => pairFromLowerTail(tf.mul(u, steepness), (a) => tf.mul(erfcNonNegative(tf.mul(a, Math.SQRT1_2)), 0.5));
    case 'optimal':
      // σ(−a) = 1/(16 max(a, 1/4)) + 1/4 − min(a, 1/4) for a ≥ 0
      return (u) =>
        pairFromLowerTail(tf.mul(u, steepness), (a) =>
          tf.add(tf.reciprocal(tf.add(tf.mul(tf.relu(tf.sub(a, 0.25)), 16), 4)), tf.relu(tf.sub(0.25, a))),
        );
  }
}

function logisticPair(v: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return [tf.sigmoid(tf.neg(v)), tf.sigmoid(v)];
}

/**
 * [σ(−v), σ(v)] of an odd-around-1/2 sigmoid from its lower tail T(a) = σ(−a), a ≥ 0 (T(0) = 1/2),
 * evaluating T once: with t = T(|v|), c = 1 − 2t, s = step(v) (0 at v = 0):
 *   σ(v) = t + s c        (t for v ≤ 0, 1 − t for v > 0)
 *   σ(−v) = t + (1 − s) c (1 − t for v ≤ 0, t for v > 0)
 * The small weight is always t itself. At v = 0 tfjs differentiates |v| as −v, the v ≤ 0 branch,
 * which is also the branch both values use there, so the derivatives at 0 are right.
 */
function pairFromLowerTail(v: tf.Tensor, lowerTail: (a: tf.Tensor) => tf.Tensor): [tf.Tensor, tf.Tensor] {
  const tail = lowerTail(tf.abs(v));
  const excess = tf.sub(1, tf.mul(tail, 2));
  const positive = tf.step(v);
  return [tf.add(tail, tf.mul(tf.sub(1, positive), excess)), tf.add(tail, tf.mul(positive, excess))];
}

/**
 * erfc(z) for z ≥ 0 with relative error < 1.2e−7 (Numerical Recipes' erfcc, Chebyshev fit):
 * t = 1/(1 + z/2), erfc(z) ≈ t exp(−z² + c₀ + t(c₁ + t(c₂ + …))). tf.erf has an absolute error
 * near 1e−7, far too coarse for tails of 1e−6 and below.
 */
function erfcNonNegative(z: tf.Tensor): tf.Tensor {
  const t = tf.reciprocal(tf.add(tf.mul(z, 0.5), 1));
  let polynomial: tf.Tensor = tf.scalar(ERFC_COEFFICIENTS[ERFC_COEFFICIENTS.length - 1]);
  for (let k = ERFC_COEFFICIENTS.length - 2; k >= 0; k--) {
    polynomial = tf.add(tf.mul(polynomial, t), ERFC_COEFFICIENTS[k]);
  }
  return tf.mul(t, tf.exp(tf.sub(polynomial, tf.square(z))));
}

const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];
