import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Rng,
  dijkstraGrid,
  drawSmoothingNoise,
  smoothingEstimate,
  smoothedLossCurvature,
  smoothedShortestPathLoss,
  smoothedShortestPath,
  smoothedPathCurvature,
  perturbedFenchelYoungLoss,
  perturbedFenchelYoungCurvature,
  hammingDistance,
} from '../src/index';
import { relativeError } from '../src/analysis/index';
import type { SmoothingDistribution } from '../src/index';

const H = 4;
const W = 4;
const M = H * W;
const B = 3;

/** Costs around 1 with one cheap diagonal, so perturbed paths vary but not wildly. */
function testProblem(seed: number): { theta: Float32Array; target: Float32Array } {
  const rng = new Rng(seed);
  const theta = Float32Array.from({ length: B * M }, () => 0.5 + rng.uniform());
  const target = new Float32Array(B * M);
  for (let b = 0; b < B; b++) {
    const noisy = Float32Array.from(theta.subarray(b * M, (b + 1) * M), (v) => v + 0.3 * rng.normal());
    dijkstraGrid(noisy, H, W, target.subarray(b * M, (b + 1) * M), { negativeWeights: 'clamp' });
  }
  return { theta, target };
}

/** The path Dijkstra picks at `point` (clamped at 0), as float64. */
function solve(point: Float64Array): Float64Array {
  const path = new Float64Array(point.length);
  dijkstraGrid(point, H, W, path, { negativeWeights: 'clamp' });
  return path;
}

/** Noise `[S, m]` of input b out of `[B, S, m]`. */
function noiseOf(noise: Float64Array, b: number, samples: number): Float64Array {
  return noise.subarray(b * samples * M, (b + 1) * samples * M);
}

function transpose(matrix: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = matrix[i * n + j];
  return out;
}

function multiplyTransposedLeft(a: Float64Array, b: Float64Array, n: number): Float64Array {
  // a^T b for n × n matrices.
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += a[k * n + i] * b[k * n + j];
  return out;
}

test('drawSmoothingNoise: seeded, antithetic pairs, Gaussian and Cauchy have the right spread', () => {
  const a = drawSmoothingNoise(new Rng(1), 2, 4, 5);
  assert.deepEqual(a, drawSmoothingNoise(new Rng(1), 2, 4, 5));
  assert.notDeepEqual(a, drawSmoothingNoise(new Rng(2), 2, 4, 5));
  const pairs = drawSmoothingNoise(new Rng(1), 2, 4, 5, 'gaussian', true);
  for (let b = 0; b < 2; b++) {
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 5; j++) {
        const first = pairs[(b * 4 + 2 * k) * 5 + j];
        assert.equal(pairs[(b * 4 + 2 * k + 1) * 5 + j], -first);
      }
    }
  }
  const gaussian = drawSmoothingNoise(new Rng(3), 1, 1, 100_000);
  const mean = gaussian.reduce((s, v) => s + v, 0) / gaussian.length;
  const variance = gaussian.reduce((s, v) => s + v * v, 0) / gaussian.length;
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.02);
  const cauchy = Array.from(drawSmoothingNoise(new Rng(3), 1, 1, 100_000, 'cauchy')).sort((x, y) => x - y);
  // Quartiles of the standard Cauchy are -1 and 1.
  assert.ok(Math.abs(cauchy[25_000] + 1) < 0.03 && Math.abs(cauchy[75_000] - 1) < 0.03);
  assert.throws(() => drawSmoothingNoise(new Rng(1), 1, 3, 2, 'gaussian', true), /even number of samples, got 3/);
  assert.throws(() => drawSmoothingNoise(new Rng(1), 1, 0, 2), /samples must be an integer ≥ 1, got 0/);
  assert.throws(() => drawSmoothingNoise(new Rng(1), 1, 1, 2, 'laplace' as SmoothingDistribution), /distribution must be one of 'gaussian', 'cauchy'/);
});

/**
 * f(theta) = 5 + sum_i sin(theta_i) smoothed: E sin(t + sigma e) = sin(t) phi(sigma) with phi the
 * characteristic function: exp(-sigma^2 / 2) (Gaussian), exp(-sigma) (Cauchy). The offset 5 is
 * what variance reduction removes (a loss is large where its derivatives are small).
 */
