import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, perfectMatch, costRatio, dijkstra } from '../src/index';

test('perfectMatch and costRatio: values on hand-made paths, and 1 for the optimal path', async () => {
  await initBackend('cpu');
  const weights = tf.tensor3d([
    [[1, 9, 9], [9, 1, 9], [9, 9, 1]],
    [[1, 9, 9], [9, 1, 9], [9, 9, 1]],
  ]);
  const truth = tf.tensor3d([
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  ]);
  const predicted = tf.tensor3d([
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [[1, 1, 0], [0, 0, 1], [0, 0, 1]],
  ]);
  assert.deepEqual(Array.from(perfectMatch(predicted, truth).dataSync()), [1, 0]);
  // Second path: 1 + 9 + 9 + 1 = 20 against the optimal 3.
  const ratio = costRatio(predicted, truth, weights).dataSync();
  assert.equal(ratio[0], 1);
  assert.ok(Math.abs(ratio[1] - 20 / 3) < 1e-6);
  const exact = dijkstra(weights);
  assert.deepEqual(Array.from(perfectMatch(exact.paths, truth).dataSync()), [1, 1]);
  assert.deepEqual(Array.from(costRatio(exact.paths, truth, weights).dataSync()), [1, 1]);
  const before = tf.memory().numTensors;
  tf.dispose([perfectMatch(predicted, truth), costRatio(predicted, truth, weights)]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => perfectMatch(predicted, tf.zeros([2, 3, 4]) as tf.Tensor3D), /perfectMatch: truth must have the shape of predicted \[2, 3, 3\], got \[2, 3, 4\]/);
  assert.throws(() => costRatio(predicted, truth, tf.zeros([2, 9]) as unknown as tf.Tensor3D), /costRatio: weights must have the shape of predicted/);
  assert.throws(() => costRatio(predicted, truth, tf.zeros([2, 3, 3]) as tf.Tensor3D), /positive cost/);
  assert.throws(() => perfectMatch(tf.zeros([9]) as unknown as tf.Tensor3D, truth), /predicted must be a tensor \[B, H, W\]/);
  tf.dispose([weights, truth, predicted, exact.paths, exact.costs]);
});
