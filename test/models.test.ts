import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Rng } from '../src/index';
import { relativeError } from '../src/analysis/index';
import { fourDigitCnn, resnet18Trunk } from '../src/models/index';

const random = (seed: number, shape: number[], scale = 1): tf.Tensor =>
  tf.tensor(new Rng(seed).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))).map((v) => v * scale), shape);

const snapshot = (weights: Record<string, tf.Tensor>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(weights).map(([name, t]) => [name, Array.from(t.dataSync())]));

test('fourDigitCnn: shapes, parameter count, per-set and flat input layouts agree', async () => {
  await initBackend('wasm');
  const model = fourDigitCnn({ seed: 3 });
  assert.deepEqual(model.channels, [32, 64, 64]);
  // conv1 5·5·1·32 + 32, conv2 5·5·32·64 + 64, fc1 (7·28·64)·64 + 64, fc2 64 + 1
  assert.equal(model.parameterCount(), 832 + 51264 + 802880 + 65);
  assert.deepEqual(model.variables['fc1/kernel'].shape, [7 * 28 * 64, 64]);
  tf.tidy(() => {
    const images = tf.clipByValue(random(1, [2, 3, 28, 112], 0.5), 0, 1);
    const scores = model.apply(images);
    assert.deepEqual(scores.shape, [2, 3]);
    const flat = model.apply(tf.reshape(images, [6, 28, 112, 1]));
    assert.deepEqual(flat.shape, [6]);
    assert.ok(relativeError(flat.dataSync(), scores.dataSync()) < 1e-6);
    assert.ok(new Set(Array.from(scores.dataSync())).size === 6, 'different images give different scores');
  });
  model.dispose();
});

test('fourDigitCnn: width and downscale options; bad options and inputs are clear errors', async () => {
  await initBackend('cpu');
  const small = fourDigitCnn({ width: 0.25, downscale: 4, seed: 1 });
  assert.deepEqual(small.channels, [8, 16, 16]);
  assert.deepEqual([small.itemHeight, small.itemWidth], [7, 28]);
  assert.deepEqual(small.variables['fc1/kernel'].shape, [1 * 7 * 16, 16]);
  tf.tidy(() => assert.deepEqual(small.apply(tf.zeros([4, 5, 7, 28])).shape, [4, 5]));
  assert.throws(() => small.apply(tf.zeros([4, 5, 28, 112])), /FourDigitCnn.apply: images must be \[B, n, 7, 28\] or \[N, 7, 28, 1\], got \[4,5,28,112\]/);
  small.dispose();
  assert.throws(() => fourDigitCnn({ width: 0 }), /fourDigitCnn: width must be a positive number, got 0/);
  assert.throws(() => fourDigitCnn({ downscale: 3 }), /fourDigitCnn: downscale must be a positive integer dividing 28/);
  assert.throws(() => fourDigitCnn({ downscale: 14 }), /too small for two 2 × 2 max-pools/);
});

test('fourDigitCnn: same seed ⇒ same weights (on every backend), other seed ⇒ other weights', async () => {
  await initBackend('cpu');
  const onCpu = fourDigitCnn({ seed: 7, width: 0.5 });
  const cpuWeights = snapshot(onCpu.getWeights());
  const cpuScores = tf.tidy(() => Array.from(onCpu.apply(random(2, [1, 2, 28, 112])).dataSync()));
  await initBackend('wasm');
  const onWasm = fourDigitCnn({ seed: 7, width: 0.5 });
  assert.deepEqual(snapshot(onWasm.getWeights()), cpuWeights);
  const wasmScores = tf.tidy(() => Array.from(onWasm.apply(random(2, [1, 2, 28, 112])).dataSync()));
  assert.ok(relativeError(wasmScores, cpuScores) < 1e-4);
  const other = fourDigitCnn({ seed: 8, width: 0.5 });
  assert.notDeepEqual(snapshot(other.getWeights())['conv1/kernel'], cpuWeights['conv1/kernel']);
  // PyTorch's default initialisation bound 1/√fanIn
  const conv2 = cpuWeights['conv2/kernel'];
  const bound = 1 / Math.sqrt(25 * 16);
  assert.ok(conv2.every((w) => Math.abs(w) <= bound) && Math.max(...conv2.map(Math.abs)) > 0.9 * bound);
  for (const m of [onCpu, onWasm, other]) m.dispose();
});

test('getWeights / setWeights round-trip; mismatched names and shapes are errors', async () => {
  await initBackend('cpu');
  const a = fourDigitCnn({ seed: 1, width: 0.25 });
  const b = fourDigitCnn({ seed: 2, width: 0.25 });
  b.setWeights(a.getWeights());
  assert.deepEqual(snapshot(b.getWeights()), snapshot(a.getWeights()));
  const tensorsBefore = tf.memory().numTensors;
  b.setWeights(a.getWeights());
  assert.equal(tf.memory().numTensors, tensorsBefore);
  const { ['fc2/bias']: _omitted, ...missing } = a.getWeights();
  assert.throws(() => b.setWeights(missing), /setWeights: missing weight 'fc2\/bias'/);
  assert.throws(() => b.setWeights({ ...a.getWeights(), extra: tf.scalar(1) }), /setWeights: unknown weight 'extra'/);
  const wide = fourDigitCnn({ seed: 1, width: 0.5 });
  assert.throws(() => b.setWeights(wide.getWeights()), /setWeights: weight 'conv1\/kernel' has shape \[5,5,1,16\], expected \[5,5,1,8\]/);
  for (const m of [a, b, wide]) m.dispose();
});

