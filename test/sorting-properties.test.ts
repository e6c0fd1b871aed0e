import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Rng,
  neuralSort,
  softSort,
  sortingNetwork,
  groundTruthPermutation,
  rankingLoss,
  rankingLossPerSample,
  makeRelaxation,
  RELAXATION_NAMES,
  COMPARATOR_SIGMOIDS,
  oddEvenLayers,
  bitonicLayers,
  type Relaxation,
  type ComparatorSigmoid,
} from '../src/index';
import { relativeError, autodiffHessian, finiteDifferenceGradient, finiteDifferenceHessian } from '../src/analysis/index';
import { zeroOneCounterexample } from '../src/relaxations/sorting/networks';

/** B rows of n distinct scores, at least `gap` apart, in a seeded random order. */
function separatedScores(seed: number, batch: number, n: number, gap = 0.1): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: batch }, () => {
    const values = Array.from({ length: n }, (_, i) => i * gap + rng.uniform() * gap * 0.5 - 1);
    return rng.shuffle(values);
  });
}

/** Every relaxation under test: the registry's names with both networks for the sigmoids. */
const RELAXATIONS: { label: string; relax: Relaxation; network: boolean }[] = [
  { label: 'neuralsort', relax: makeRelaxation('neuralsort'), network: false },
  { label: 'softsort', relax: makeRelaxation('softsort'), network: false },
  ...COMPARATOR_SIGMOIDS.flatMap((sigmoid) =>
    (['odd_even', 'bitonic'] as const).map((network) => ({
      label: `${network} ${sigmoid}`,
      relax: makeRelaxation(sigmoid, { network }),
      network: true,
    })),
  ),
];

