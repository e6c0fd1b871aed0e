import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Rng,
  dijkstraGrid,
  drawSmoothingNoise,
  smoothedLossCurvature,
  smoothedShortestPathLoss,
  smoothedPathCurvature,
  smoothedShortestPath,
  pathL2SquaredLoss,
  perturbedFenchelYoungCurvature,
  perturbedFenchelYoungLoss,
  newtonStep,
  givenCurvature,
  curvatureRequest,
  withFisherNewtonGradient,
} from '../src/index';
import { relativeError } from '../src/analysis/index';
import type { CurvatureRequest, EstimatedCurvature, NewtonOptions } from '../src/index';

/** A relaxation's estimator at costs Y [N, m] (what a `CurvatureProvider` returns). */
type Estimator = (y: tf.Tensor2D, request: CurvatureRequest) => EstimatedCurvature;

const H = 4;
const W = 4;
const M = H * W;
const N = 3;
const SAMPLES = 6;
const SIGMA = 0.4;
const LAMBDA = 2;

function problem(seed: number): { y: tf.Tensor2D; target: tf.Tensor3D; noise: Float64Array } {
  const rng = new Rng(seed);
  const theta = Float32Array.from({ length: N * M }, () => 0.5 + rng.uniform());
  const target = new Float32Array(N * M);
  for (let b = 0; b < N; b++) {
    const noisy = Float32Array.from(theta.subarray(b * M, (b + 1) * M), (v) => v + 0.3 * rng.normal());
    dijkstraGrid(noisy, H, W, target.subarray(b * M, (b + 1) * M), { negativeWeights: 'clamp' });
  }
  return { y: tf.tensor2d(theta, [N, M]), target: tf.tensor3d(target, [N, H, W]), noise: drawSmoothingNoise(rng, N, SAMPLES, M) };
}

