import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  makeRelaxation,
  rankingLossPerSample,
  perSampleGradients,
  perSampleHessians,
  type PerSampleLoss,
  type Relaxation,
} from '../src/index';
import { relativeError } from '../src/analysis/index';
import { probeScores, gradientSweep, descentPath, twoScoreRankingLoss, lossSurface, LinearScorerRun } from '../src/explore/index';
import { SORTING_CASES, caseLabel, relaxationOf } from './sorting-helpers';

before(async () => {
  await initBackend('wasm');
});

/** x solving A x = b by Gaussian elimination with partial pivoting (float64), independent of the library's solves. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < n; c++) {
    const pivot = a.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(a[best][c]) ? c + k : best), c);
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = c + 1; r < n; r++) {
      const factor = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= factor * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r][n];
    for (let k = r + 1; k < n; k++) sum -= a[r][k] * x[k];
    x[r] = sum / a[r][r];
  }
  return x;
}

const dot = (a: number[], b: number[]): number => a.reduce((sum, v, k) => sum + v * b[k], 0);

describe('probeScores', () => {
  for (const c of SORTING_CASES.filter((k) => k.n === 5)) {
    test(`matches the PyTorch reference, sample by sample: ${caseLabel(c)}`, () => {
      const relax: Relaxation = (x) => relaxationOf(c)(x).permutation;
      const lambda = c.tikhonov;
      probeScores(relax, c.x[0], { lambda }); // a sorting network's layer tensors are created once, on first use
      const before = tf.memory().numTensors;
      for (let b = 0; b < c.x.length; b++) {
        const probe = probeScores(relax, c.x[b], { lambda, targets: c.targets[b] });
        assert.ok(relativeError(probe.permutation.flat(), c.P[b].flat()) < 1e-5, 'permutation');
        assert.ok(Math.abs(probe.loss - c.loss_per_sample[b]) < 1e-5 * Math.max(1, c.loss_per_sample[b]), 'loss');
        assert.ok(relativeError(probe.gradient, c.grad_per_sample[b]) < 1e-3, 'gradient');
        const h = c.hessian_per_sample[b].map((row, i) => row.map((v, j) => (v + c.hessian_per_sample[b][j][i]) / 2 + (i === j ? lambda : 0)));
        const hessianStep = solve(h, c.grad_per_sample[b]).map((v) => -v);
        assert.ok(relativeError(probe.newton.hessian.step, hessianStep) < 1e-3, `hessian step of sample ${b}`);
        const g = c.grad_per_sample[b];
        const fisherStep = g.map((v) => -v / (lambda + dot(g, g)));
        assert.ok(relativeError(probe.newton.fisher.step, fisherStep) < 1e-3, `fisher step of sample ${b}`);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    });
  }

  test('the loss at the target is the ranking loss there, and the target order defaults to the index order', () => {
    const relax = makeRelaxation('neuralsort', { tau: 1 });
    const scores = [0.4, -0.3, 0.9, 0.1];
    const probe = probeScores(relax, scores, { lambda: 0.5 });
    const same = probeScores(relax, scores, { lambda: 0.5, targets: [0, 1, 2, 3] });
    assert.deepEqual(probe, same);
    const target = scores.map((v, i) => v + probe.newton.fisher.step[i]);
    assert.ok(Math.abs(probeScores(relax, target, { lambda: 0.5 }).loss - probe.newton.fisher.lossAtTarget) < 1e-6);
    assert.ok(probe.newton.hessian.eigenvalueMin <= probe.newton.hessian.eigenvalueMax);
  });

  test('a larger λ gives a shorter Newton step', () => {
    const relax = makeRelaxation('logistic', { steepness: 5 });
    const length = (lambda: number): number => Math.hypot(...probeScores(relax, [1, -1, 0.5], { lambda }).newton.fisher.step);
    assert.ok(length(10) < length(0.1));
  });

  test('bad input: the argument and the value are named', () => {
    const relax = makeRelaxation('softsort');
    assert.throws(() => probeScores(relax, [1, NaN, 2], { lambda: 1 }), /probeScores: scores\[1\] must be a finite number, got NaN/);
    assert.throws(() => probeScores(relax, [1], { lambda: 1 }), /scores must hold n ≥ 2 entries, got \[1\]/);
    assert.throws(() => probeScores(relax, [1, 2], { lambda: 0 }), /options.lambda must be a finite number > 0, got 0/);
    assert.throws(() => probeScores(relax, [1, 2], { lambda: 1, targets: [0, 1, 2] }), /options.targets must have 2 entries, got 3/);
    assert.throws(() => probeScores(relax, [1, 2], { lambda: 1, indefinite: 'flip' as never }), /indefinite/);
    assert.throws(() => probeScores('neuralsort' as never, [1, 2], { lambda: 1 }), /relax must be a function, got 'neuralsort'/);
  });
});

describe('gradientSweep', () => {
  test('each swept value equals probeScores there; the Fisher component is g_k / (λ + ‖g‖²)', () => {
    const relax = makeRelaxation('cauchy', { steepness: 10 });
    const scores = [-1, -0.5, 0, 0.5, 1];
    const values = [-4, -0.7, 0.2, 3];
    const lambda = 0.1;
    const before = tf.memory().numTensors;
    const sweep = gradientSweep(relax, { scores, index: 2, values, lambda });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(sweep.values, values);
    values.forEach((v, k) => {
      const y = scores.map((s, i) => (i === 2 ? v : s));
      const probe = probeScores(relax, y, { lambda });
      const clipped = probeScores(relax, y, { lambda, indefinite: 'clip' });
      assert.ok(Math.abs(sweep.loss[k] - probe.loss) < 1e-6);
      assert.ok(Math.abs(sweep.gradient[k] - probe.gradient[2]) < 1e-6);
      assert.ok(Math.abs(sweep.hessian[k] + probe.newton.hessian.step[2]) < 1e-4 * Math.max(1, Math.abs(sweep.hessian[k])));
      assert.ok(Math.abs(sweep.hessianClipped[k] + clipped.newton.hessian.step[2]) < 1e-4 * Math.max(1, Math.abs(sweep.hessianClipped[k])));
      const g = probe.gradient;
      assert.ok(Math.abs(sweep.fisher[k] - g[2] / (lambda + dot(g, g))) < 1e-5);
    });
  });

  test('the gradient agrees with central differences of the swept loss', () => {
    const relax = makeRelaxation('neuralsort', { tau: 1 });
    const h = 1e-2;
    const values = [-2, -2 - h, -2 + h, 0.3, 0.3 - h, 0.3 + h];
    const sweep = gradientSweep(relax, { scores: [-1, 0, 1], index: 0, values, lambda: 1 });
    for (const k of [0, 3]) {
      const difference = (sweep.loss[k + 2] - sweep.loss[k + 1]) / (2 * h);
      assert.ok(Math.abs(difference - sweep.gradient[k]) < 2e-3 * Math.max(1e-3, Math.abs(sweep.gradient[k])) + 1e-5, `at ${values[k]}`);
    }
  });

  test('bad input: the argument and the value are named', () => {
    const relax = makeRelaxation('neuralsort');
    assert.throws(() => gradientSweep(relax, { scores: [0, 1, 2], index: 3, values: [0], lambda: 1 }), /gradientSweep: options.index must be an integer in \[0, 2\], got 3/);
    assert.throws(() => gradientSweep(relax, { scores: [0, 1, 2], index: 0, values: [], lambda: 1 }), /options.values must be a non-empty array/);
    assert.throws(() => gradientSweep(relax, { scores: [0, 1, 2], index: 0, values: [0], lambda: -1 }), /options.lambda must be a finite number > 0, got -1/);
  });
});

describe('descentPath', () => {
  /** l(y) = ½ (y − c)ᵀ A (y − c), A positive definite: gradient A (y − c), Hessian A. */
  const c = [1, -2];
  const A = [[3, 1], [1, 2]];
  const quadratic: PerSampleLoss = (y) =>
    tf.tidy(() => {
      const r = tf.sub(y, tf.tensor2d([c]));
      return tf.mul(0.5, tf.sum(tf.mul(r, tf.matMul(r, tf.tensor2d(A))), 1)) as tf.Tensor1D;
    });

  test('gradient descent on a quadratic follows y ← y − η A (y − c)', () => {
    const path = descentPath(quadratic, [0, 0], { kind: 'gradient', learningRate: 0.1 }, 3);
    let y = [0, 0];
    const expected = [y];
    for (let k = 0; k < 3; k++) {
      const r = [y[0] - c[0], y[1] - c[1]];
      y = [y[0] - 0.1 * (A[0][0] * r[0] + A[0][1] * r[1]), y[1] - 0.1 * (A[1][0] * r[0] + A[1][1] * r[1])];
      expected.push(y);
    }
    assert.equal(path.diverged, false);
    assert.ok(relativeError(path.points.flat(), expected.flat()) < 1e-5);
    assert.ok(path.losses[3] < path.losses[0]);
  });

  test('a Newton step with small λ lands on the minimum of a quadratic; a large λ barely moves', () => {
    const newton = descentPath(quadratic, [5, 5], { kind: 'newton', variant: 'hessian', lambda: 1e-6 }, 1);
    assert.ok(Math.hypot(newton.points[1][0] - c[0], newton.points[1][1] - c[1]) < 1e-3);
    const damped = descentPath(quadratic, [5, 5], { kind: 'newton', variant: 'hessian', lambda: 1e6 }, 1);
    assert.ok(Math.hypot(damped.points[1][0] - 5, damped.points[1][1] - 5) < 1e-3);
  });

  test("notebook 00's valley: Newton (λ = 0.5) reaches (1, 1) in 12 steps, gradient descent (lr 0.04) does not", () => {
    const valley: PerSampleLoss = (y) =>
      tf.tidy(() => {
        const [a, b] = tf.unstack(y, 1);
        return tf.add(tf.square(tf.sub(1, a)), tf.mul(5, tf.square(tf.sub(b, tf.square(a))))) as tf.Tensor1D;
      });
    const newton = descentPath(valley, [-1.2, 1.4], { kind: 'newton', variant: 'hessian', lambda: 0.5 }, 12);
    const gradient = descentPath(valley, [-1.2, 1.4], { kind: 'gradient', learningRate: 0.04 }, 12);
    assert.ok(newton.losses[12] < 1e-3, `Newton ends at ${newton.losses[12]}`);
    assert.ok(gradient.losses[12] > 100 * newton.losses[12], `gradient descent ends at ${gradient.losses[12]}`);
  });

  test('a step that leaves the finite numbers ends the path', () => {
    const path = descentPath(quadratic, [0, 0], { kind: 'gradient', learningRate: 1e38 }, 5);
    assert.equal(path.diverged, true);
    assert.ok(path.points.length < 6);
    assert.ok(path.points.flat().every(Number.isFinite));
  });

  test('bad input: the argument and the value are named', () => {
    assert.throws(() => descentPath(quadratic, [0, 0], { kind: 'momentum' } as never, 1), /method.kind must be 'gradient' or 'newton', got 'momentum'/);
    assert.throws(() => descentPath(quadratic, [0, 0], { kind: 'gradient', learningRate: 0 }, 1), /method.learningRate must be a finite number > 0, got 0/);
    assert.throws(() => descentPath(quadratic, [0, 0], { kind: 'gradient', learningRate: 1 }, 1.5), /steps must be an integer ≥ 0, got 1.5/);
    assert.throws(() => descentPath(quadratic, [0, Infinity], { kind: 'gradient', learningRate: 1 }, 1), /start\[1\] must be a finite number, got Infinity/);
  });
});

