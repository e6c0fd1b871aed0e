import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Rng,
  relaxedBellmanFord,
  dijkstra,
  pathL1Loss,
  pathL2SquaredLoss,
  perSampleHessians,
  defaultNIter,
  minimumNIter,
} from '../src/index';
import { finiteDifferenceGradient, finiteDifferenceHessian, autodiffHessian, relativeError } from '../src/analysis/index';
import { shortestPathLoss, resolveConfig, shortestPathExperiment } from '../src/experiments/index';
import type { RelaxedBellmanFordOptions, TConorm, TracebackLoop } from '../src/index';

interface RelaxedCase {
  params: { beta: number; n_iter: number; t_conorm: TConorm; p: number | null; loop_type: TracebackLoop };
  cost: number[][][];
  gt_path: number[][][];
  path: number[][][];
  l1_per_sample: number[];
  l1_grad: number[][][];
  l2_per_sample: number[];
  l2_grad: number[][][];
}
const reference = JSON.parse(fs.readFileSync(join(__dirname, 'reference', 'shortest_path.json'), 'utf8')) as {
  relaxed_bellman_ford: RelaxedCase[];
};

function optionsOf(c: RelaxedCase): RelaxedBellmanFordOptions {
  const { beta, n_iter, t_conorm, p, loop_type } = c.params;
  return { beta, nIter: n_iter, tConorm: t_conorm, loop: loop_type, ...(p === null ? {} : { p }) };
}

for (const backend of ['cpu', 'wasm']) {
  test(`relaxedBellmanFord (${backend}): path, L1 / L2² values and gradients match AlgoVision within 1e-3`, async () => {
    await initBackend(backend);
    const covered = new Set<string>();
    for (const c of reference.relaxed_bellman_ford) {
      const options = optionsOf(c);
      covered.add(`${c.params.t_conorm}/${c.params.loop_type}`);
      const cost = tf.tensor3d(c.cost);
      const target = tf.tensor3d(c.gt_path);
      const label = JSON.stringify(c.params);
      const path = relaxedBellmanFord(cost, options);
      assert.deepEqual(path.shape, cost.shape);
      assert.ok(relativeError(path.dataSync(), c.path.flat(2)) < 1e-3, `${label}: path`);
      const l1 = pathL1Loss(path, target);
      const l2 = pathL2SquaredLoss(path, target);
      assert.deepEqual(l1.shape, [c.cost.length]);
      assert.ok(relativeError(l1.dataSync(), c.l1_per_sample) < 1e-3, `${label}: l1`);
      assert.ok(relativeError(l2.dataSync(), c.l2_per_sample) < 1e-3, `${label}: l2`);
      const l1Grad = tf.grad((x: tf.Tensor) => tf.sum(pathL1Loss(relaxedBellmanFord(x as tf.Tensor3D, options), target)))(cost);
      const l2Grad = tf.grad((x: tf.Tensor) => tf.sum(pathL2SquaredLoss(relaxedBellmanFord(x as tf.Tensor3D, options), target)))(cost);
      assert.ok(relativeError(l1Grad.dataSync(), c.l1_grad.flat(2)) < 1e-3, `${label}: l1 gradient`);
      assert.ok(relativeError(l2Grad.dataSync(), c.l2_grad.flat(2)) < 1e-3, `${label}: l2 gradient`);
      tf.dispose([cost, target, path, l1, l2, l1Grad, l2Grad]);
    }
    assert.deepEqual([...covered].sort(), ['hamacher/for', 'probabilistic/for', 'probabilistic/while', 'yager_1/for']);
  });
}