function sineClosedForm(theta: number[], sigma: number, distribution: SmoothingDistribution) {
  const damping = distribution === 'gaussian' ? Math.exp((-sigma * sigma) / 2) : Math.exp(-sigma);
  const m = theta.length;
  const hessian = new Float64Array(m * m);
  theta.forEach((t, i) => (hessian[i * m + i] = -Math.sin(t) * damping));
  return {
    value: 5 + theta.reduce((s, t) => s + Math.sin(t), 0) * damping,
    gradient: Float64Array.from(theta, (t) => Math.cos(t) * damping),
    hessian,
  };
}

function rmsError(estimates: Float64Array[], truth: Float64Array): number {
  let sum = 0;
  for (const e of estimates) for (let i = 0; i < truth.length; i++) sum += (e[i] - truth[i]) ** 2;
  return Math.sqrt(sum / estimates.length);
}

for (const distribution of ['gaussian', 'cauchy'] as const) {
  test(`smoothingEstimate (${distribution}): value, gradient and Hessian approach the closed form, error ∝ 1/sqrt(S)`, () => {
    const theta = [0.3, -1.2, 2.0];
    const sigma = 0.5;
    const truth = sineClosedForm(theta, sigma, distribution);
    const f = (x: Float64Array): number => 5 + x.reduce((s, v) => s + Math.sin(v), 0);
    const rng = new Rng(17);
    const errors = (samples: number, extra: { baseline?: boolean; antithetic?: boolean } = {}) => {
      const gradients: Float64Array[] = [];
      const hessians: Float64Array[] = [];
      const values: Float64Array[] = [];
      for (let repeat = 0; repeat < 40; repeat++) {
        const estimate = smoothingEstimate(f, theta, { sigma, samples, distribution, rng, hessian: true, ...extra });
        values.push(estimate.value);
        gradients.push(estimate.jacobian);
        hessians.push(estimate.hessian as Float64Array);
      }
      return {
        value: rmsError(values, Float64Array.of(truth.value)),
        gradient: rmsError(gradients, truth.gradient),
        hessian: rmsError(hessians, truth.hessian),
      };
    };
    const small = errors(100, { baseline: true });
    const large = errors(1600, { baseline: true });
    for (const key of ['value', 'gradient', 'hessian'] as const) {
      const ratio = small[key] / large[key];
      // 16 × the samples: the error falls by sqrt(16) = 4 (Monte-Carlo spread of 40 repeats).
      assert.ok(ratio > 2.8 && ratio < 5.7, `${key}: error ratio ${ratio.toFixed(2)} (expected about 4)`);
    }
    assert.ok(large.value < 0.05 && large.gradient < 0.1 && large.hessian < 0.5, JSON.stringify(large));
    // Variance reduction: the baseline removes the offset's noise from both estimates; antithetic
    // pairs from the gradient only (its score is odd in e, the Hessian's weight is even).
    const plain = errors(100);
    const antithetic = errors(100, { antithetic: true });
    assert.ok(small.gradient < plain.gradient / 2, `baseline: ${small.gradient} vs plain ${plain.gradient}`);
    assert.ok(small.hessian < plain.hessian / 2, `baseline: ${small.hessian} vs plain ${plain.hessian}`);
    assert.ok(antithetic.gradient < plain.gradient / 2, `antithetic: ${antithetic.gradient} vs plain ${plain.gradient}`);
  });
}

test('smoothingEstimate: Jacobian of a vector function approaches the closed form', () => {
  const theta = [0.3, -1.2, 2.0];
  const sigma = 0.4;
  const damping = Math.exp((-sigma * sigma) / 2);
  const estimate = smoothingEstimate((x) => x.map(Math.sin), theta, { sigma, samples: 40_000, rng: new Rng(4), baseline: true, antithetic: true });
  const expected = new Float64Array(9);
  theta.forEach((t, i) => (expected[i * 3 + i] = Math.cos(t) * damping));
  assert.ok(relativeError(estimate.jacobian, expected) < 0.03);
  assert.ok(relativeError(estimate.value, theta.map((t) => Math.sin(t) * damping)) < 0.02);
  assert.equal(estimate.hessian, undefined);
  assert.throws(() => smoothingEstimate((x) => x, theta, { sigma, samples: 2, rng: new Rng(1), hessian: true }), /hessian needs a scalar f, got 3 outputs/);
});

