import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Rng,
  perSampleGradients,
  perSampleHessians,
  meanHessian,
  empiricalFisher,
  assertPerSampleLoss,
  newtonStep,
  newtonTarget,
  newtonLoss,
  givenCurvature,
  curvatureRequest,
  withFisherNewtonGradient,
  trainingLoss,
  type NewtonOptions,
  type PerSampleLoss,
} from '../src/index';
import { relativeError, finiteDifferenceHessian } from '../src/analysis/index';
import { logSoftmax } from '../src/runtime/index';

before(async () => {
  await initBackend('wasm');
});

// ---------- helpers (independent of the code under test) ----------

/** Asserts relativeError(actual, expected) < tolerance, reporting the error. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = ''): void {
  const error = relativeError(actual, expected);
  assert.ok(error < tolerance, `${what} relative error ${error.toExponential(2)} ≥ ${tolerance}`);
}

/** Asserts |actual − expected| ≤ tolerance, reporting both. */
function assertNear(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * rng.normal()));
}

/** Gaussian elimination with partial pivoting: A x = b. */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const w = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(w[r][c]) > Math.abs(w[p][c])) p = r;
    [w[c], w[p]] = [w[p], w[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = w[r][c] / w[c][c];
      for (let k = c; k <= n; k++) w[r][k] -= f * w[c][k];
    }
  }
  return w.map((row, i) => row[n] / row[i]);
}

function plusLambda(matrix: number[][], lambda: number): number[][] {
  return matrix.map((row, i) => row.map((v, j) => v + (i === j ? lambda : 0)));
}

function meanOf(matrices: number[][][]): number[][] {
  const m = matrices[0].length;
  return Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => matrices.reduce((s, h) => s + h[i][j], 0) / matrices.length));
}

function fisherOf(g: number[][]): number[][] {
  return meanOf(g.map((gi) => gi.map((a) => gi.map((b) => a * b))));
}

const flat = (x: number[][] | number[][][]): number[] => (x as unknown[]).flat(2) as number[];

/** Softmax cross-entropy per sample against probability rows `targets`: l_i = -Σ_k t_ik log p_ik. */
function softmaxCrossEntropy(targets: tf.Tensor2D): PerSampleLoss {
  return (y) => tf.tidy(() => tf.neg(tf.sum(tf.mul(targets, logSoftmax(y)), 1)) as tf.Tensor1D);
}

/** A smooth, non-convex per-sample loss with row-dependent coefficients (sin, quartic, softplus, cross terms). */
function smoothLoss(coefficients: tf.Tensor2D): PerSampleLoss {
  return (y) =>
    tf.tidy(() => {
      const wy = tf.mul(coefficients, y);
      const periodic = tf.sum(tf.sin(wy), 1);
      const quartic = tf.mul(0.1, tf.sum(tf.pow(y, 4), 1));
      const coupled = tf.mul(0.5, tf.square(tf.sum(wy, 1)));
      const softplus = tf.sum(tf.log1p(tf.exp(tf.mul(y, tf.reverse(coefficients, 1)))), 1);
      return tf.addN([periodic, quartic, coupled, softplus]) as tf.Tensor1D;
    });
}

/** Shift invariant: l_i = Σ_{k<l} c_kl softplus(y_ik − y_il), so H_i 1 = 0 and mean H is singular. */
function pairwiseLoss(m: number, rng: Rng): PerSampleLoss {
  const weights = Array.from({ length: m * m }, () => 0.5 + rng.uniform());
  return (y) =>
    tf.tidy(() => {
      const differences = tf.sub(tf.expandDims(y, 2), tf.expandDims(y, 1)); // [N, m, m]
      const mask = tf.tensor2d(weights.map((w, idx) => (Math.floor(idx / m) < idx % m ? w : 0)), [m, m]);
      return tf.sum(tf.mul(tf.softplus(differences), mask), [1, 2]) as tf.Tensor1D;
    });
}