test('relaxedBellmanFord: gradients match finite differences for every t-conorm and loop (7×7)', async () => {
  await initBackend('cpu');
  const rng = new Rng(21);
  const cost = tf.tensor3d(Float32Array.from({ length: 49 }, () => rng.uniform() * 4 + 0.5), [1, 7, 7]);
  const target = tf.tensor3d(Float32Array.from({ length: 49 }, (_, i) => (i % 8 === 0 ? 1 : 0)), [1, 7, 7]); // the diagonal
  const cases: RelaxedBellmanFordOptions[] = [
    { tConorm: 'probabilistic', loop: 'for', nIter: 10, beta: 3 },
    { tConorm: 'hamacher', p: 5, loop: 'for', nIter: 10, beta: 3 },
    { tConorm: 'yager_1', loop: 'for', nIter: 10, beta: 3 },
    { tConorm: 'probabilistic', loop: 'while', nIter: 10, beta: 3 },
  ];
  for (const options of cases) {
    const f = (x: tf.Tensor): tf.Scalar => tf.sum(pathL2SquaredLoss(relaxedBellmanFord(x as tf.Tensor3D, options), target));
    const autodiff = tf.grad(f)(cost);
    const numeric = finiteDifferenceGradient(f, cost, 1e-2);
    assert.ok(numeric.some((v) => Math.abs(v) > 1e-2), 'non-trivial gradient');
    assert.ok(relativeError(autodiff.dataSync(), numeric) < 1e-2, JSON.stringify(options));
    autodiff.dispose();
  }
  tf.dispose([cost, target]);
});

test('relaxedBellmanFord: twice differentiable — autodiff Hessian equals finite differences of the gradient (3×3)', async () => {
  await initBackend('cpu');
  const rng = new Rng(3);
  const cost = tf.tensor3d(Float32Array.from({ length: 9 }, () => rng.uniform() * 2 + 0.5), [1, 3, 3]);
  const target = tf.tensor3d([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]]);
  const cases: RelaxedBellmanFordOptions[] = [
    { tConorm: 'probabilistic', loop: 'for' },
    { tConorm: 'hamacher', loop: 'for' },
    { tConorm: 'probabilistic', loop: 'while' },
  ];
  for (const options of cases) {
    const f = (x: tf.Tensor): tf.Scalar =>
      tf.sum(pathL2SquaredLoss(relaxedBellmanFord(x as tf.Tensor3D, { beta: 2, nIter: 5, ...options }), target));
    const hessian = autodiffHessian(f, cost);
    assert.ok(hessian.some((v) => Math.abs(v) > 1e-3), 'non-trivial Hessian');
    assert.ok(relativeError(hessian, finiteDifferenceHessian(f, cost, 1e-2)) < 2e-3, JSON.stringify(options));
  }
  tf.dispose([cost, target]);
});

/** ∇_x ⟨∇f(x), v⟩ = H v by double backward, and (∇f(x + h v) − ∇f(x − h v)) / 2h. */
function hessianVectorProducts(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, v: tf.Tensor, h: number): { autodiff: Float32Array; numeric: Float64Array } {
  const gradient = tf.grad(f);
  const autodiff = tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(gradient(y), v)))(x).dataSync() as Float32Array);
  const plus = tf.tidy(() => gradient(tf.add(x, tf.mul(v, h))).dataSync());
  const minus = tf.tidy(() => gradient(tf.sub(x, tf.mul(v, h))).dataSync());
  return { autodiff, numeric: Float64Array.from(plus, (p, i) => (p - minus[i]) / (2 * h)) };
}