describe('two-score landscape', () => {
  test('twoScoreRankingLoss is the ranking loss of [x₀, x₁, …fixed] in the index order; lossSurface lays it out by rows of y', () => {
    const relax = makeRelaxation('logistic', { steepness: 5 });
    const loss = twoScoreRankingLoss(relax, [0.5, -1]);
    const xs = [-1, 0, 2];
    const ys = [0.3, -0.8];
    lossSurface(loss, xs, ys); // a sorting network's layer tensors are created once, on first use
    const before = tf.memory().numTensors;
    const surface = lossSurface(loss, xs, ys);
    assert.equal(tf.memory().numTensors, before);
    const targets = tf.tensor2d([[0, 1, 2, 3]]);
    const direct = rankingLossPerSample(relax, targets);
    ys.forEach((b, r) => xs.forEach((a, col) => {
      const expected = tf.tidy(() => direct(tf.tensor2d([[a, b, 0.5, -1]])).dataSync()[0]);
      assert.ok(Math.abs(surface[r][col] - expected) < 1e-6);
    }));
    targets.dispose();
  });

  test('its gradient and Hessian by autodiff are those of the full ranking loss restricted to the two scores', () => {
    const relax = makeRelaxation('neuralsort', { tau: 1 });
    const y = tf.tensor2d([[0.8, -0.6]]);
    const full = tf.tensor2d([[0.8, -0.6, 0]]);
    const targets = tf.tensor2d([[0, 1, 2]]);
    const g2 = perSampleGradients(y, twoScoreRankingLoss(relax)).dataSync();
    const g3 = perSampleGradients(full, rankingLossPerSample(relax, targets)).dataSync();
    const h2 = perSampleHessians(y, twoScoreRankingLoss(relax)).dataSync();
    const h3 = perSampleHessians(full, rankingLossPerSample(relax, targets)).dataSync();
    assert.ok(relativeError(g2, [g3[0], g3[1]]) < 1e-5);
    assert.ok(relativeError(h2, [h3[0], h3[1], h3[3], h3[4]]) < 1e-5);
    tf.dispose([y, full, targets]);
  });

  test('bad input: the argument and the value are named', () => {
    const loss = twoScoreRankingLoss(makeRelaxation('neuralsort'));
    assert.throws(() => twoScoreRankingLoss(makeRelaxation('neuralsort'), [NaN]), /twoScoreRankingLoss: fixed\[0\] must be a finite number, got NaN/);
    assert.throws(() => tf.tidy(() => loss(tf.zeros([1, 3]) as tf.Tensor2D)), /scores must be a tf.Tensor2D \[B, 2\], got shape \[1, 3\]/);
    assert.throws(() => lossSurface(loss, [0], 'y' as never), /lossSurface: ys must be a non-empty array of finite numbers, got 'y'/);
  });
});