function gradientOf(f: (y: tf.Tensor2D) => tf.Scalar, y: tf.Tensor2D): number[][] {
  return tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(y).arraySync() as number[][]);
}

/** The values of `t` as nested arrays; disposes `t`. */
function read<T>(t: tf.Tensor): T {
  const values = t.arraySync() as unknown as T;
  t.dispose();
  return values;
}

function frobenius(x: number[][]): number {
  return Math.sqrt(x.flat().reduce((s, v) => s + v * v, 0));
}

// ---------- curvature ----------

test('MSE: per-sample Hessians are I, and as λ → 0 the Newton target is the regression target', () => {
  const rng = new Rng(10);
  const targets = tf.tensor2d(randomMatrix(rng, 5, 3));
  const y = tf.tensor2d(randomMatrix(rng, 5, 3));
  const mse: PerSampleLoss = (w) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(w, targets)), 1)) as tf.Tensor1D);
  const hessians = perSampleHessians(y, mse);
  assert.deepEqual(hessians.shape, [5, 3, 3]);
  const identity = Array.from({ length: 5 }, () => [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assertClose(hessians.dataSync(), flat(identity), 1e-6);
  for (const curvature of ['batch-mean', 'per-sample'] as const) {
    const z = newtonTarget(y, mse, { variant: 'hessian', lambda: 1e-6, curvature });
    assertClose(z.dataSync(), targets.dataSync(), 1e-5, curvature);
    z.dispose();
  }
  // any λ: z = y − (y − t) / (1 + λ)
  const z = newtonTarget(y, mse, { variant: 'hessian', lambda: 0.5 });
  const expected = tf.tidy(() => tf.sub(y, tf.div(tf.sub(y, targets), 1.5)));
  assertClose(z.dataSync(), expected.dataSync(), 1e-6);
  tf.dispose([targets, y, hessians, z, expected]);
});

test('softmax cross-entropy: gradients p − t and Hessians diag(p) − p pᵀ (closed form)', () => {
  const rng = new Rng(11);
  const [n, m] = [6, 5];
  const y = tf.tensor2d(randomMatrix(rng, n, m, 2));
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, n, m, 3)));
  const loss = softmaxCrossEntropy(targets as tf.Tensor2D);
  const p = read<number[][]>(tf.softmax(y));
  const g = perSampleGradients(y, loss);
  assertClose(g.dataSync(), flat(p.map((pi, i) => pi.map((v, k) => v - (targets.arraySync() as number[][])[i][k]))), 1e-5);
  const h = perSampleHessians(y, loss);
  const closedForm = p.map((pi) => pi.map((a, k) => pi.map((b, l) => (k === l ? a : 0) - a * b)));
  assertClose(h.dataSync(), flat(closedForm), 1e-5);
  const mean = meanHessian(y, loss);
  assertClose(mean.dataSync(), flat(meanOf(closedForm)), 1e-5);
  tf.dispose([y, targets, g, h, mean]);
});

test('Hessians by batched HVPs match finite differences of random smooth non-convex losses, cross-sample blocks zero', () => {
  const [n, m] = [3, 4];
  for (const seed of [12, 120, 1200]) {
    const rng = new Rng(seed);
    const coefficients = tf.tensor2d(randomMatrix(rng, n, m));
    const loss = smoothLoss(coefficients);
    const y = tf.tensor2d(randomMatrix(rng, n, m, 0.7));
    const hessians = perSampleHessians(y, loss);
    const h = hessians.arraySync();
    // the full (N·m) × (N·m) Hessian of Σ_i l_i by finite differences of the gradient
    const full = finiteDifferenceHessian((x) => tf.sum(loss(x as tf.Tensor2D)), y, 1e-2);
    const d = n * m;
    const expected = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) expected[(i * m + k) * d + i * m + l] = h[i][k][l];
    assertClose(full, expected, 2e-3, `seed ${seed}`);
    tf.dispose([coefficients, y, hessians]);
  }
});