for (const backend of ['cpu', 'wasm']) {
  test(`relaxedBellmanFord (${backend}): twice differentiable at the experiment's size — Hessian-vector products (12×12, beta 10, nIter 25) equal finite differences of the gradient`, async () => {
    await initBackend(backend);
    const rng = new Rng(12);
    const [batch, size] = [2, 12];
    const cost = tf.tensor3d(Float32Array.from({ length: batch * size * size }, () => rng.uniform() * 2 + 0.5), [batch, size, size]);
    const target = tf.tensor3d(Float32Array.from({ length: batch * size * size }, (_, i) => ((i % (size * size)) % (size + 1) === 0 ? 1 : 0)), [batch, size, size]);
    const cases: RelaxedBellmanFordOptions[] = [
      { tConorm: 'probabilistic', loop: 'for' },
      { tConorm: 'hamacher', loop: 'for' },
      { tConorm: 'yager_1', loop: 'for' },
      { tConorm: 'probabilistic', loop: 'while' },
    ];
    for (const options of cases) {
      for (const pathLoss of [pathL2SquaredLoss, pathL1Loss]) {
        const f = (x: tf.Tensor): tf.Scalar => tf.sum(pathLoss(relaxedBellmanFord(x as tf.Tensor3D, { beta: 10, nIter: 25, ...options }), target));
        const direction = tf.tensor3d(Float32Array.from({ length: cost.size }, () => rng.normal()), cost.shape);
        const label = `${JSON.stringify(options)} ${pathLoss.name}`;
        const { autodiff, numeric } = hessianVectorProducts(f, cost, direction, 1e-3);
        assert.ok(autodiff.every(Number.isFinite), `${label}: finite`);
        assert.ok(autodiff.some((v) => Math.abs(v) > 1), `${label}: non-trivial`);
        const error = relativeError(autodiff, numeric);
        assert.ok(error < 1e-2, `${label}: relative error ${error}`);
        direction.dispose();
      }
    }
    tf.dispose([cost, target]);
  });
}

test('relaxedBellmanFord: gradients and Hessian-vector products match finite differences when cells are still unreached at the last step (nIter < max(H, W))', async () => {
  await initBackend('cpu');
  const rng = new Rng(4);
  const cost = tf.tensor3d(Float32Array.from({ length: 36 }, () => rng.uniform() * 2 + 0.5), [1, 6, 6]);
  const target = tf.tensor3d(Float32Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 1 : 0)), [1, 6, 6]);
  // nIter 4 on 6 × 6: the target (5, 5) is unreached, the traceback starts with uniform weights.
  const f = (x: tf.Tensor): tf.Scalar => tf.sum(pathL2SquaredLoss(relaxedBellmanFord(x as tf.Tensor3D, { beta: 1, nIter: 4, allowUnreached: true }), target));
  const autodiff = tf.grad(f)(cost);
  const numeric = finiteDifferenceGradient(f, cost, 1e-2);
  assert.ok(numeric.some((v) => Math.abs(v) > 1e-3), 'non-trivial gradient');
  assert.ok(relativeError(autodiff.dataSync(), numeric) < 2e-2, 'gradient');
  const direction = tf.tensor3d(Float32Array.from({ length: 36 }, () => rng.normal()), [1, 6, 6]);
  const { autodiff: hvp, numeric: fdHvp } = hessianVectorProducts(f, cost, direction, 1e-2);
  assert.ok(relativeError(hvp, fdHvp) < 2e-2, 'Hessian-vector product');
  tf.dispose([cost, target, autodiff, direction]);
});

test('relaxedBellmanFord: per-sample Hessians taken inside an enclosing tf.grad keep no intermediates alive there (the batch-8 wasm out-of-memory)', async () => {
  await initBackend('wasm');
  const rng = new Rng(6);
  const [batch, size] = [8, 4];
  const costs = tf.tensor2d(Float32Array.from({ length: batch * size * size }, () => rng.uniform() * 2 + 0.5), [batch, size * size]);
  const target = tf.tensor3d(Float32Array.from({ length: batch * size * size }, (_, i) => ((i % (size * size)) % (size + 1) === 0 ? 1 : 0)), [batch, size, size]);
  const lossPerSample = (y: tf.Tensor2D): tf.Tensor1D =>
    tf.tidy(() => pathL2SquaredLoss(relaxedBellmanFord(tf.reshape(y, [batch, size, size]) as tf.Tensor3D, { nIter: 8 }), target));
  const outside = perSampleHessians(costs, lossPerSample);
  let inside: Float32Array | null = null;
  let growth = -1;
  const gradient = tf.grad((x: tf.Tensor) => {
    const before = tf.memory().numTensors;
    const hessians = perSampleHessians(costs, lossPerSample);
    growth = tf.memory().numTensors - before;
    inside = hessians.dataSync() as Float32Array;
    hessians.dispose();
    return tf.sum(tf.square(x));
  })(costs);
  assert.equal(growth, 1, 'only the returned Hessians are alive while the enclosing tape records (16 HVPs would keep thousands)');
  assert.ok(inside !== null && relativeError(inside, outside.dataSync()) === 0, 'same Hessians on and off a tape');
  assert.ok(outside.dataSync().some((v) => Math.abs(v) > 1e-2), 'non-trivial Hessians');
  tf.dispose([costs, target, outside, gradient]);
});

