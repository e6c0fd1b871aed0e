import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import { finiteDifferenceGradient, finiteDifferenceHessian, autodiffHessian, relativeError } from '../src/analysis/index';

test('finite differences recover the gradient and Hessian of a cubic polynomial', async () => {
  await initBackend('cpu');
  // f(x) = sum x^3 + x0 x1  ->  grad = 3x^2 + (x1, x0, 0), H = diag(6x) + offdiag(0,1)
  const f = (x: tf.Tensor): tf.Scalar =>
    tf.tidy(() => tf.add(tf.sum(tf.pow(x, 3)), tf.mul(x.slice([0], [1]), x.slice([1], [1])).sum()) as tf.Scalar);
  const x = tf.tensor1d([0.5, -1.0, 2.0]);
  const g = finiteDifferenceGradient(f, x);
  assert.ok(relativeError(g, [3 * 0.25 - 1.0, 3 * 1 + 0.5, 12]) < 1e-3);
  const expectedH = [3, 1, 0, 1, -6, 0, 0, 0, 12];
  assert.ok(relativeError(finiteDifferenceHessian(f, x), expectedH) < 1e-3);
  assert.ok(relativeError(autodiffHessian(f, x), expectedH) < 1e-5);
  x.dispose();
});

test('relativeError measures the worst entry against the scale of the expected array', () => {
  assert.equal(relativeError([1, 2, 3], [1, 2, 3]), 0);
  assert.ok(Math.abs(relativeError([1, 2, 3.3], [1, 2, 3]) - 0.1) < 1e-12);
  assert.throws(() => relativeError([1], [1, 2]), /lengths differ/);
});