test('resnet18Trunk: shapes, positivity of both output maps, width and grid options, errors', async () => {
  await initBackend('wasm');
  const trunk = resnet18Trunk({ width: 0.25, seed: 1 });
  assert.equal(trunk.channels, 16);
  // conv1 7·7·3·16; 4 convs 3·3·16·16; 5 batch norms × (scale + offset)
  assert.equal(trunk.parameterCount(), 7 * 7 * 3 * 16 + 4 * 9 * 16 * 16 + 5 * 2 * 16);
  assert.equal(Object.keys(trunk.state).length, 10);
  tf.tidy(() => {
    const maps = random(4, [2, 96, 96, 3]);
    const costs = trunk.apply(maps, { training: false });
    assert.deepEqual(costs.shape, [2, 12, 12]);
    assert.ok(Array.from(costs.dataSync()).every((c) => c >= 0));
  });
  const soft = resnet18Trunk({ width: 0.25, seed: 1, outputMap: 'softplus', gridSize: 6 });
  tf.tidy(() => {
    const costs = soft.apply(random(5, [3, 48, 48, 3]), { training: true });
    assert.deepEqual(costs.shape, [3, 6, 6]);
    assert.ok(Array.from(costs.dataSync()).every((c) => c > 0));
    assert.throws(() => soft.apply(random(5, [1, 40, 40, 3]), { training: false }), /the 10 × 10 feature map \(from 40 × 40 maps\) is not a multiple of gridSize 6/);
    assert.throws(() => soft.apply(tf.zeros([1, 48, 48]), { training: false }), /maps must be \[B, S, S, 3\], got \[1,48,48\]/);
  });
  assert.throws(() => resnet18Trunk({ outputMap: 'relu' as 'abs' }), /outputMap must be one of abs, softplus, got 'relu'/);
  assert.throws(() => resnet18Trunk({ gridSize: 0 }), /gridSize must be a positive integer, got 0/);
  trunk.dispose();
  soft.dispose();
});

test('resnet18Trunk: batch-norm running statistics move only in training mode, by momentum 0.1', async () => {
  await initBackend('cpu');
  const trunk = resnet18Trunk({ width: 0.125, seed: 2, gridSize: 4 });
  const maps = random(6, [2, 32, 32, 3], 2);
  const initial = snapshot(trunk.state);
  tf.tidy(() => trunk.apply(maps, { training: false }));
  assert.deepEqual(snapshot(trunk.state), initial);
  // Expected first update of bn1: 0.9 · (0, 1) + 0.1 · (batch mean, unbiased batch variance)
  const expected = tf.tidy(() => {
    const conv = tf.conv2d(maps as tf.Tensor4D, trunk.variables['conv1'] as tf.Tensor4D, 2, 3);
    const { mean, variance } = tf.moments(conv, [0, 1, 2]);
    const n = conv.size / conv.shape[3];
    return [Array.from(tf.mul(mean, 0.1).dataSync()), Array.from(tf.add(0.9, tf.mul(variance, (0.1 * n) / (n - 1))).dataSync())];
  });
  const trainingOutput = tf.tidy(() => Array.from(trunk.apply(maps, { training: true }).dataSync()));
  const updated = snapshot(trunk.state);
  assert.ok(relativeError(updated['bn1/movingMean'], expected[0]) < 1e-5);
  assert.ok(relativeError(updated['bn1/movingVariance'], expected[1]) < 1e-5);
  for (const name of Object.keys(initial)) assert.notDeepEqual(updated[name], initial[name], name);
  // Training mode normalises with batch statistics: its output differs from inference mode's.
  const inferenceOutput = tf.tidy(() => Array.from(trunk.apply(maps, { training: false }).dataSync()));
  assert.ok(relativeError(inferenceOutput, trainingOutput) > 1e-3);
  assert.deepEqual(snapshot(trunk.state), updated);
  maps.dispose();
  trunk.dispose();
});

test('resnet18Trunk: same seed ⇒ same weights; He-normal convolutions; checkpoint includes BN state', async () => {
  await initBackend('cpu');
  const a = resnet18Trunk({ seed: 5, width: 0.5 });
  const b = resnet18Trunk({ seed: 5, width: 0.5 });
  assert.deepEqual(snapshot(a.getWeights()), snapshot(b.getWeights()));
  assert.ok(Object.keys(a.getWeights()).includes('layer1.1/bn2/movingVariance'));
  const conv = Array.from(a.variables['layer1.0/conv1'].dataSync());
  const std = Math.sqrt(conv.reduce((s, w) => s + w * w, 0) / conv.length);
  assert.ok(Math.abs(std / Math.sqrt(2 / (9 * 32)) - 1) < 0.05, `std ${std}`);
  a.dispose();
  b.dispose();
});