for (const distribution of ['gaussian', 'cauchy'] as const) {
  for (const baseline of [false, true]) {
    test(`smoothed loss (${distribution}, baseline ${baseline}): batched estimates with explicit noise equal the direct computation`, async () => {
      await initBackend('cpu');
      const { theta, target } = testProblem(1);
      const samples = 6;
      const sigma = 0.4;
      const noise = drawSmoothingNoise(new Rng(9), B, samples, M, distribution);
      const thetaTensor = tf.tensor3d(theta, [B, H, W]);
      const targetTensor = tf.tensor3d(target, [B, H, W]);
      const options = { sigma, noise, distribution, baseline };
      const perSample = smoothedLossCurvature(thetaTensor, targetTensor, options, { hessian: 'per-sample' });
      const batchMean = smoothedLossCurvature(thetaTensor, targetTensor, options, { hessian: 'batch-mean' });
      const gradientOnly = smoothedLossCurvature(thetaTensor, targetTensor, options, { hessian: 'none' });
      assert.equal(gradientOnly.hessians, undefined);
      assert.equal(gradientOnly.hessianMean, undefined);
      const meanHessian = new Float64Array(M * M);
      let varied = false;
      for (let b = 0; b < B; b++) {
        const targetB = target.subarray(b * M, (b + 1) * M);
        const f = (point: Float64Array): number => hammingDistance(Float32Array.from(solve(point)), targetB);
        const direct = smoothingEstimate(f, theta.subarray(b * M, (b + 1) * M), { sigma, distribution, baseline, hessian: true, noise: noiseOf(noise, b, samples) });
        assert.ok(Math.abs(perSample.losses.dataSync()[b] - direct.value[0]) < 1e-5);
        assert.ok(relativeError(perSample.gradients.dataSync().subarray(b * M, (b + 1) * M), direct.jacobian, 1e-3) < 1e-5);
        const hessian = direct.hessian as Float64Array;
        assert.ok(relativeError(perSample.hessians!.dataSync().subarray(b * M * M, (b + 1) * M * M), hessian, 1e-3) < 1e-5);
        hessian.forEach((v, i) => (meanHessian[i] += v / B));
        varied ||= direct.jacobian.some((v) => v !== 0);
      }
      assert.ok(varied, 'the noise changes some paths');
      assert.ok(relativeError(batchMean.hessianMean!.dataSync(), meanHessian, 1e-3) < 1e-5);
      assert.deepEqual(gradientOnly.gradients.dataSync(), perSample.gradients.dataSync());

      // The tf op: same value, and its gradient is the estimate (scaled by the upstream gradient).
      const op = (x: tf.Tensor) => smoothedShortestPathLoss(x as tf.Tensor3D, targetTensor, { sigma, noise, distribution, baseline });
      const value = op(thetaTensor);
      assert.ok(relativeError(value.dataSync(), perSample.losses.dataSync()) < 1e-6);
      const upstream = tf.tensor1d([1, -2, 0.5]);
      const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(op(x), upstream)))(thetaTensor);
      const expected = perSample.gradients.dataSync().map((g, i) => g * [1, -2, 0.5][Math.floor(i / M)]);
      assert.ok(relativeError(gradient.dataSync(), expected, 1e-3) < 1e-6);
      tf.dispose([thetaTensor, targetTensor, value, upstream, gradient, ...Object.values(perSample), ...Object.values(batchMean), ...Object.values(gradientOnly)]);
    });
  }
}