describe('LinearScorerRun', () => {
  const relaxation = makeRelaxation('neuralsort', { tau: 1 });
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

  for (const newton of [undefined, { variant: 'hessian' as const, lambda: 0.1 }, { variant: 'fisher' as const, lambda: 0.01 }]) {
    test(`the training loss goes down and the test accuracy up (${newton ? newton.variant : 'baseline'}); no tensor leaks`, () => {
      const before = tf.memory().numTensors;
      const run = new LinearScorerRun({ relaxation, newton, seed: 3, testSets: 200 });
      const afterStart = tf.memory().numTensors;
      const startAccuracy = run.evaluate().elementwise;
      const losses = Array.from({ length: 120 }, () => run.step());
      assert.equal(tf.memory().numTensors, afterStart, 'steps keep no tensor');
      assert.equal(run.steps, 120);
      assert.ok(mean(losses.slice(-20)) < 0.8 * mean(losses.slice(0, 20)), `${mean(losses.slice(0, 20))} → ${mean(losses.slice(-20))}`);
      assert.ok(run.evaluate().elementwise > startAccuracy + 0.2);
      run.dispose();
      assert.equal(tf.memory().numTensors, before, 'dispose frees every tensor the run made');
    });
  }

  test('the same seed gives the same run; another seed another', () => {
    const losses = (seed: number): number[] => {
      const run = new LinearScorerRun({ relaxation, seed, testSets: 10 });
      const values = [run.step(), run.step(), run.step()];
      run.dispose();
      return values;
    };
    assert.deepEqual(losses(5), losses(5));
    assert.notDeepEqual(losses(5), losses(6));
  });

  test('bad input and use after dispose: the argument and the value are named', () => {
    assert.throws(() => new LinearScorerRun({ relaxation, setSize: 1 }), /LinearScorerRun: options.setSize must be an integer ≥ 2, got 1/);
    assert.throws(() => new LinearScorerRun({ relaxation, noise: -1 }), /options.noise must be a finite number ≥ 0, got -1/);
    assert.throws(() => new LinearScorerRun({ relaxation, learningRate: 0 }), /options.learningRate must be a finite number > 0, got 0/);
    assert.throws(() => new LinearScorerRun({ relaxation: undefined as never }), /options.relaxation must be a function, got undefined/);
    assert.throws(() => new LinearScorerRun({ relaxation, newton: { variant: 'hessian', lambda: 0 } }).step(), /lambda/);
    const run = new LinearScorerRun({ relaxation, testSets: 5 });
    run.dispose();
    assert.throws(() => run.step(), /LinearScorerRun.step: the run was disposed/);
  });
});