test('shift-invariant loss: Hessians match finite differences, H 1 = 0, the step stays finite and orthogonal to 1', () => {
  const rng = new Rng(13);
  const [n, m] = [4, 5];
  const loss = pairwiseLoss(m, rng);
  const y = tf.tensor2d(randomMatrix(rng, n, m));
  const hessians = read<number[][][]>(perSampleHessians(y, loss));
  for (let i = 0; i < n; i++) {
    const row = y.slice([i, 0], [1, m]);
    const fd = finiteDifferenceHessian((x) => tf.sum(loss(x as tf.Tensor2D)), row, 1e-2);
    assertClose(hessians[i].flat(), fd, 2e-3);
    for (const hRow of hessians[i]) assertNear(hRow.reduce((s, v) => s + v, 0), 0, 1e-5, 'H 1 = 0');
    row.dispose();
  }
  const lambda = 1e-4;
  const step = newtonStep(y, loss, { variant: 'hessian', lambda });
  const directions = tf.tidy(() => tf.sub(y, step.target).arraySync() as number[][]);
  assert.ok(directions.flat().every(Number.isFinite), 'finite directions');
  for (const d of directions) assertNear(d.reduce((s, v) => s + v, 0), 0, 1e-3 * Math.max(...d.map(Math.abs)), 'Σ_k d_ik');
  assertNear(step.diagnostics.eigenvalueMin, lambda, 1e-5, 'the null direction 1 has eigenvalue λ');
  assert.equal(step.diagnostics.fallbacks, 0);
  tf.dispose([y, step.loss, step.target]);
});

test('empiricalFisher is mean_i g_i g_iᵀ', () => {
  const rng = new Rng(14);
  const g = randomMatrix(rng, 7, 3);
  const fisher = empiricalFisher(tf.tensor2d(g));
  assertClose(fisher.dataSync(), flat(fisherOf(g)), 1e-6);
  fisher.dispose();
});

// ---------- Newton step ----------

test('Newton targets equal y − (M + λI)⁻¹ g for every variant and curvature mode', () => {
  const rng = new Rng(15);
  const [n, m, lambda] = [5, 4, 0.3];
  const coefficients = tf.tensor2d(randomMatrix(rng, n, m));
  const loss = smoothLoss(coefficients);
  const y = tf.tensor2d(randomMatrix(rng, n, m, 0.5));
  const yRows = y.arraySync();
  const g = read<number[][]>(perSampleGradients(y, loss));
  const h = read<number[][][]>(perSampleHessians(y, loss));
  const curvatures: Record<string, (i: number) => number[][]> = {
    'hessian/batch-mean': () => meanOf(h),
    'hessian/per-sample': (i) => h[i],
    'fisher/batch-mean': () => fisherOf(g),
    'fisher/per-sample': (i) => fisherOf([g[i]]),
  };
  for (const [key, curvatureOf] of Object.entries(curvatures)) {
    const [variant, curvature] = key.split('/') as [NewtonOptions['variant'], NewtonOptions['curvature']];
    const z = newtonTarget(y, loss, { variant, lambda, curvature });
    const expected = yRows.map((yi, i) => {
      const d = gaussSolve(plusLambda(curvatureOf(i), lambda), g[i]);
      return yi.map((v, k) => v - d[k]);
    });
    assertClose(z.dataSync(), flat(expected), 1e-4, key);
    z.dispose();
  }
  tf.dispose([coefficients, y]);
});