test('smoothed algorithm: smoothed path, its vector-Jacobian product and the Gauss-Newton Hessian equal the direct computation', async () => {
  await initBackend('cpu');
  const { theta, target } = testProblem(2);
  const samples = 8;
  const sigma = 0.5;
  const noise = drawSmoothingNoise(new Rng(10), B, samples, M);
  const thetaTensor = tf.tensor3d(theta, [B, H, W]);
  const targetTensor = tf.tensor3d(target, [B, H, W]);
  for (const baseline of [false, true]) {
    const yhat = smoothedShortestPath(thetaTensor, { sigma, noise, baseline });
    const u = tf.randomNormal([B, H, W], 0, 1, 'float32', 5);
    const vjp = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(smoothedShortestPath(x as tf.Tensor3D, { sigma, noise, baseline }), u)))(thetaTensor);
    const estimate = smoothedPathCurvature(thetaTensor, targetTensor, { sigma, noise, baseline, loss: 'l2' }, { hessian: 'per-sample' });
    const uValues = u.dataSync();
    for (let b = 0; b < B; b++) {
      const direct = smoothingEstimate(solve, theta.subarray(b * M, (b + 1) * M), { sigma, baseline, noise: noiseOf(noise, b, samples) });
      const jacobian = direct.jacobian; // rows: cells of the path, columns: costs
      assert.ok(relativeError(yhat.dataSync().subarray(b * M, (b + 1) * M), direct.value) < 1e-6);
      const expectedVjp = new Float64Array(M);
      const residual = new Float64Array(M);
      for (let j = 0; j < M; j++) residual[j] = 2 * (direct.value[j] - target[b * M + j]);
      const expectedGradient = new Float64Array(M);
      for (let r = 0; r < M; r++) {
        for (let c = 0; c < M; c++) {
          expectedVjp[c] += jacobian[r * M + c] * uValues[b * M + r];
          expectedGradient[c] += jacobian[r * M + c] * residual[r];
        }
      }
      assert.ok(relativeError(vjp.dataSync().subarray(b * M, (b + 1) * M), expectedVjp, 1e-3) < 1e-5);
      assert.ok(relativeError(estimate.gradients.dataSync().subarray(b * M, (b + 1) * M), expectedGradient, 1e-3) < 1e-5);
      const gaussNewton = multiplyTransposedLeft(jacobian, jacobian, M).map((v) => 2 * v);
      assert.ok(relativeError(estimate.hessians!.dataSync().subarray(b * M * M, (b + 1) * M * M), gaussNewton, 1e-3) < 1e-5);
      const loss = direct.value.reduce((s, v, j) => s + (v - target[b * M + j]) ** 2, 0);
      assert.ok(Math.abs(estimate.losses.dataSync()[b] - loss) < 1e-5);
    }
    tf.dispose([yhat, u, vjp, ...Object.values(estimate)]);
  }
  const l1 = smoothedPathCurvature(thetaTensor, targetTensor, { sigma, noise, loss: 'l1' }, { hessian: 'batch-mean' });
  assert.ok(l1.hessianMean!.dataSync().every((v) => v === 0), 'L1 has no Gauss-Newton curvature');
  tf.dispose([thetaTensor, targetTensor, ...Object.values(l1)]);
});

test('perturbed optimizer + Fenchel-Young: loss, gradient target - yhat and Hessian -sym(J) equal the direct computation', async () => {
  await initBackend('cpu');
  const { theta, target } = testProblem(3);
  const samples = 5;
  const sigma = 0.3;
  const noise = drawSmoothingNoise(new Rng(12), B, samples, M);
  const thetaTensor = tf.tensor3d(theta, [B, H, W]);
  const targetTensor = tf.tensor3d(target, [B, H, W]);
  const estimate = perturbedFenchelYoungCurvature(thetaTensor, targetTensor, { sigma, noise }, { hessian: 'per-sample' });
  const batchMean = perturbedFenchelYoungCurvature(thetaTensor, targetTensor, { sigma, noise }, { hessian: 'batch-mean' });
  const meanHessian = new Float64Array(M * M);
  for (let b = 0; b < B; b++) {
    const thetaB = theta.subarray(b * M, (b + 1) * M);
    const targetB = target.subarray(b * M, (b + 1) * M);
    const noiseB = noiseOf(noise, b, samples);
    const direct = smoothingEstimate(solve, thetaB, { sigma, noise: noiseB });
    // Hessian -(1/(S sigma)) sum_s y*_s Z_s^T, symmetrised.
    const raw = new Float64Array(M * M);
    let value = 0;
    for (let j = 0; j < M; j++) value += thetaB[j] * targetB[j];
    for (let s = 0; s < samples; s++) {
      const point = Float64Array.from(thetaB, (t, j) => t + sigma * noiseB[s * M + j]);
      const y = solve(point);
      for (let j = 0; j < M; j++) value -= (point[j] * y[j]) / samples;
      for (let r = 0; r < M; r++) for (let c = 0; c < M; c++) raw[r * M + c] -= (y[r] * noiseB[s * M + c]) / (samples * sigma);
    }
    assert.ok(relativeError(raw, direct.jacobian.map((v) => -v)) < 1e-9, 'the Jacobian estimate is E[y* Z^T]/sigma');
    const rawT = transpose(raw, M);
    const hessian = raw.map((v, i) => (v + rawT[i]) / 2);
    hessian.forEach((v, i) => (meanHessian[i] += v / B));
    const gradient = Float64Array.from(targetB, (t, j) => t - direct.value[j]);
    assert.ok(relativeError(estimate.gradients.dataSync().subarray(b * M, (b + 1) * M), gradient) < 1e-6);
    assert.ok(relativeError(estimate.hessians!.dataSync().subarray(b * M * M, (b + 1) * M * M), hessian, 1e-3) < 1e-5);
    assert.ok(Math.abs(estimate.losses.dataSync()[b] - value) < 1e-4 * Math.max(1, Math.abs(value)));
  }
  assert.ok(relativeError(batchMean.hessianMean!.dataSync(), meanHessian, 1e-3) < 1e-5);
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(perturbedFenchelYoungLoss(x as tf.Tensor3D, targetTensor, { sigma, noise })))(thetaTensor);
  assert.ok(relativeError(gradient.dataSync(), estimate.gradients.dataSync()) < 1e-6);
  const value = perturbedFenchelYoungLoss(thetaTensor, targetTensor, { sigma, noise });
  assert.ok(relativeError(value.dataSync(), estimate.losses.dataSync()) < 1e-6);
  tf.dispose([thetaTensor, targetTensor, gradient, value, ...Object.values(estimate), ...Object.values(batchMean)]);
});