test('relaxedBellmanFord: large beta recovers the exact path when the traceback has as many steps as the path has cells', async () => {
  await initBackend('cpu');
  const rng = new Rng(8);
  for (let trial = 0; trial < 3; trial++) {
    const cost = tf.tensor3d(Float32Array.from({ length: 64 }, () => rng.uniform() * 9 + 1), [1, 8, 8]);
    const exact = dijkstra(cost);
    const cells = exact.paths.sum().dataSync()[0];
    const path = relaxedBellmanFord(cost, { beta: 200, nIter: cells });
    assert.ok(relativeError(path.dataSync(), exact.paths.dataSync()) < 1e-2, `trial ${trial}`);
    // More steps never take mass off the path: a t-conorm is at least its larger argument.
    const longer = relaxedBellmanFord(cost, { beta: 200, nIter: cells + 4 });
    const longerValues = longer.dataSync();
    path.dataSync().forEach((v, i) => assert.ok(longerValues[i] >= v - 1e-6, `trial ${trial}: cell ${i}`));
    tf.dispose([cost, exact.paths, exact.costs, path, longer]);
  }
});

test('relaxedBellmanFord: no tensor leaks (forward and gradient)', async () => {
  await initBackend('wasm');
  const cost = tf.randomUniform([3, 6, 6], 0.5, 3, 'float32', 1) as tf.Tensor3D;
  const target = tf.zeros([3, 6, 6]) as tf.Tensor3D;
  const run = (loop: TracebackLoop): void => {
    const path = relaxedBellmanFord(cost, { loop, nIter: 8 });
    path.dispose();
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(pathL1Loss(relaxedBellmanFord(x as tf.Tensor3D, { loop, nIter: 8 }), target)))(cost);
    gradient.dispose();
  };
  run('for');
  run('while');
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    run('for');
    run('while');
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([cost, target]);
});

test('relaxedBellmanFord and path losses: bad input errors name the argument and the expected value', async () => {
  await initBackend('cpu');
  const cost = tf.ones([1, 3, 3]) as tf.Tensor3D;
  assert.throws(() => relaxedBellmanFord(tf.ones([3, 3]) as unknown as tf.Tensor3D), /cost must be a rank-3 tensor \[B, H, W\], got shape \[3,? ?3\]/);
  assert.throws(() => relaxedBellmanFord(cost, { beta: 0 }), /beta must be a finite number > 0, got 0/);
  assert.throws(() => relaxedBellmanFord(cost, { nIter: 2.5 }), /nIter must be an integer ≥ 1, got 2.5/);
  assert.throws(() => relaxedBellmanFord(cost, { tConorm: 'max' as TConorm }), /tConorm must be one of 'probabilistic', 'hamacher', 'yager_1', got 'max'/);
  assert.throws(() => relaxedBellmanFord(cost, { tConorm: 'hamacher', p: -1 }), /p \(Hamacher\) must be a finite number ≥ 0, got -1/);
  assert.throws(() => relaxedBellmanFord(cost, { loop: 'until' as TracebackLoop }), /loop must be one of 'for', 'while', got 'until'/);
  const bad = tf.tensor3d([[[1, NaN], [1, 1]]]);
  assert.throws(() => relaxedBellmanFord(bad), /cost must be finite/);
  assert.throws(() => pathL1Loss(cost, tf.ones([1, 3, 4]) as tf.Tensor3D), /pathL1Loss: target must have the shape of path \[1, 3, 3\], got \[1, 3, 4\]/);
  assert.throws(() => pathL2SquaredLoss(tf.ones([9]) as unknown as tf.Tensor3D, cost), /pathL2SquaredLoss: path must be a rank-3 tensor/);
  tf.dispose([cost, bad]);
});

