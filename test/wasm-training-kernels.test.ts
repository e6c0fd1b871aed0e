import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, relativeError, Rng, installWasmTrainingKernels, wasmTrainingKernelsInstalled, WASM_TRAINING_KERNELS } from '../src/index';

type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Padding;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 8, 12, 1], filter: [5, 5, 1, 4], strides: 1, pad: 'same' },
  { x: [3, 7, 9, 3], filter: [5, 5, 3, 6], strides: 1, pad: 'same' },
  { x: [2, 9, 11, 4], filter: [3, 3, 4, 5], strides: 1, pad: 'valid' },
  { x: [2, 9, 11, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 10, 12, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 9, 12, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 13, 11, 3], filter: [7, 7, 3, 4], strides: 2, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  { x: [2, 8, 8, 2], filter: [3, 2, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { x: [2, 6, 7, 5], filter: [1, 1, 5, 3], strides: 1, pad: 'valid' },
  { x: [1, 12, 12, 3], filter: [4, 4, 3, 2], strides: 3, pad: 'same' },
];

/** Gradients of Σ r ⊙ conv2d(x, f) with respect to x and f, computed on the active backend. */
function convGradients(c: ConvCase, seed: number): { dx: Float32Array; df: Float32Array } {
  const rng = new Rng(seed);
  const random = (shape: number[]): tf.Tensor => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);
  return tf.tidy(() => {
    const x = random(c.x) as tf.Tensor4D;
    const filter = random(c.filter) as tf.Tensor4D;
    const outShape = tf.conv2d(x, filter, c.strides, c.pad).shape;
    const r = random(outShape);
    const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(r, tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)));
    const [dx, df] = tf.grads(loss)([x, filter]);
    return { dx: dx.dataSync() as Float32Array, df: df.dataSync() as Float32Array };
  });
}

test('wasm conv2d gradients equal the cpu backend within 1e-4 over strides, paddings, channels', async () => {
  const expected = [];
  await initBackend('cpu');
  for (const [i, c] of CONV_CASES.entries()) expected.push(convGradients(c, i));
  await initBackend('wasm');
  assert.ok(wasmTrainingKernelsInstalled());
  for (const [i, c] of CONV_CASES.entries()) {
    const actual = convGradients(c, i);
    const label = JSON.stringify(c);
    assert.ok(relativeError(actual.dx, expected[i].dx) < 1e-4, `dx ${label}: ${relativeError(actual.dx, expected[i].dx)}`);
    assert.ok(relativeError(actual.df, expected[i].df) < 1e-4, `df ${label}: ${relativeError(actual.df, expected[i].df)}`);
  }
});

test('wasm conv2d gradient kernels leak no tensors and reject NCHW clearly', async () => {
  await initBackend('wasm');
  const c = CONV_CASES[3];
  convGradients(c, 0);
  const count = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) convGradients(c, i);
  assert.equal(tf.memory().numTensors, count);
  tf.tidy(() => {
    const dy = tf.ones([1, 2, 4, 4]);
    const filter = tf.ones([3, 3, 2, 2]) as tf.Tensor4D;
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] }),
      /Conv2DBackpropInput \(wasm\): dataFormat must be 'NHWC'/,
    );
  });
});

test('installWasmTrainingKernels is idempotent and touches only the wasm backend', async () => {
  await initBackend('wasm');
  installWasmTrainingKernels();
  assert.ok(wasmTrainingKernelsInstalled());
  for (const config of WASM_TRAINING_KERNELS) {
    const cpuKernel = tf.getKernel(config.kernelName, 'cpu');
    assert.notEqual(cpuKernel?.kernelFunc, config.kernelFunc, config.kernelName);
  }
});

test('wasm index kernels: gather gradient (UnsortedSegmentSum) and float oneHot equal cpu', async () => {
  const run = (): number[][] =>
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      const indices = tf.tensor1d([2, 0, 2, 1], 'int32');
      const weights = tf.tensor2d([[1, -1], [2, 0.5], [3, 1], [-2, 4]]);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(weights, tf.gather(v, indices))))(x);
      const segments = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), tf.tensor1d([0, 3, 0, -1, 1], 'int32'), 4);
      const oneHot = tf.oneHot(tf.tensor2d([[2, 0], [1, 5]], [2, 2], 'int32'), 3, 0.5, -1, 'float32');
      return [Array.from(dx.dataSync()), Array.from(segments.dataSync()), Array.from(oneHot.dataSync()), oneHot.shape];
    });
  await initBackend('cpu');
  const expected = run();
  await initBackend('wasm');
  assert.deepEqual(run(), expected);
  assert.deepEqual(expected[0], [2, 0.5, -2, 4, 4, 0]);
  assert.deepEqual(expected[1], [4, 5, 0, 2]);
  assert.deepEqual(expected[3], [2, 2, 3]);
});
