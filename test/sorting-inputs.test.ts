import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  neuralSort,
  softSort,
  sortingNetwork,
  groundTruthPermutation,
  rankingLoss,
  rankingMetrics,
  rankingLossPerSample,
  makeRelaxation,
} from '../src/index';

before(async () => {
  await initBackend('cpu');
});

test('ground truth: one-hot of the stable ascending argsort, ties broken by position', () => {
  tf.tidy(() => {
    const truth = groundTruthPermutation(tf.tensor2d([[2, 1, 0, 3], [5, 5, -1, 5]]));
    assert.deepEqual(truth.arraySync(), [
      [[0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]],
      // -1 first, then the three 5s in index order
      [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]],
    ]);
    // sorted = targets @ P
    const targets = tf.tensor2d([[0.3, -2, 7, 1]]);
    const sorted = tf.matMul(targets.reshape([1, 1, 4]), groundTruthPermutation(targets)).reshape([4]);
    assert.deepEqual(Array.from(sorted.dataSync()), Array.from(Float32Array.from([-2, 0.3, 1, 7])));
    // integer targets are fine
    assert.deepEqual(groundTruthPermutation(tf.tensor2d([[3, 1]], undefined, 'int32')).arraySync(), [[[0, 1], [1, 0]]]);
  });
});

test('ranking metrics: exact match and element-wise accuracy, deterministic ties', () => {
  tf.tidy(() => {
    const targets = tf.tensor2d([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]);
    const scores = tf.tensor2d([
      [-1, 0, 4, 9], // right
      [0, 2, 1, 3], // items 1 and 2 swapped: 2 of 4 right
      [5, 5, 5, 5], // all tied: index order, which is the true order
    ]);
    assert.deepEqual(rankingMetrics(scores, targets), { exactMatch: 2 / 3, elementwise: 10 / 12 });
    // ties in the targets follow the same rule
    const tied = rankingMetrics(tf.tensor2d([[1, 2], [2, 1]]), tf.tensor2d([[7, 7], [7, 7]]));
    assert.deepEqual(tied, { exactMatch: 0.5, elementwise: 0.5 });
  });
});

test('bad scores are clear errors naming the argument: n = 1, NaN, ±Infinity, rank, dtype, not a tensor', () => {
  const relaxations: [string, (x: tf.Tensor2D) => unknown][] = [
    ['neuralSort', (x) => neuralSort(x, { tau: 1 })],
    ['softSort', (x) => softSort(x, { tau: 1 })],
    ['sortingNetwork', (x) => sortingNetwork(x, { network: 'odd_even', sigmoid: 'logistic', steepness: 10 })],
    ['groundTruthPermutation', (x) => groundTruthPermutation(x)],
  ];
  for (const [name, relax] of relaxations) {
    const argument = name === 'groundTruthPermutation' ? 'targets' : 'scores';
    tf.tidy(() => {
      assert.throws(() => relax(tf.tensor2d([[1], [2]])), new RegExp(`${name}: ${argument} must have n ≥ 2 entries per row to sort, got n = 1`));
      assert.throws(() => relax(tf.tensor2d([[1, NaN, 3]])), new RegExp(`${name}: ${argument} must be finite, got NaN at ${argument}\\[0\\]\\[1\\]`));
      assert.throws(() => relax(tf.tensor2d([[1, 2], [3, -Infinity]])), new RegExp(`${name}: ${argument} must be finite, got -Infinity at ${argument}\\[1\\]\\[1\\]`));
      assert.throws(() => relax(tf.tensor1d([1, 2]) as never), new RegExp(`${name}: ${argument} must have rank 2 \\[B, n\\], got shape \\[2\\]`));
      assert.throws(() => relax([[1, 2]] as never), new RegExp(`${name}: ${argument} must be a tf.Tensor2D \\[B, n\\], got an array`));
    });
  }
  tf.tidy(() => {
    assert.throws(() => neuralSort(tf.tensor2d([[1, 2]], undefined, 'int32')), /neuralSort: scores must have dtype float32, got int32/);
  });
});

test('bad options are clear errors: temperatures, exponent, network, sigmoid, steepness, ART λ', () => {
  tf.tidy(() => {
    const x = tf.tensor2d([[0.3, -0.1, 0.5]]);
    assert.throws(() => neuralSort(x, { tau: 0 }), /neuralSort: options.tau must be a finite number > 0, got 0/);
    assert.throws(() => softSort(x, { tau: -1 }), /softSort: options.tau must be a finite number > 0, got -1/);
    assert.throws(() => softSort(x, { tau: 1, pow: 0.5 }), /softSort: options.pow must be a finite number ≥ 1, got 0.5/);
    assert.throws(
      () => sortingNetwork(x, { network: 'odd_even', sigmoid: 'softmax' as never }),
      /sortingNetwork: options.sigmoid must be one of 'logistic', 'logistic_phi', 'cauchy', 'reciprocal', 'gaussian', 'optimal', got 'softmax'/,
    );
    assert.throws(
      () => sortingNetwork(x, { network: 'bubble' as never, sigmoid: 'cauchy' }),
      /sortingNetwork: options.network must be one of 'odd_even', 'bitonic', got 'bubble'/,
    );
    assert.throws(() => sortingNetwork(x, undefined as never), /sortingNetwork: options must be an object/);
    assert.throws(() => sortingNetwork(x, { network: 'bitonic', sigmoid: 'cauchy', steepness: NaN }), /options.steepness must be a finite number > 0, got NaN/);
    assert.throws(
      () => sortingNetwork(x, { network: 'bitonic', sigmoid: 'logistic_phi', artLambda: -0.5 }),
      /sortingNetwork: options.artLambda must be a finite number ≥ 0, got -0.5/,
    );
  });
});

test('mismatched shapes are clear errors: ranking loss, metrics, per-sample adapter', () => {
  tf.tidy(() => {
    const p = tf.fill([2, 3, 3], 1 / 3) as tf.Tensor3D;
    assert.throws(() => rankingLoss(p, tf.eye(3).reshape([1, 3, 3]) as tf.Tensor3D), /rankingLoss: groundTruth must have the shape of permutation \[2, 3, 3\], got \[1, 3, 3\]/);
    assert.throws(() => rankingLoss(tf.ones([2, 3, 4]) as tf.Tensor3D, p), /rankingLoss: permutation must be a tf.Tensor3D \[B, n, n\] with n ≥ 2, got shape \[2, 3, 4\]/);
    assert.throws(() => rankingLoss(p, tf.ones([2, 3]) as never), /rankingLoss: groundTruth must be a tf.Tensor3D \[B, n, n\]/);
    assert.throws(() => rankingMetrics(tf.ones([2, 3]) as tf.Tensor2D, tf.ones([2, 4]) as tf.Tensor2D), /rankingMetrics: targets must have the shape of scores \[2, 3\], got \[2, 4\]/);
    const loss = rankingLossPerSample(makeRelaxation('cauchy'), tf.tensor2d([[1, 2, 3]]));
    assert.throws(() => loss(tf.ones([2, 3]) as tf.Tensor2D), /rankingLossPerSample: scores must have the shape of targets \[1, 3\], got \[2, 3\]/);
    assert.throws(() => rankingLossPerSample(makeRelaxation('cauchy'), tf.tensor2d([[1, NaN]])), /rankingLossPerSample: targets must be finite/);
  });
});