test('relaxedBellmanFord: a grid longer than the default 25 steps (2 × 30) is solved with nIter from the grid, and a too small nIter is refused', async () => {
  await initBackend('cpu');
  const rng = new Rng(30);
  const cost = tf.tensor3d(Float32Array.from({ length: 60 }, () => rng.uniform() * 4 + 1), [1, 2, 30]);
  const exact = dijkstra(cost);
  for (const loop of ['for', 'while'] as const) {
    const path = relaxedBellmanFord(cost, { beta: 200, loop });
    const values = path.dataSync();
    assert.ok(values[0] > 0.99, `${loop}: the path reaches the source (path[0][0] = ${values[0]})`);
    assert.ok(values[59] > 0.99, `${loop}: the path starts at the target`);
    // every cell of the exact path is on the relaxed path
    exact.paths.dataSync().forEach((on, i) => on && assert.ok(values[i] > 0.5, `${loop}: cell ${i} of the shortest path has ${values[i]}`));
    path.dispose();
  }
  assert.throws(
    () => relaxedBellmanFord(cost, { nIter: 25 }),
    /relaxedBellmanFord: nIter = 25 is too small for a 2 × 30 grid: the path from \(0, 0\) to \(1, 29\) needs at least 30 steps \(max\(H, W\)\); use nIter >= 30, or leave it unset for 61/,
  );
  tf.dispose([cost, exact.paths, exact.costs]);
  assert.deepEqual([12, 18, 24, 30].map((g) => defaultNIter(g, g)), [25, 37, 49, 61]);
  assert.equal(defaultNIter(2, 30), 61);
  assert.equal(minimumNIter(2, 30), 30);
});

test('shortest-path experiment: nIter comes from the map size (Warcraft 12 / 18 / 24 / 30); a too small one is refused naming nIter and the minimum', () => {
  const config = resolveConfig(shortestPathExperiment, { preset: 'smoke', method: 'rbf-for-l1' });
  assert.equal(config.nIter, 25, 'the generated 12 × 12 maps: stored as 25 (the run ids of existing runs are unchanged)');
  const fromFolder = resolveConfig(shortestPathExperiment, { preset: 'smoke', method: 'rbf-for-l1', dataDir: '/data/warcraft_30' });
  assert.equal(fromFolder.nIter, 0, 'a map folder: chosen when its map size is known');
  for (const grid of [12, 18, 24, 30]) assert.equal(shortestPathLoss(fromFolder, grid).kind, 'relaxed');
  const fixed = resolveConfig(shortestPathExperiment, { preset: 'smoke', method: 'rbf-for-l1', dataDir: '/data/warcraft_30', nIter: 25 });
  assert.throws(() => shortestPathLoss(fixed, 30), /option 'nIter' = 25 is too small for 30 × 30 maps: needs at least 30; use --n-iter 0 to choose it from the map size \(61\)/);
  assert.throws(() => resolveConfig(shortestPathExperiment, { preset: 'smoke', method: 'rbf-for-l1', nIter: 5 }), /option 'nIter' must be 0 \(from the map size\) or at least 12 for the 12 × 12 generated maps, got 5/);
});