test('perturbed optimizer: with many samples the Hessian diagonal is non-negative (a costlier cell is never used more)', async () => {
  await initBackend('cpu');
  const { theta, target } = testProblem(4);
  const thetaTensor = tf.tensor3d(theta, [B, H, W]);
  const targetTensor = tf.tensor3d(target, [B, H, W]);
  const estimate = perturbedFenchelYoungCurvature(thetaTensor, targetTensor, { sigma: 0.5, samples: 4000, rng: new Rng(2), antithetic: true }, { hessian: 'batch-mean' });
  const hessian = estimate.hessianMean!.dataSync();
  // d yhat_j / d theta_j <= 0, so the diagonal of -J is >= 0 up to Monte-Carlo error.
  for (let j = 0; j < M; j++) assert.ok(hessian[j * M + j] > -0.05, `diagonal ${j}: ${hessian[j * M + j]}`);
  tf.dispose([thetaTensor, targetTensor, ...Object.values(estimate)]);
});

test('estimators: seeded noise is reproducible, a fresh draw per call, and no tensor leaks', async () => {
  await initBackend('wasm');
  const { theta, target } = testProblem(5);
  const thetaTensor = tf.tensor3d(theta, [B, H, W]);
  const targetTensor = tf.tensor3d(target, [B, H, W]);
  const run = (seed: number): Float32Array[] => {
    const rng = new Rng(seed);
    const options = { sigma: 0.5, samples: 4, rng };
    const out: Float32Array[] = [];
    const collect = (tensors: tf.Tensor[]): void => {
      for (const t of tensors) {
        out.push(t.dataSync() as Float32Array);
        t.dispose();
      }
    };
    collect(Object.values(smoothedLossCurvature(thetaTensor, targetTensor, options, { hessian: 'per-sample' })));
    collect(Object.values(smoothedPathCurvature(thetaTensor, targetTensor, options, { hessian: 'batch-mean' })));
    collect(Object.values(perturbedFenchelYoungCurvature(thetaTensor, targetTensor, { ...options, baseline: true }, { hessian: 'per-sample' })));
    collect([tf.grad((x: tf.Tensor) => tf.sum(smoothedShortestPathLoss(x as tf.Tensor3D, targetTensor, options)))(thetaTensor)]);
    collect([tf.grad((x: tf.Tensor) => tf.sum(tf.square(smoothedShortestPath(x as tf.Tensor3D, options))))(thetaTensor)]);
    collect([tf.grad((x: tf.Tensor) => tf.sum(perturbedFenchelYoungLoss(x as tf.Tensor3D, targetTensor, options)))(thetaTensor)]);
    collect([smoothedShortestPath(thetaTensor, options), smoothedShortestPath(thetaTensor, options)]);
    return out;
  };
  run(1);
  const before = tf.memory().numTensors;
  const first = run(1);
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  assert.deepEqual(run(1), first, 'same seed, same estimates');
  const last = first.length - 1;
  assert.notDeepEqual(first[last], first[last - 1], 'each call draws fresh noise');
  tf.dispose([thetaTensor, targetTensor]);
});