test('the Newton loss: value ½ mean ‖z* − y‖², gradient (y − z*) / N into y only, and diagnostics that agree', () => {
  const rng = new Rng(16);
  const [n, m] = [6, 3];
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, n, m))) as tf.Tensor2D;
  const loss = softmaxCrossEntropy(targets);
  const y = tf.tensor2d(randomMatrix(rng, n, m));
  const options: NewtonOptions = { variant: 'hessian', lambda: 0.05 };
  const step = newtonStep(y, loss, options);
  const z = step.target.arraySync();
  const yRows = y.arraySync();
  const residual = yRows.map((yi, i) => yi.map((v, k) => v - z[i][k]));
  const value = (0.5 * residual.flat().reduce((s, v) => s + v * v, 0)) / n;
  assertNear(step.loss.dataSync()[0], value, 1e-5 * value, 'loss');
  const newtonGradient = gradientOf((x) => newtonLoss(x, loss, options), y);
  assertClose(newtonGradient.flat(), residual.flat().map((v) => v / n), 1e-4);
  const plainGradient = gradientOf((x) => tf.mean(loss(x)), y);
  const { diagnostics } = step;
  assertNear(diagnostics.loss, tf.tidy(() => tf.mean(loss(y)).dataSync()[0]), 1e-6, 'diagnostics.loss');
  assertNear(diagnostics.newtonLoss, value, 1e-5 * value, 'diagnostics.newtonLoss');
  assertNear(diagnostics.gradientNorm, frobenius(plainGradient), 1e-5 * diagnostics.gradientNorm, 'diagnostics.gradientNorm');
  assertNear(diagnostics.newtonGradientNorm, frobenius(newtonGradient), 1e-4 * diagnostics.newtonGradientNorm, 'diagnostics.newtonGradientNorm');
  assert.equal(diagnostics.systems, 1);
  assert.ok(diagnostics.eigenvalueMin >= 0.05 - 1e-6, `eigenvalueMin ${diagnostics.eigenvalueMin} ≥ λ (M is PSD here)`);
  assert.ok(diagnostics.eigenvalueMax > diagnostics.eigenvalueMin, 'a non-trivial spectrum');
  assertNear(diagnostics.conditionNumber, diagnostics.eigenvalueMax / diagnostics.eigenvalueMin, 1e-9 * diagnostics.conditionNumber, 'conditionNumber');
  tf.dispose([targets, y, step.loss, step.target]);
});

test('as λ grows the Newton-loss gradient tends to ∇L / λ, with shrinking relative error', () => {
  const rng = new Rng(17);
  const [n, m] = [8, 4];
  const coefficients = tf.tensor2d(randomMatrix(rng, n, m));
  const loss = smoothLoss(coefficients);
  const y = tf.tensor2d(randomMatrix(rng, n, m, 0.5));
  const plain = gradientOf((x) => tf.mean(loss(x)), y).flat();
  for (const variant of ['hessian', 'fisher'] as const) {
    const errors = [1, 10, 100, 1000, 10000].map((lambda) => {
      const newton = gradientOf((x) => newtonLoss(x, loss, { variant, lambda }), y).flat();
      return relativeError(newton, plain.map((v) => v / lambda));
    });
    for (let k = 1; k < errors.length; k++) assert.ok(errors[k] < errors[k - 1], `${variant}: ${errors}`);
    assert.ok(errors[errors.length - 1] < 1e-3, `${variant}: ${errors}`);
  }
  tf.dispose([coefficients, y]);
});

test('Fisher custom gradient equals the gradient of the explicit Fisher Newton loss (m ≤ N and Woodbury m > N)', () => {
  const rng = new Rng(18);
  for (const [n, m] of [
    [6, 4],
    [3, 9],
  ]) {
    const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, n, m))) as tf.Tensor2D;
    const loss = softmaxCrossEntropy(targets);
    const y = tf.tensor2d(randomMatrix(rng, n, m));
    const lambda = 0.02;
    const custom = gradientOf((x) => tf.mean(loss(withFisherNewtonGradient(x, lambda))), y);
    const explicit = gradientOf((x) => newtonLoss(x, loss, { variant: 'fisher', lambda }), y);
    const g = read<number[][]>(perSampleGradients(y, loss));
    const direct = g.map((gi) => gaussSolve(plusLambda(fisherOf(g), lambda), gi).map((v) => v / n));
    assertClose(custom.flat(), explicit.flat(), 1e-4, `N=${n} m=${m}`);
    assertClose(custom.flat(), direct.flat(), 1e-4, `N=${n} m=${m}`);
    const forward = withFisherNewtonGradient(y, lambda);
    assert.deepEqual(forward.arraySync(), y.arraySync(), 'identity forward');
    tf.dispose([targets, y, forward]);
  }
});

