import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Rng } from '../src/index';
import { relativeError } from '../src/analysis/index';
import { Adam } from '../src/experiments/index';
import { fourDigitCnn, resnet18Trunk } from '../src/models/index';
import { installWasmTrainingKernels, wasmTrainingKernelsInstalled, WASM_TRAINING_KERNELS } from '../src/runtime/index';

type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Padding;
}

// Filter gradients: the first three (K·K·C ≤ C') take the tap GEMM, the rest the batch-as-channels
// convolution.
const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 9, 2], filter: [3, 3, 2, 20], strides: 2, pad: 'same' },
  { x: [3, 12, 20, 1], filter: [5, 5, 1, 32], strides: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [2, 2, 3, 12], strides: [2, 1], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
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
  { x: [3, 9, 13, 32], filter: [3, 3, 32, 8], strides: 1, pad: 'same' },
  { x: [2, 11, 10, 16], filter: [5, 5, 16, 4], strides: 1, pad: 'valid' },
  { x: [2, 11, 9, 30], filter: [3, 3, 30, 5], strides: 2, pad: 'same' },
  { x: [2, 10, 10, 12], filter: [5, 5, 12, 3], strides: 2, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
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
  for (const c of [CONV_CASES[1], CONV_CASES[6]]) {
    convGradients(c, 0);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) convGradients(c, i);
    assert.equal(tf.memory().numTensors, count);
  }
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
  const kernels = (backend: string) => WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, backend));
  const [cpuBefore, wasmBefore] = [kernels('cpu'), kernels('wasm')];
  installWasmTrainingKernels();
  assert.ok(wasmTrainingKernelsInstalled());
  assert.deepEqual(kernels('wasm'), wasmBefore);
  assert.deepEqual(kernels('cpu'), cpuBefore);
  for (const [i, name] of WASM_TRAINING_KERNELS.entries()) assert.notEqual(wasmBefore[i]?.kernelFunc, cpuBefore[i]?.kernelFunc, name);
});

/** Runs `compute` on cpu, then on wasm, and checks the wasm results equal the cpu ones. */
async function sameOnWasmAsCpu(compute: () => tf.Tensor[], tolerance = 1e-5): Promise<void> {
  await initBackend('cpu');
  const expected = tf.tidy(() => compute().map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) })));
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const actual = tf.tidy(() => compute().map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) })));
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assert.equal(actual.length, expected.length);
  for (const [i, e] of expected.entries()) {
    assert.deepEqual(actual[i].shape, e.shape, `result ${i} shape`);
    assert.equal(actual[i].dtype, e.dtype, `result ${i} dtype`);
    const error = relativeError(actual[i].values, e.values);
    assert.ok(error <= tolerance, `result ${i}: relative error ${error}`);
  }
}

const randomTensor = (rng: Rng, shape: number[]): tf.Tensor => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);

test('wasm Transpose equals cpu for every permutation kind, float32, int32 and bool', async () => {
  await sameOnWasmAsCpu(() => {
    const rng = new Rng(3);
    const x4 = randomTensor(rng, [3, 5, 7, 4]);
    const out = [
      tf.transpose(randomTensor(rng, [37, 70])),
      tf.transpose(randomTensor(rng, [100, 33])),
      ...[[3, 1, 2, 0], [1, 2, 0, 3], [0, 2, 1, 3], [0, 3, 1, 2], [2, 0, 3, 1], [0, 1, 2, 3]].map((perm) => tf.transpose(x4, perm)),
      tf.transpose(randomTensor(rng, [2, 1, 6, 1, 5]), [4, 3, 1, 0, 2]),
      tf.transpose(randomTensor(rng, [4, 3, 2, 3, 2]), [1, 0, 4, 3, 2]),
      tf.transpose(tf.tensor3d(Array.from({ length: 60 }, (_, i) => i * 7 - 100), [3, 4, 5], 'int32'), [2, 0, 1]),
      tf.transpose(tf.greater(randomTensor(rng, [6, 9]), 0)),
      tf.transpose(randomTensor(rng, [1, 1])),
    ];
    return out;
  }, 0);
});

test('wasm Tile equals cpu: batch-norm broadcast, every axis tiled, rank 1 to 5, int32 and bool', async () => {
  await sameOnWasmAsCpu(() => {
    const rng = new Rng(7);
    return [
      tf.tile(randomTensor(rng, [1, 1, 1, 6]), [4, 3, 5, 1]),
      tf.tile(randomTensor(rng, [2, 3, 4]), [3, 2, 2]),
      tf.tile(randomTensor(rng, [2, 3, 4]), [1, 1, 3]),
      tf.tile(randomTensor(rng, [2, 3, 4]), [2, 1, 1]),
      tf.tile(randomTensor(rng, [5]), [4]),
      tf.tile(randomTensor(rng, [2, 1, 3, 1, 2]), [1, 3, 2, 2, 1]),
      tf.tile(tf.tensor2d([[1, -2], [3, 4]], [2, 2], 'int32'), [2, 3]),
      tf.tile(tf.greater(randomTensor(rng, [3, 2]), 0), [2, 2]),
    ];
  }, 0);
});

