import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, groundTruthPermutation, neuralSort, rankingLoss, softSort } from '../src/index';

// Gradients of the ranking loss (BCE, mean over entries, summed over the batch) at exactly tied
// scores, against PyTorch in float64: difftopk's SoftSort / NeuralSort on s = −x (torch.abs, whose
// derivative at 0 is 0; torch.sort, which keeps tied entries in index order for short rows) and
// torch.nn.functional.binary_cross_entropy against the stable ground-truth permutation.
interface TieCase {
  method: 'softsort' | 'neuralsort';
  tau: number;
  x: number[][];
  targets: number[][];
  gradient: number[][];
}

const TIED_ROWS = [
  [0.3, -0.2, 0.3, 0.3, -0.2],
  [1, 1, 1, 1, 1],
];
const TIED_TARGETS = [
  [3, 0, 4, 1, 2],
  [4, 2, 0, 3, 1],
];

const CASES: TieCase[] = [
  { method: 'softsort', tau: 1, x: [[0.5, 0.5, -1]], targets: [[0, 1, 2]], gradient: [[0.122323, 0.122323, -0.244646]] },
  {
    method: 'softsort',
    tau: 0.5,
    x: TIED_ROWS,
    targets: TIED_TARGETS,
    gradient: [
      [0.053923, 0.061111, -0.038854, 0.051904, -0.128083],
      [0, 0, 0, 0, 0],
    ],
  },
  { method: 'neuralsort', tau: 1, x: [[0.5, 0.5, -1]], targets: [[0, 1, 2]], gradient: [[0.326887, 0.134698, -0.461586]] },
  {
    method: 'neuralsort',
    tau: 0.5,
    x: TIED_ROWS,
    targets: TIED_TARGETS,
    gradient: [
      [-0.004043, 0.152191, -0.243507, 0.358988, -0.263629],
      [-0.4, 0, 0.4, -0.2, 0.2],
    ],
  },
];

// dP[i][k]/dx_j at x = [0.5, 0.5, −1], τ = 1 (torch.autograd.functional.jacobian, float64): every
// loss of P, or of the sorted values x @ P, then has torch's gradient at this tie.
const JACOBIAN_AT_TIE: Record<TieCase['method'], number[][][]> = {
  softsort: [
    [[-0.130478, 0.023803, 0.106676], [0.045147, 0, -0.045147], [0, 0.045147, -0.045147]],
    [[0.023803, -0.130478, 0.106676], [0.045147, 0, -0.045147], [0, 0.045147, -0.045147]],
    [[0.106676, 0.106676, -0.213351], [-0.090294, 0, 0.090294], [0, -0.090294, 0.090294]],
  ],
  neuralsort: [
    [[-0.284759, 0.178083, 0.106676], [-0.202335, 0.247482, -0.045147], [0.252739, -0.244499, -0.00824]],
    [[0.178083, -0.284759, 0.106676], [0.247482, -0.202335, -0.045147], [-0.244499, 0.252739, -0.00824]],
    [[0.106676, 0.106676, -0.213351], [-0.045147, -0.045147, 0.090294], [-0.00824, -0.00824, 0.01648]],
  ],
};

function relaxationOf(method: TieCase['method'], tau: number): (s: tf.Tensor2D) => tf.Tensor3D {
  return (s) => (method === 'softsort' ? softSort(s, { tau }) : neuralSort(s, { tau }));
}

function permutationJacobian(method: TieCase['method']): number[] {
  return tf.tidy(() => {
    const x = tf.tensor2d([[0.5, 0.5, -1]]);
    const out: number[] = [];
    for (let entry = 0; entry < 9; entry++) {
      const pick = tf.oneHot(tf.tensor1d([entry], 'int32'), 9).reshape([1, 3, 3]);
      const row = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(relaxationOf(method, 1)(s as tf.Tensor2D), pick)))(x);
      out.push(...Array.from(row.dataSync()));
    }
    return out;
  });
}

function rankingLossGradient(c: TieCase): number[] {
  return tf.tidy(() => {
    const groundTruth = groundTruthPermutation(tf.tensor2d(c.targets));
    const relax = relaxationOf(c.method, c.tau);
    const gradient = tf.grad((s: tf.Tensor) => tf.sum(rankingLoss(relax(s as tf.Tensor2D), groundTruth)))(tf.tensor2d(c.x));
    return Array.from(gradient.dataSync());
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`sorting relaxations at tied scores match PyTorch's gradients on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const c of CASES) {
      test(`${c.method} tau=${c.tau} n=${c.x[0].length}: ranking-loss gradient at ties`, () => {
        const got = rankingLossGradient(c);
        const want = c.gradient.flat();
        const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
        assert.ok(worst < 1e-4, `gradient [${got.map((g) => g.toFixed(6)).join(', ')}], reference [${want.join(', ')}]`);
      });
    }

    for (const method of ['softsort', 'neuralsort'] as const) {
      test(`${method}: Jacobian of P at the tie [0.5, 0.5, −1]`, () => {
        const got = permutationJacobian(method);
        const want = JACOBIAN_AT_TIE[method].flat(2);
        const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
        assert.ok(worst < 1e-4, `largest difference ${worst.toExponential(2)}`);
      });
    }
  });
}

// Scores 1.04e-7 apart (a CNN's scores at a training step), not tied: the gradient must be tf.abs's.
// tfjs-wasm's tf.sign returns 0 there, which would split the pair's gradient as if it were a tie.
const NEAR_TIE = [[-0.0464291013777256, -0.044978346675634384, -0.04385553300380707, -0.04497845098376274, -0.04893575608730316]];

function neuralSortWithTfAbs(scores: tf.Tensor2D): tf.Tensor3D {
  const [batch, n] = scores.shape;
  const row = scores.reshape([batch, 1, n]);
  const spread = tf.sum(tf.abs(tf.sub(scores.reshape([batch, n, 1]), row)), 2).reshape([batch, 1, n]);
  const coefficients = tf.tensor(Array.from({ length: n }, (_, k) => 2 * (k + 1) - n - 1), [1, n, 1]);
  return tf.transpose(tf.softmax(tf.sub(tf.mul(coefficients, row), spread)), [0, 2, 1]) as tf.Tensor3D;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`neuralsort on ${backend}: scores 1e-7 apart are not a tie (gradient equals tf.abs's, bit for bit)`, async () => {
    await initBackend(backend);
    const weights = tf.tensor3d([[[1, 2, 3, 4, 5], [0.5, -1, 2, 0, 1], [3, 1, -2, 1, 0], [1, 1, 1, -1, 2], [0, 2, 1, 3, -1]]]);
    const gradientOf = (relax: (s: tf.Tensor2D) => tf.Tensor3D) =>
      Array.from(tf.grad((s: tf.Tensor) => tf.sum(tf.mul(relax(s as tf.Tensor2D), weights)))(tf.tensor2d(NEAR_TIE)).dataSync());
    assert.deepEqual(gradientOf((s) => neuralSort(s)), gradientOf(neuralSortWithTfAbs));
  });
}