test('trainingLoss: value L(Y) for every method, gradient of the baseline, the Fisher or the Hessian Newton loss', () => {
  const rng = new Rng(19);
  const [n, m] = [5, 4];
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, n, m))) as tf.Tensor2D;
  const loss = softmaxCrossEntropy(targets);
  const y = tf.tensor2d(randomMatrix(rng, n, m));
  const baselineValue = tf.tidy(() => tf.mean(loss(y)).dataSync()[0]);
  const methods: [NewtonOptions | undefined, (x: tf.Tensor2D) => tf.Scalar][] = [
    [undefined, (x) => tf.mean(loss(x))],
    [{ variant: 'fisher', lambda: 0.1 }, (x) => newtonLoss(x, loss, { variant: 'fisher', lambda: 0.1 })],
    [{ variant: 'fisher', lambda: 0.1, curvature: 'per-sample' }, (x) => newtonLoss(x, loss, { variant: 'fisher', lambda: 0.1, curvature: 'per-sample' })],
    [{ variant: 'hessian', lambda: 0.1 }, (x) => newtonLoss(x, loss, { variant: 'hessian', lambda: 0.1 })],
  ];
  for (const [options, reference] of methods) {
    const value = tf.tidy(() => trainingLoss(y, loss, options).dataSync()[0]);
    assertNear(value, baselineValue, 1e-6, JSON.stringify(options));
    const gradient = gradientOf((x) => trainingLoss(x, loss, options), y);
    assertClose(gradient.flat(), gradientOf(reference, y).flat(), 1e-4, JSON.stringify(options));
  }
  tf.dispose([targets, y]);
});

test('inside tf.variableGrads the gradient reaches the weights through y only; the enclosing tape survives errors', () => {
  const rng = new Rng(23);
  const [n, d, m] = [6, 3, 4];
  const x = tf.tensor2d(randomMatrix(rng, n, d));
  const weights = tf.variable(tf.tensor2d(randomMatrix(rng, d, m)));
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, n, m))) as tf.Tensor2D;
  const loss = softmaxCrossEntropy(targets);
  const options: NewtonOptions = { variant: 'hessian', lambda: 0.1 };
  const { value, grads } = tf.variableGrads(() => newtonLoss(tf.matMul(x, weights), loss, options));
  // expected: ∂L*/∂W = xᵀ (y − z*) / N with z* computed outside any tape
  const expected = tf.tidy(() => {
    const y = tf.matMul(x, weights) as tf.Tensor2D;
    const z = newtonTarget(y, loss, options);
    return tf.matMul(x, tf.div(tf.sub(y, z), n), true, false);
  });
  assertClose(grads[weights.name].dataSync(), expected.dataSync(), 1e-5, '∂L*/∂W');
  const bad: PerSampleLoss = (w) => tf.sum(w, 1, true) as unknown as tf.Tensor1D;
  assert.throws(() => tf.grad((w: tf.Tensor) => newtonLoss(w as tf.Tensor2D, bad, options))(x), /lossPerSample\(y\) must return/);
  const after = tf.variableGrads(() => tf.sum(tf.square(weights)) as tf.Scalar);
  const twice = tf.mul(2, weights);
  assertClose(after.grads[weights.name].dataSync(), twice.dataSync(), 1e-6, 'a later gradient');
  tf.dispose([x, weights, targets, value, expected, twice, after.value, ...Object.values(grads), ...Object.values(after.grads)]);
});

