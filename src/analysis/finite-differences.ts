/**
 * Central finite differences, the yardstick for every gradient and Hessian in this project.
 * tfjs computes in float32, so differences use steps around 1e-2..1e-3 and compare with a
 * relative tolerance near 1e-3; the helpers return arrays in float64 for the comparison.
 */
import * as tf from '@tensorflow/tfjs';

/** A scalar function of one tensor. */
export type ScalarFunction = (x: tf.Tensor) => tf.Scalar;

/** Numerical gradient of `f` at `x`: (f(x + h e_k) - f(x - h e_k)) / 2h for every entry k. */
export function finiteDifferenceGradient(f: ScalarFunction, x: tf.Tensor, h = 1e-2): Float64Array {
  const base = Float64Array.from(x.dataSync());
  const out = new Float64Array(base.length);
  for (let k = 0; k < base.length; k++) {
    out[k] = (evaluateAt(f, x, base, k, h) - evaluateAt(f, x, base, k, -h)) / (2 * h);
  }
  return out;
}

/**
 * Numerical Hessian of `f` at `x` (size d × d, row-major, d = x.size): column k is the central
 * difference of the autodiff gradient, (grad f(x + h e_k) - grad f(x - h e_k)) / 2h. This checks
 * the second derivative against a first derivative only, which tfjs gets right.
 */
export function finiteDifferenceHessian(f: ScalarFunction, x: tf.Tensor, h = 1e-2): Float64Array {
  const base = Float64Array.from(x.dataSync());
  const d = base.length;
  const hessian = new Float64Array(d * d);
  const gradient = tf.grad(f);
  for (let k = 0; k < d; k++) {
    const plus = gradientAt(gradient, x, base, k, h);
    const minus = gradientAt(gradient, x, base, k, -h);
    for (let j = 0; j < d; j++) hessian[j * d + k] = (plus[j] - minus[j]) / (2 * h);
  }
  return hessian;
}

/** Hessian of `f` at `x` by double backward, `tf.grad(tf.grad(f))` one direction at a time. */
export function autodiffHessian(f: ScalarFunction, x: tf.Tensor): Float64Array {
  const d = x.size;
  const hessian = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const column = tf.tidy(() => {
      const direction = tf.oneHot(k, d).reshape(x.shape).toFloat();
      const directional = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.grad(f)(y), direction));
      return tf.grad(directional)(x).dataSync();
    });
    for (let j = 0; j < d; j++) hessian[j * d + k] = column[j];
  }
  return hessian;
}

/** Largest |a - b| divided by max(|b|_inf, floor): one relative error for a whole array. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  if (actual.length !== expected.length) {
    throw new Error(`relativeError: lengths differ (actual ${actual.length}, expected ${expected.length})`);
  }
  let maxDiff = 0;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return maxDiff / scale;
}

function evaluateAt(f: ScalarFunction, like: tf.Tensor, base: Float64Array, k: number, h: number): number {
  return tf.tidy(() => f(shifted(like, base, k, h)).dataSync()[0]);
}

function gradientAt(
  gradient: (x: tf.Tensor) => tf.Tensor,
  like: tf.Tensor,
  base: Float64Array,
  k: number,
  h: number,
): Float32Array {
  return tf.tidy(() => gradient(shifted(like, base, k, h)).dataSync() as Float32Array);
}

function shifted(like: tf.Tensor, base: Float64Array, k: number, h: number): tf.Tensor {
  const values = Float32Array.from(base);
  values[k] += h;
  return tf.tensor(values, like.shape, 'float32');
}