/** Solves A x = b (n × n, float64) by Gaussian elimination with partial pivoting. */
function solveLinear(matrix: Float64Array, rhs: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const x = Float64Array.from(rhs);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    for (let c = 0; c < n; c++) [a[col * n + c], a[pivot * n + c]] = [a[pivot * n + c], a[col * n + c]];
    [x[col], x[pivot]] = [x[pivot], x[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = a[r * n + col] / a[col * n + col];
      for (let c = col; c < n; c++) a[r * n + c] -= factor * a[col * n + c];
      x[r] -= factor * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sum = x[r];
    for (let c = r + 1; c < n; c++) sum -= a[r * n + c] * x[c];
    x[r] = sum / a[r * n + r];
  }
  return x;
}

/** z*_i = y_i - (M_i + lambda I)^-1 g_i computed directly, M_i given per sample. */
function directTargets(y: Float32Array, gradients: Float32Array, curvature: (i: number) => Float64Array): Float64Array {
  const targets = new Float64Array(N * M);
  for (let i = 0; i < N; i++) {
    const system = Float64Array.from(curvature(i));
    for (let j = 0; j < M; j++) system[j * M + j] += LAMBDA;
    const direction = solveLinear(system, Float64Array.from(gradients.subarray(i * M, (i + 1) * M)), M);
    for (let j = 0; j < M; j++) targets[i * M + j] = y[i * M + j] - direction[j];
  }
  return targets;
}

const providers: Record<string, (target: tf.Tensor3D, noise: Float64Array) => Estimator> = {
  'smoothed loss': (target, noise) => (y, request) => smoothedLossCurvature(y, target, { sigma: SIGMA, noise, baseline: true }, request),
  'smoothed algorithm (L2, Gauss-Newton)': (target, noise) => (y, request) =>
    smoothedPathCurvature(y, target, { sigma: SIGMA, noise, loss: 'l2' }, request),
  'perturbed optimizer + Fenchel-Young': (target, noise) => (y, request) => perturbedFenchelYoungCurvature(y, target, { sigma: SIGMA, noise }, request),
};

for (const [name, makeProvider] of Object.entries(providers)) {
  test(`Newton losses on ${name}: finite, and the Hessian / Fisher targets equal the direct computation`, async () => {
    await initBackend('cpu');
    const { y, target, noise } = problem(7);
    const provider = makeProvider(target, noise);
    const yValues = y.dataSync() as Float32Array;
    const cases: NewtonOptions[] = [
      { variant: 'hessian', lambda: LAMBDA },
      { variant: 'hessian', lambda: LAMBDA, curvature: 'per-sample' },
      { variant: 'fisher', lambda: LAMBDA },
    ];
    for (const options of cases) {
      const before = tf.memory().numTensors;
      const estimate = provider(y, curvatureRequest(options));
      const step = newtonStep(y, givenCurvature(estimate), options);
      const target64 = step.target.dataSync();
      assert.ok(target64.every(Number.isFinite) && Number.isFinite(step.loss.dataSync()[0]), `${options.variant}: finite`);
      assert.ok(Number.isFinite(step.diagnostics.newtonLoss) && Number.isFinite(step.diagnostics.loss));
      const gradients = (estimate.gradients as tf.Tensor2D).dataSync() as Float32Array;
      let curvature: (i: number) => Float64Array;
      if (options.variant === 'fisher') {
        const fisher = new Float64Array(M * M);
        for (let i = 0; i < N; i++) {
          for (let r = 0; r < M; r++) for (let c = 0; c < M; c++) fisher[r * M + c] += (gradients[i * M + r] * gradients[i * M + c]) / N;
        }
        curvature = () => fisher;
      } else if (options.curvature === 'per-sample') {
        const hessians = (estimate.hessians as tf.Tensor3D).dataSync();
        curvature = (i) => Float64Array.from(hessians.subarray(i * M * M, (i + 1) * M * M));
      } else {
        const mean = Float64Array.from((estimate.hessianMean as tf.Tensor2D).dataSync());
        curvature = () => mean;
      }
      const expected = directTargets(yValues, gradients, curvature);
      assert.ok(relativeError(target64, expected) < 1e-4, `${options.variant}/${options.curvature ?? 'batch-mean'}`);
      tf.dispose([step.loss, step.target, ...Object.values(estimate).filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
      assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
    }
    tf.dispose([y, target]);
  });
}

test('Fisher Newton loss as a custom gradient through the estimator ops equals the explicit Fisher target', async () => {
  await initBackend('cpu');
  const { y, target, noise } = problem(8);
  const ops: Record<string, (grid: tf.Tensor3D) => tf.Tensor1D> = {
    'smoothed loss': (grid) => smoothedShortestPathLoss(grid, target, { sigma: SIGMA, noise, baseline: true }),
    'smoothed algorithm': (grid) => pathL2SquaredLoss(smoothedShortestPath(grid, { sigma: SIGMA, noise }), target),
    'perturbed optimizer': (grid) => perturbedFenchelYoungLoss(grid, target, { sigma: SIGMA, noise }),
  };
  const estimates: Record<string, Estimator> = {
    'smoothed loss': providers['smoothed loss'](target, noise),
    'smoothed algorithm': providers['smoothed algorithm (L2, Gauss-Newton)'](target, noise),
    'perturbed optimizer': providers['perturbed optimizer + Fenchel-Young'](target, noise),
  };
  for (const [name, op] of Object.entries(ops)) {
    const lossOf = (x: tf.Tensor): tf.Scalar => tf.mean(op(tf.reshape(withFisherNewtonGradient(x as tf.Tensor2D, LAMBDA), [N, H, W]) as tf.Tensor3D));
    const gradient = tf.grad(lossOf)(y);
    const estimate = estimates[name](y, { hessian: 'none' });
    const step = newtonStep(y, givenCurvature(estimate), { variant: 'fisher', lambda: LAMBDA });
    // grad of the Newton loss = (Y - Z*) / N.
    const expected = tf.tidy(() => tf.div(tf.sub(y, step.target), N));
    assert.ok(relativeError(gradient.dataSync(), expected.dataSync()) < 1e-4, name);
    assert.ok(gradient.dataSync().some((v) => v !== 0), `${name}: non-zero gradient`);
    tf.dispose([gradient, expected, step.loss, step.target, estimate.gradients as tf.Tensor, estimate.losses as tf.Tensor]);
  }
  tf.dispose([y, target]);
});