// ---------- supplied curvature ----------

test('supplied curvature: tensors or float64 arrays, hessianMean or hessians, losses reported', () => {
  const rng = new Rng(20);
  const [n, m, lambda] = [4, 3, 0.2];
  const y = tf.tensor2d(randomMatrix(rng, n, m));
  const g = randomMatrix(rng, n, m);
  const hessians = Array.from({ length: n }, () => {
    const a = randomMatrix(rng, m, m);
    return a.map((row, i) => row.map((_, j) => a[i].reduce((s, v, k) => s + v * a[j][k], 0))); // A Aᵀ, PSD
  });
  const expected = (matrixOf: (i: number) => number[][]): number[] =>
    flat(y.arraySync().map((yi, i) => gaussSolve(plusLambda(matrixOf(i), lambda), g[i]).map((d, k) => yi[k] - d)));
  const fromArrays = newtonTarget(y, givenCurvature({ gradients: g, hessians }), { variant: 'hessian', lambda });
  assertClose(fromArrays.dataSync(), expected(() => meanOf(hessians)), 1e-6);
  const gTensor = tf.tensor2d(g);
  const meanTensor = tf.tensor2d(meanOf(hessians));
  const fromTensors = newtonTarget(y, givenCurvature({ gradients: gTensor, hessianMean: meanTensor }), { variant: 'hessian', lambda });
  assertClose(fromTensors.dataSync(), expected(() => meanOf(hessians)), 1e-5);
  const perSample = newtonTarget(y, givenCurvature({ gradients: g, hessians }), { variant: 'hessian', lambda, curvature: 'per-sample' });
  assertClose(perSample.dataSync(), expected((i) => hessians[i]), 1e-6);
  const step = newtonStep(y, givenCurvature({ gradients: g, losses: [1, 2, 3, 4] }), { variant: 'fisher', lambda });
  assert.equal(step.diagnostics.loss, 2.5);
  assertClose(step.target.dataSync(), expected(() => fisherOf(g)), 1e-6);
  const noLosses = newtonStep(y, givenCurvature({ gradients: g }), { variant: 'fisher', lambda });
  assert.ok(Number.isNaN(noLosses.diagnostics.loss), 'no losses supplied: loss is NaN');
  const lossGradient = gradientOf((x) => newtonLoss(x, givenCurvature({ gradients: g }), { variant: 'fisher', lambda }), y);
  assertClose(lossGradient.flat(), expected(() => fisherOf(g)).map((z, k) => (y.dataSync()[k] - z) / n), 1e-4);
  assert.deepEqual(curvatureRequest({ variant: 'fisher', lambda }), { hessian: 'none' });
  assert.deepEqual(curvatureRequest({ variant: 'hessian', lambda }), { hessian: 'batch-mean' });
  assert.deepEqual(curvatureRequest({ variant: 'hessian', lambda, curvature: 'per-sample' }), { hessian: 'per-sample' });
  tf.dispose([y, fromArrays, gTensor, meanTensor, fromTensors, perSample, step.loss, step.target, noLosses.loss, noLosses.target]);
});