test('estimators: bad input errors name the argument and the expected value', async () => {
  await initBackend('cpu');
  const { theta, target } = testProblem(6);
  const thetaTensor = tf.tensor3d(theta, [B, H, W]);
  const targetTensor = tf.tensor3d(target, [B, H, W]);
  const rng = new Rng(1);
  const curvature = (options: object, request: object = { hessian: 'batch-mean' }) => () =>
    smoothedLossCurvature(thetaTensor, targetTensor, options as never, request as never);
  assert.throws(curvature({ sigma: 0, samples: 3, rng }), /smoothedLossCurvature: sigma must be a finite number > 0, got 0/);
  assert.throws(curvature({ sigma: 0.1, rng }), /samples must be an integer ≥ 1, got undefined/);
  assert.throws(curvature({ sigma: 0.1, samples: 3 }), /rng must be an Rng \(or pass explicit noise\)/);
  assert.throws(curvature({ sigma: 0.1, samples: 3, rng, antithetic: true }), /even number of samples, got 3/);
  assert.throws(curvature({ sigma: 0.1, samples: 2, rng, distribution: 'laplace' }), /distribution must be one of 'gaussian', 'cauchy', got 'laplace'/);
  assert.throws(curvature({ sigma: 0.1, noise: new Float64Array(5) }), /noise must be a Float32Array\/Float64Array of length S \* 3 \* 16/);
  assert.throws(curvature({ sigma: 0.1, noise: new Float64Array(2 * B * M), samples: 3 }), /samples = 3 but noise holds 2 samples per input/);
  assert.throws(curvature({ sigma: 0.1, noise: new Float64Array(B * M), rng }), /either noise, or rng/);
  assert.throws(curvature({ sigma: 0.1, noise: new Float64Array(B * M).fill(NaN) }), /noise must be finite, got NaN at noise\[0\]/);
  assert.throws(curvature({ sigma: 0.1, samples: 2, rng }, { hessian: 'full' }), /request.hessian must be one of 'none', 'batch-mean', 'per-sample', got 'full'/);
  assert.throws(curvature({ sigma: 0.1, samples: 2, rng, pathLoss: () => NaN }), /pathLoss must return a finite number, got NaN for input 0/);
  const wrongTarget = tf.zeros([B, H, W + 1]) as tf.Tensor3D;
  assert.throws(() => smoothedLossCurvature(thetaTensor, wrongTarget, { sigma: 0.1, samples: 2, rng }), /target must have the shape of theta \[3, 4, 4\], got \[3, 4, 5\]/);
  const flat = tf.zeros([B, M + 1]);
  assert.throws(() => perturbedFenchelYoungCurvature(flat, targetTensor, { sigma: 0.1, samples: 2, rng }), /theta must be \[3, 16\] to match target \[3, 4, 4\], got \[3, 17\]/);
  const nan = tf.fill([B, H, W], NaN) as tf.Tensor3D;
  assert.throws(() => smoothedShortestPath(nan, { sigma: 0.1, samples: 2, rng }), /smoothedShortestPath: theta must be finite, got NaN at theta\[0\]/);
  assert.throws(() => smoothedShortestPathLoss(flat as unknown as tf.Tensor3D, targetTensor, { sigma: 0.1, samples: 2, rng }), /theta must be a tensor \[B, H, W\]/);
  assert.throws(() => smoothedPathCurvature(thetaTensor, targetTensor, { sigma: 0.1, samples: 2, rng, loss: 'huber' as never }), /loss must be 'l1' or 'l2', got 'huber'/);
  assert.throws(() => smoothingEstimate((x) => x[0], [1, NaN], { sigma: 1, samples: 1, rng }), /theta must be finite, got NaN at theta\[1\]/);
  tf.dispose([thetaTensor, targetTensor, wrongTarget, flat, nan]);
});
