import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import { reportGradientNorm } from '../src/experiments/gradient-norm-probe';

test('reportGradientNorm: reports ‖∂L/∂Y‖ during backprop and passes the gradient on unchanged', async () => {
  await initBackend('wasm');
  const y = tf.tensor2d([[1, -2, 3], [0.5, 4, -1]]);
  const weights = tf.tensor2d([[2, 1, 0], [1, 3, -1]]);
  const loss = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(weights, tf.square(x))) as tf.Scalar; // ∂L/∂x = 2 w x
  const before = tf.memory().numTensors;
  const reported: number[] = [];
  const probed = tf.grad((x: tf.Tensor) => loss(reportGradientNorm(x, (norm) => reported.push(norm))))(y);
  const plain = tf.grad(loss)(y);
  assert.equal(reported.length, 1, 'report is called once per backward pass');
  const expected = tf.tidy(() => tf.norm(plain).dataSync()[0]);
  assert.ok(Math.abs(reported[0] - expected) < 1e-5 * expected, `reported ${reported[0]}, expected ${expected}`);
  assert.deepEqual(Array.from(probed.dataSync()), Array.from(plain.dataSync()));
  tf.dispose([probed, plain]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  tf.dispose([y, weights]);
});