test("indefinite curvature: 'invert' solves exactly, 'clip' projects M onto the PSD cone; a singular M + λI falls back, never NaN", () => {
  const lambda = 0.1;
  const y = tf.tensor2d([[0, 0, 0]]);
  const gradients = [[1, -2, 0.5]];
  const indefinite = [
    [1, 0, 0],
    [0, -2, 0],
    [0, 0, 0.5],
  ];
  const invert = newtonStep(y, givenCurvature({ gradients, hessianMean: indefinite }), { variant: 'hessian', lambda });
  const exact = gaussSolve(plusLambda(indefinite, lambda), gradients[0]).map((d) => -d);
  assertClose(invert.target.dataSync(), exact, 1e-6);
  assert.equal(invert.diagnostics.eigenSolves, 1);
  assert.equal(invert.diagnostics.fallbacks, 0);
  assertNear(invert.diagnostics.eigenvalueMin, -2 + lambda, 1e-9, 'eigenvalueMin');
  const clip = newtonStep(y, givenCurvature({ gradients, hessianMean: indefinite }), { variant: 'hessian', lambda, indefinite: 'clip' });
  assertClose(clip.target.dataSync(), [-1 / 1.1, 2 / lambda, -0.5 / 0.6], 1e-6);
  assert.equal(clip.diagnostics.fallbacks, 1);
  const singular = [
    [1, 0, 0],
    [0, -lambda, 0],
    [0, 0, 0.5],
  ];
  const fallback = newtonStep(y, givenCurvature({ gradients, hessianMean: singular }), { variant: 'hessian', lambda });
  assert.ok(fallback.target.dataSync().every(Number.isFinite), 'finite target');
  assertClose(fallback.target.dataSync(), [-1 / 1.1, 2 / lambda, -0.5 / 0.6], 1e-6);
  assert.equal(fallback.diagnostics.fallbacks, 1);
  tf.dispose([y, invert.loss, invert.target, clip.loss, clip.target, fallback.loss, fallback.target]);
});

// ---------- the per-sample assumption ----------

test('assertPerSampleLoss accepts a per-sample loss and rejects one with batch statistics', () => {
  const rng = new Rng(21);
  const y = tf.tensor2d(randomMatrix(rng, 6, 3));
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, 6, 3))) as tf.Tensor2D;
  assertPerSampleLoss(y, softmaxCrossEntropy(targets));
  const coupled: PerSampleLoss = (w) => tf.tidy(() => tf.sum(tf.square(tf.sub(w, tf.mean(w, 0, true))), 1) as tf.Tensor1D);
  assert.throws(() => assertPerSampleLoss(y, coupled), /lossPerSample is not per-sample: sample \d+/);
  assert.throws(() => newtonStep(y, coupled, { variant: 'hessian', lambda: 1, checkPerSample: true }), /not per-sample/);
  assert.throws(() => trainingLoss(y, coupled, { variant: 'fisher', lambda: 1, checkPerSample: true }), /not per-sample/);
  tf.dispose([y, targets]);
});

// ---------- resources and arguments ----------

test('no tensor leaks across 50 calls of every entry point, inside and outside gradient tapes', () => {
  const rng = new Rng(22);
  const targets = tf.softmax(tf.tensor2d(randomMatrix(rng, 4, 3))) as tf.Tensor2D;
  const loss = softmaxCrossEntropy(targets);
  const y = tf.tensor2d(randomMatrix(rng, 4, 3));
  const calls: (() => void)[] = [
    () => tf.dispose(gradientOf((x) => newtonLoss(x, loss, { variant: 'hessian', lambda: 0.1 }), y)),
    () => newtonTarget(y, loss, { variant: 'fisher', lambda: 0.1, curvature: 'per-sample' }).dispose(),
    () => gradientOf((x) => trainingLoss(x, loss, { variant: 'fisher', lambda: 0.1 }), y),
    () => gradientOf((x) => trainingLoss(x, loss, { variant: 'hessian', lambda: 0.1, curvature: 'per-sample' }), y),
    () => gradientOf((x) => newtonLoss(x, givenCurvature({ gradients: [[1, 2, 3], [0, 1, 0], [1, 1, 1], [2, 0, 1]] }), { variant: 'fisher', lambda: 1 }), y),
    () => perSampleHessians(y, loss).dispose(),
  ];
  for (const call of calls) call(); // warm-up: kernels and constants that tfjs caches once
  const before = tf.memory().numTensors;
  for (let k = 0; k < 50; k++) for (const call of calls) call();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([targets, y]);
});