function sums(permutation: tf.Tensor3D, axis: 1 | 2): Float32Array {
  return tf.tidy(() => tf.sum(permutation, axis).dataSync() as Float32Array);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`sorting relaxation properties on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('columns of every P sum to 1; sorting networks are doubly stochastic and sorted = x @ P', () => {
      const x = tf.tensor2d(separatedScores(1, 4, 7, 0.3));
      for (const { label, relax, network } of RELAXATIONS) {
        const permutation = relax(x);
        assert.deepEqual(permutation.shape, [4, 7, 7], label);
        const values = permutation.dataSync();
        assert.ok(values.every((v) => v >= 0 && v <= 1 + 1e-6), `${label}: entries in [0, 1]`);
        assert.ok(sums(permutation, 1).every((s) => Math.abs(s - 1) < 1e-5), `${label}: columns sum to 1`);
        if (network) assert.ok(sums(permutation, 2).every((s) => Math.abs(s - 1) < 1e-5), `${label}: rows sum to 1`);
        permutation.dispose();
      }
      for (const network of ['odd_even', 'bitonic'] as const) {
        const { permutation, sorted } = sortingNetwork(x, { network, sigmoid: 'cauchy', steepness: 3 });
        const product = tf.matMul(x.reshape([4, 1, 7]), permutation).reshape([4, 7]);
        assert.ok(relativeError(sorted.dataSync(), product.dataSync()) < 1e-5, `${network}: sorted = x @ P`);
        tf.dispose([permutation, sorted, product]);
      }
      x.dispose();
    });

    test('P tends to the hard sorting permutation as tau → 0 / steepness → ∞', () => {
      for (const n of [2, 3, 5, 8, 10]) {
        const x = tf.tensor2d(separatedScores(n, 3, n));
        const hard = groundTruthPermutation(x);
        const cases: [string, tf.Tensor3D][] = [
          ['neuralsort', neuralSort(x, { tau: 1e-3 })],
          ['softsort', softSort(x, { tau: 1e-3 })],
          ...COMPARATOR_SIGMOIDS.flatMap((sigmoid) =>
            (['odd_even', 'bitonic'] as const).map((network): [string, tf.Tensor3D] => {
              const { permutation, sorted } = sortingNetwork(x, { network, sigmoid, steepness: 1e6 });
              sorted.dispose();
              return [`${network} ${sigmoid}`, permutation];
            }),
          ),
        ];
        for (const [label, permutation] of cases) {
          const error = relativeError(permutation.dataSync(), hard.dataSync());
          assert.ok(error < 1e-3, `${label}, n = ${n}: |P − P_hard| = ${error.toExponential(2)}`);
        }
        // …and stays soft at a high temperature (the limit is not trivially reached).
        const soft = neuralSort(x, { tau: 10 });
        assert.ok(relativeError(soft.dataSync(), hard.dataSync()) > 0.1);
        tf.dispose([x, hard, soft, ...cases.map(([, p]) => p)]);
      }
    });

    test('shift invariance: P(x + c) = P(x)', () => {
      const x = tf.tensor2d(separatedScores(3, 4, 6, 0.2));
      const shifted = tf.add(x, 2.75) as tf.Tensor2D;
      for (const { label, relax } of RELAXATIONS) {
        const [a, b] = [relax(x), relax(shifted)];
        assert.ok(relativeError(a.dataSync(), b.dataSync()) < 1e-4, label);
        tf.dispose([a, b]);
      }
      tf.dispose([x, shifted]);
    });

    test('permutation equivariance: NeuralSort and SoftSort exactly, sorting networks in the hard limit', () => {
      const rows = separatedScores(4, 3, 6, 0.2);
      const order = [3, 0, 5, 1, 4, 2];
      const x = tf.tensor2d(rows);
      const permuted = tf.tensor2d(rows.map((row) => order.map((i) => row[i])));
      const rowsOf = (p: tf.Tensor3D): number[][][] => p.arraySync();
      const check = (label: string, relax: Relaxation, tolerance: number): void => {
        const [a, b] = [rowsOf(relax(x)), rowsOf(relax(permuted))];
        // input i of the permuted batch is input order[i] of the original
        const expected = a.map((matrix) => order.map((i) => matrix[i]));
        assert.ok(relativeError(b.flat(2), expected.flat(2)) < tolerance, label);
      };
      check('neuralsort', makeRelaxation('neuralsort', { tau: 0.3 }), 1e-5);
      check('softsort', makeRelaxation('softsort', { tau: 0.3 }), 1e-5);
      for (const sigmoid of COMPARATOR_SIGMOIDS) check(`odd_even ${sigmoid}`, makeRelaxation(sigmoid, { steepness: 1e6 }), 1e-3);
      tf.dispose([x, permuted]);
    });

    test('gradients and Hessians equal finite differences for every relaxation', () => {
      // One sample, gaps ≥ 0.12 so that no kink (ties, |v| = 1/4 of 'optimal') is within the step.
      const x = tf.tensor2d([[0.31, -0.45, 0.9, 0.12, -0.08]]);
      const targets = tf.tensor2d([[2, 0, 4, 3, 1]]);
      for (const { label, relax } of RELAXATIONS) {
        const loss = rankingLossPerSample(relax, targets);
        const f = (y: tf.Tensor): tf.Scalar => tf.sum(loss(y as tf.Tensor2D));
        const gradient = tf.tidy(() => tf.grad(f)(x).dataSync());
        const gradientError = relativeError(gradient, finiteDifferenceGradient(f, x, 1e-3));
        assert.ok(gradientError < 2e-3, `${label}: gradient error ${gradientError.toExponential(2)}`);
        const hessian = autodiffHessian(f, x);
        const hessianError = relativeError(hessian, finiteDifferenceHessian(f, x, 1e-3));
        assert.ok(hessianError < 2e-3, `${label}: Hessian error ${hessianError.toExponential(2)}`);
        assert.ok(hessian.some((v) => Math.abs(v) > 1e-3), `${label}: a non-trivial Hessian`);
      }
      tf.dispose([x, targets]);
    });

    test('sorting networks differentiate correctly at exactly tied scores', () => {
      // x0 = x1 exactly: the first comparator sees u = 0. Smooth sigmoids must give the
      // derivatives of σ at 0 (a wrong branch of |u| there would flip their sign).
      const x = tf.tensor2d([[0.2, 0.2, -0.35, 0.6]]);
      const targets = tf.tensor2d([[1, 0, 2, 3]]);
      const smoothHessian: ComparatorSigmoid[] = ['logistic', 'cauchy', 'gaussian', 'optimal'];
      for (const sigmoid of ['logistic', 'cauchy', 'reciprocal', 'gaussian', 'optimal'] as const) {
        const loss = rankingLossPerSample(makeRelaxation(sigmoid, { steepness: 2 }), targets);
        const f = (y: tf.Tensor): tf.Scalar => tf.sum(loss(y as tf.Tensor2D));
        const gradient = tf.tidy(() => tf.grad(f)(x).dataSync());
        const gradientError = relativeError(gradient, finiteDifferenceGradient(f, x, 1e-3));
        assert.ok(gradientError < 2e-3, `${sigmoid}: gradient error at a tie ${gradientError.toExponential(2)}`);
        // reciprocal's σ'' jumps at 0 (finite differences average the two sides); logistic_phi's
        // σ' is infinite there.
        if (smoothHessian.includes(sigmoid)) {
          const hessianError = relativeError(autodiffHessian(f, x), finiteDifferenceHessian(f, x, 1e-3));
          assert.ok(hessianError < 2e-3, `${sigmoid}: Hessian error at a tie ${hessianError.toExponential(2)}`);
        }
      }
      tf.dispose([x, targets]);
    });

    test('saturated entries (P exactly 0 or 1) give the clamped loss and finite first and second derivatives', () => {
      const groundTruth = tf.tensor3d([[[1, 0], [0, 1]]]);
      const wrong = tf.tensor3d([[[0, 1], [1, 0]]]);
      const loss = rankingLoss(wrong, groundTruth);
      assert.ok(Math.abs(loss.dataSync()[0] - 100) < 1e-4, 'every entry costs 100 (log clamped at −100)');
      // torch's BCE gradient: (P − Q) / max(P (1 − P), 1e-12) / n²
      const gradient = tf.grad((p: tf.Tensor) => tf.sum(rankingLoss(p as tf.Tensor3D, groundTruth)))(wrong);
      assert.ok(relativeError(gradient.dataSync(), [-0.25e12, 0.25e12, 0.25e12, -0.25e12]) < 1e-5);
      const second = tf.grad((p: tf.Tensor) =>
        tf.sum(tf.grad((q: tf.Tensor) => tf.sum(rankingLoss(q as tf.Tensor3D, groundTruth)))(p)),
      )(wrong);
      assert.ok(second.dataSync().every(Number.isFinite), 'finite second derivatives');
      tf.dispose([groundTruth, wrong, loss, gradient, second]);

      // Through relaxations: far too cold, wrong order, so P underflows to exact zeros in float32.
      const x = tf.tensor2d([[3, -2, 1, 0.5, -4]]);
      const targets = tf.tensor2d([[0, 1, 2, 3, 4]]);
      for (const relax of [makeRelaxation('neuralsort', { tau: 1e-3 }), makeRelaxation('softsort', { tau: 1e-3 }), makeRelaxation('logistic', { steepness: 1e4 })]) {
        const p = relax(x);
        assert.ok(p.dataSync().some((v) => v === 0), 'the case is saturated');
        const f = (y: tf.Tensor): tf.Scalar => tf.sum(rankingLossPerSample(relax, targets)(y as tf.Tensor2D));
        const g = tf.tidy(() => tf.grad(f)(x).dataSync());
        assert.ok(g.every(Number.isFinite), 'finite gradient');
        assert.ok(autodiffHessian(f, x).every(Number.isFinite), 'finite Hessian');
        p.dispose();
      }
      tf.dispose([x, targets]);
    });

    test('no tensor leaks: relaxations, losses, gradients and Hessians leave the count flat', () => {
      const x = tf.tensor2d(separatedScores(5, 3, 5, 0.2));
      const targets = tf.tensor2d(separatedScores(6, 3, 5, 0.2));
      const run = (): void => {
        for (const { relax } of RELAXATIONS) {
          const loss = rankingLossPerSample(relax, targets);
          tf.dispose([relax(x), loss(x), tf.grad((y: tf.Tensor) => tf.sum(loss(y as tf.Tensor2D)))(x)]);
        }
        const { permutation, sorted } = sortingNetwork(x, { network: 'bitonic', sigmoid: 'gaussian', steepness: 5 });
        tf.dispose([permutation, sorted, groundTruthPermutation(targets)]);
        autodiffHessian((y) => tf.sum(rankingLossPerSample(makeRelaxation('cauchy'), targets)(y as tf.Tensor2D)), x);
      };
      run(); // builds the cached network matrices
      const count = tf.memory().numTensors;
      run();
      run();
      assert.equal(tf.memory().numTensors, count);
      tf.dispose([x, targets]);
    });
  });
}

describe('sorting network layouts', () => {
  test('odd-even has n layers of alternating neighbour pairs; bitonic has log₂N(log₂N + 1)/2 layers', () => {
    const oddEven = oddEvenLayers(5);
    assert.equal(oddEven.length, 5);
    assert.deepEqual(Array.from(oddEven[0].partner), [1, 0, 3, 2, 4]);
    assert.deepEqual(Array.from(oddEven[0].role), [-1, 1, -1, 1, 0]);
    assert.deepEqual(Array.from(oddEven[1].partner), [0, 2, 1, 4, 3]);
    for (const [n, layers] of [[2, 1], [4, 3], [5, 6], [8, 6], [10, 10], [16, 10]]) {
      assert.equal(bitonicLayers(n).length, layers, `bitonic n = ${n}`);
    }
    // The first bitonic layer alternates ascending and descending pairs.
    assert.deepEqual(Array.from(bitonicLayers(4)[0].role), [-1, 1, 1, -1]);
  });

  test('both layouts sort every 0/1 input (0-1 principle) for n = 2..21', () => {
    for (let n = 2; n <= 21; n++) {
      assert.equal(zeroOneCounterexample(oddEvenLayers(n), n), null, `odd_even n = ${n}`);
      assert.equal(zeroOneCounterexample(bitonicLayers(n), n), null, `bitonic n = ${n}`);
    }
  });

  test("diffsort's padded bitonic layout is refused where it is not a sorting network (n = 22)", async () => {
    await initBackend('cpu');
    assert.ok(zeroOneCounterexample(bitonicLayers(22), 22) !== null);
    const x = tf.randomNormal([1, 22]) as tf.Tensor2D;
    assert.throws(() => sortingNetwork(x, { network: 'bitonic', sigmoid: 'cauchy' }), /'bitonic'.*does not sort n = 22.*use 'odd_even'/);
    const { permutation, sorted } = sortingNetwork(x, { network: 'odd_even', sigmoid: 'cauchy' });
    tf.dispose([x, permutation, sorted]);
  });
});

describe('relaxation registry', () => {
  test('every name builds its relaxation with the documented defaults', async () => {
    await initBackend('cpu');
    tf.tidy(() => {
      const x = tf.tensor2d(separatedScores(7, 2, 4, 0.3));
      const same = (a: tf.Tensor, b: tf.Tensor): boolean => relativeError(a.dataSync(), b.dataSync()) < 1e-6;
      assert.deepEqual([...RELAXATION_NAMES], ['neuralsort', 'softsort', ...COMPARATOR_SIGMOIDS]);
      assert.ok(same(makeRelaxation('neuralsort')(x), neuralSort(x, { tau: 1 })));
      assert.ok(same(makeRelaxation('softsort', { tau: 0.5 })(x), softSort(x, { tau: 0.5, pow: 1 })));
      for (const sigmoid of COMPARATOR_SIGMOIDS) {
        const expected = sortingNetwork(x, { network: 'odd_even', sigmoid, steepness: 10, artLambda: 0.25 });
        assert.ok(same(makeRelaxation(sigmoid)(x), expected.permutation), sigmoid);
      }
      const bitonic = sortingNetwork(x, { network: 'bitonic', sigmoid: 'logistic', steepness: 3 });
      assert.ok(same(makeRelaxation('logistic', { network: 'bitonic', steepness: 3 })(x), bitonic.permutation));
      assert.throws(() => makeRelaxation('neuralsort', { steepness: 3 }), /'neuralsort' has no parameter 'steepness'; its parameters are tau/);
      assert.throws(() => makeRelaxation('quicksort' as never), /makeRelaxation: name must be one of 'neuralsort', 'softsort', 'logistic'/);
    });
  });
});