test('wasm Sum and Mean equal cpu over leading, inner and mixed axes, with and without keepDims', async () => {
  await sameOnWasmAsCpu(() => {
    const rng = new Rng(4);
    const x = randomTensor(rng, [6, 5, 7, 8]);
    const out: tf.Tensor[] = [];
    for (const axes of [[0], [0, 1], [0, 1, 2], [1, 0], [3], [1, 2], [0, 2], [0, 1, 2, 3], [-4, -3]]) {
      for (const keepDims of [false, true]) out.push(tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims));
    }
    out.push(tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    return out;
  });
});

test('wasm BatchMatMul with transposed operands equals cpu (2-D, batched, broadcast batch)', async () => {
  await sameOnWasmAsCpu(() => {
    const rng = new Rng(5);
    const out: tf.Tensor[] = [];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a2 = randomTensor(rng, ta ? [33, 20] : [20, 33]);
      const b2 = randomTensor(rng, tb ? [17, 33] : [33, 17]);
      out.push(tf.matMul(a2, b2, ta, tb));
      const a3 = randomTensor(rng, ta ? [4, 9, 6] : [4, 6, 9]);
      const b3 = randomTensor(rng, tb ? [1, 5, 9] : [1, 9, 5]);
      out.push(tf.matMul(a3, b3, ta, tb));
    }
    return out;
  }, 1e-5);
});

test('wasm MaxPoolGrad equals cpu: 2×2/2 valid, 3×3/2 padded, same, odd sizes, ties after ReLU', async () => {
  await sameOnWasmAsCpu(() => {
    const rng = new Rng(6);
    const cases: [number[], number | [number, number], number | [number, number], 'valid' | 'same' | number][] = [
      [[2, 8, 12, 3], 2, 2, 'valid'],
      [[2, 9, 11, 3], 2, 2, 'valid'],
      [[2, 12, 12, 4], 3, 2, 1],
      [[1, 7, 9, 2], 3, 2, 'same'],
      [[1, 6, 6, 2], [2, 3], [1, 2], 'valid'],
    ];
    const grads = cases.map(([shape, filter, stride, pad]) => {
      const x = tf.relu(randomTensor(rng, shape)) as tf.Tensor4D; // ReLU: many windows are all 0 (ties)
      const r = randomTensor(rng, tf.maxPool(x, filter, stride, pad).shape);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(r, tf.maxPool(v as tf.Tensor4D, filter, stride, pad))))(x);
    });
    // Windows of −∞ (no maximum: no gradient), with NaN (skipped), all NaN, and ordinary ones.
    const [inf, nan] = [-Infinity, NaN];
    const special = tf.tensor4d([inf, inf, nan, 1, inf, inf, 2, nan, 3, 0, nan, nan, 0, 3, nan, nan], [1, 4, 4, 1]);
    const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: special, output: tf.maxPool(special, 2, 2, 'valid') }, { filterSize: 2, strides: 2, pad: 'valid' });
    return [...grads, dx as tf.Tensor];
  }, 1e-6); // overlapping windows add in another order; a wrong tie would be off by O(1)
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

test('a full training step (forward, backward, Adam) on wasm: tensor count flat over 20 steps, loss falls', async () => {
  await initBackend('wasm');
  const rng = new Rng(9);
  const cnn = fourDigitCnn({ width: 0.25, downscale: 2, seed: 1 });
  const trunk = resnet18Trunk({ width: 0.125, gridSize: 4, seed: 1 });
  const models = [
    { model: cnn, input: tf.clipByValue(randomTensor(rng, [4, 5, 14, 56]), 0, 1), apply: (x: tf.Tensor) => cnn.apply(x) },
    { model: trunk, input: randomTensor(rng, [3, 32, 32, 3]), apply: (x: tf.Tensor) => trunk.apply(x, { training: true }) },
  ];
  for (const { model, input, apply } of models) {
    const target = tf.tidy(() => tf.add(apply(input), 1));
    const adam = new Adam(model.variables, { learningRate: 1e-2 });
    const names = Object.keys(model.variables);
    const variables = names.map((name) => model.variables[name]);
    const step = (): number =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(apply(input), target)) as tf.Scalar, variables);
        adam.applyGradients(Object.fromEntries(names.map((name, i) => [name, grads[variables[i].name]])));
        return value.dataSync()[0];
      });
    const first = step();
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = step();
    assert.equal(tf.memory().numTensors, count, 'tensors leaked by a training step');
    assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
    adam.dispose();
    model.dispose();
    tf.dispose([input, target]);
  }
});