test('bad arguments get errors that name the argument', () => {
  const y = tf.tensor2d([[1, 2], [3, 4]]);
  const loss: PerSampleLoss = (w) => tf.sum(tf.square(w), 1) as tf.Tensor1D;
  const run = (options: unknown): unknown => newtonTarget(y, loss, options as NewtonOptions);
  for (const lambda of [0, -1, NaN, Infinity, '1']) assert.throws(() => run({ variant: 'hessian', lambda }), /newtonTarget: options\.lambda must be a finite number > 0/);
  assert.throws(() => run({ variant: 'newton', lambda: 1 }), /options\.variant must be one of 'hessian', 'fisher', got 'newton'/);
  assert.throws(() => run({ variant: 'fisher', lambda: 1, curvature: 'diagonal' }), /options\.curvature must be one of/);
  assert.throws(() => run({ variant: 'fisher', lambda: 1, indefinite: 'abs' }), /options\.indefinite must be one of/);
  assert.throws(() => run({ variant: 'fisher', lamda: 1 }), /unknown option 'lamda'/);
  assert.throws(() => run(undefined), /options must be an object/);
  const nan = tf.tensor2d([[1, NaN]]);
  assert.throws(() => newtonLoss(nan, loss, { variant: 'fisher', lambda: 1 }), /newtonLoss: y must be finite, got NaN at y\[0\]\[1\]/);
  const vector = tf.tensor1d([1, 2]);
  assert.throws(() => newtonLoss(vector as unknown as tf.Tensor2D, loss, { variant: 'fisher', lambda: 1 }), /y must be a non-empty float32 tensor of shape \[N, m\]/);
  const wrongShape: PerSampleLoss = (w) => tf.sum(w, 1, true) as unknown as tf.Tensor1D;
  assert.throws(() => newtonTarget(y, wrongShape, { variant: 'fisher', lambda: 1 }), /lossPerSample\(y\) must return a tensor of shape \[N\] = \[2\], got shape \[2, 1\]/);
  const infinite: PerSampleLoss = (w) => tf.div(tf.sum(w, 1), 0) as tf.Tensor1D;
  assert.throws(() => newtonTarget(y, infinite, { variant: 'fisher', lambda: 1 }), /lossPerSample\(y\) must be finite/);
  const options: NewtonOptions = { variant: 'hessian', lambda: 1 };
  assert.throws(() => newtonTarget(y, givenCurvature({ gradients: [[1, 2]] }), options), /estimate\.gradients must be an array of length 2/);
  assert.throws(() => newtonTarget(y, givenCurvature({ gradients: [[1, 2], [3, 4]] }), options), /needs estimate\.hessianMean \[m, m\] or estimate\.hessians/);
  assert.throws(
    () => newtonTarget(y, givenCurvature({ gradients: [[1, 2], [3, 4]], hessianMean: [[1, 0], [0, NaN]] }), options),
    /estimate\.hessianMean\[1\]\[1\] must be a finite number, got NaN/,
  );
  const g3 = tf.zeros([2, 3]) as tf.Tensor2D;
  assert.throws(() => newtonTarget(y, givenCurvature({ gradients: g3 }), { variant: 'fisher', lambda: 1 }), /estimate\.gradients must have shape \[2, 2\], got \[2, 3\]/);
  assert.throws(
    () => newtonTarget(y, givenCurvature({ gradients: [[1, 2], [3, 4]], hessianMean: [[1, 0], [0, 1]] }), { ...options, curvature: 'per-sample' }),
    /needs estimate\.hessians \[N, m, m\]/,
  );
  assert.throws(() => withFisherNewtonGradient(y, -1), /withFisherNewtonGradient: lambda must be a finite number > 0/);
  const nanUpstream = (w: tf.Tensor): tf.Scalar => tf.sum(tf.sqrt(tf.sub(withFisherNewtonGradient(w as tf.Tensor2D, 1), 100)));
  assert.throws(() => tf.grad(nanUpstream)(y), /withFisherNewtonGradient: the upstream gradient ∂L\/∂Y must be finite/);
  tf.dispose([y, nan, vector, g3]);
});
