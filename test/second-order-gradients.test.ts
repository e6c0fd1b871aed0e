import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import { autodiffHessian, finiteDifferenceHessian, relativeError } from '../src/analysis/index';
import {
  installSecondOrderGradients,
  secondOrderGradientsInstalled,
  SECOND_ORDER_GRADIENTS,
  logSoftmax,
  logSigmoid,
} from '../src/runtime/index';

// f(x) = Σ w ⊙ g(A x): a generic Hessian Aᵀ diag(w ⊙ g''(Ax)) A with cross terms for every op g.
// At X0, u = A x = [0.74, −0.725, 0.28, 0.395, 0.595, −0.175]: every kink used below (0, ±0.3,
// 0.5, 0.1, ties between entries) is ≥ 0.09 away, far beyond the finite-difference step 1e-2.
const A = [
  [0.9, -0.4, 0.3, 0.2],
  [0.1, 0.8, -0.5, 0.3],
  [-0.3, 0.2, 0.7, -0.6],
  [0.5, 0.1, 0.2, 0.9],
  [0.2, -0.4, 0.4, 0.1],
  [-0.6, 0.3, 0.1, 0.5],
];
const W = [1.0, -0.7, 0.5, 1.3, -0.4, 0.8];
const X0 = [0.3, -0.5, 0.8, 0.15];

const linear = (x: tf.Tensor): tf.Tensor1D => tf.matMul(tf.tensor2d(A), tf.reshape(x, [4, 1])).reshape([6]);
const weighted = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.tensor(W, y.shape), y));
const elementwise = (g: (u: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => weighted(g(linear(x)));
const rows = (x: tf.Tensor): tf.Tensor2D => linear(x).reshape([2, 3]);

/** Each case: a scalar function through the named ops; its Hessian must match finite differences. */
const CASES: { ops: string; f: (x: tf.Tensor) => tf.Scalar }[] = [
  { ops: 'exp', f: elementwise(tf.exp) },
  { ops: 'exp (x ⊙ eˣ: silently wrong without the fix)', f: (x) => tf.sum(tf.mul(x, tf.exp(x))) },
  { ops: 'sigmoid', f: elementwise(tf.sigmoid) },
  { ops: 'tanh', f: elementwise(tf.tanh) },
  { ops: 'elu', f: elementwise(tf.elu) },
  { ops: 'selu (greater)', f: elementwise(tf.selu) },
  { ops: 'softplus', f: elementwise(tf.softplus) },
  { ops: 'logSigmoid (ours)', f: elementwise(logSigmoid) },
  { ops: 'atan', f: elementwise(tf.atan) },
  { ops: 'erf', f: elementwise(tf.erf) },
  { ops: 'sqrt, square, add', f: elementwise((u) => tf.sqrt(tf.add(tf.square(u), 1))) },
  { ops: 'rsqrt', f: elementwise((u) => tf.rsqrt(tf.add(tf.square(u), 1))) },
  { ops: 'pow (constant exponent)', f: elementwise((u) => tf.pow(tf.add(tf.square(u), 1), 1.5)) },
  { ops: 'pow (tensor exponent)', f: elementwise((u) => tf.pow(tf.add(tf.square(u), 1), tf.add(u, 2))) },
  { ops: 'log', f: elementwise((u) => tf.log(tf.add(tf.square(u), 0.5))) },
  { ops: 'log1p', f: elementwise((u) => tf.log1p(tf.square(u))) },
  { ops: 'div', f: elementwise((u) => tf.div(u, tf.add(tf.square(u), 2))) },
  { ops: 'reciprocal', f: elementwise((u) => tf.reciprocal(tf.add(tf.square(u), 1))) },
  { ops: 'abs', f: elementwise((u) => tf.mul(tf.abs(u), u)) },
  { ops: 'relu', f: elementwise((u) => tf.mul(tf.relu(u), u)) },
  { ops: 'leakyRelu (greater)', f: elementwise((u) => tf.mul(tf.leakyRelu(u, 0.2), u)) },
  { ops: 'relu6 (lessEqual)', f: elementwise((u) => tf.mul(tf.relu6(u), u)) },
  { ops: 'maximum (less)', f: elementwise((u) => tf.square(tf.maximum(u, tf.mul(u, -0.5)))) },
  { ops: 'minimum (greater)', f: elementwise((u) => tf.square(tf.minimum(u, tf.mul(u, -0.5)))) },
  { ops: 'clipByValue (logicalAnd)', f: elementwise((u) => tf.square(tf.clipByValue(u, -0.3, 0.5))) },
  { ops: 'where, greater', f: elementwise((u) => tf.where(tf.greater(u, 0.1), tf.square(u), tf.exp(u))) },
  {
    ops: 'where, logicalOr, logicalNot, logicalXor, notEqual, less',
    f: elementwise((u) => {
      const outside = tf.logicalOr(tf.less(u, -0.5), tf.greater(u, 0.5));
      const mask = tf.logicalXor(tf.logicalNot(outside), tf.notEqual(u, 0.1));
      return tf.where(mask, tf.exp(u), tf.square(u));
    }),
  },
  { ops: 'softmax, sum', f: (x) => weighted(tf.softmax(rows(x))) },
  { ops: 'logSoftmax (ours, last axis)', f: (x) => weighted(logSoftmax(rows(x))) },
  { ops: 'logSoftmax (ours, axis 0)', f: (x) => weighted(logSoftmax(rows(x), 0)) },
  { ops: 'logSumExp, max (equal)', f: (x) => tf.sum(tf.logSumExp(rows(x), 1)) },
  { ops: 'max, min (equal)', f: (x) => tf.add(tf.sum(tf.square(tf.max(rows(x), 1))), tf.sum(tf.exp(tf.min(rows(x), 1)))) },
  { ops: 'mean', f: (x) => tf.square(tf.mean(tf.square(linear(x)))) as tf.Scalar },
  { ops: 'topk (sorted values)', f: (x) => weighted(tf.square(tf.topk(linear(x), 6).values)) },
  { ops: 'matMul, batchMatMul, transpose', f: (x) => tf.sum(tf.exp(tf.matMul(rows(x).reshape([2, 1, 3]), tf.transpose(rows(x)).reshape([2, 3, 1])))) },
  {
    ops: 'concat, stack, slice, reverse, reshape',
    f: (x) => {
      const u = linear(x);
      const mixed = tf.stack([u, tf.concat([u.slice(3), tf.reverse(u).slice(3)])]);
      return tf.sum(tf.mul(tf.tensor2d([W, W.slice().reverse()]), tf.tanh(mixed)));
    },
  },
  { ops: 'pad, tile', f: elementwise((u) => tf.sigmoid(tf.add(tf.pad(u.slice(1, 2), [[2, 2]]), tf.tile(u.slice(0, 3), [2])))) },
  { ops: 'squaredDifference, cumsum', f: elementwise((u) => tf.exp(tf.cumsum(tf.squaredDifference(u, tf.tensor1d(W))))) },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`second derivatives on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('the project gradients are the ones tfjs uses, and none reuses a saved output', () => {
      assert.ok(secondOrderGradientsInstalled());
      for (const config of SECOND_ORDER_GRADIENTS) {
        assert.equal(tf.getGradient(config.kernelName), config, config.kernelName);
      }
      for (const name of ['Exp', 'Sigmoid', 'Tanh', 'Softmax', 'Elu', 'Pow']) {
        assert.equal(tf.getGradient(name).outputsToSave, undefined, name);
      }
      installSecondOrderGradients(); // idempotent
      assert.ok(secondOrderGradientsInstalled());
    });

    for (const { ops, f } of CASES) {
      test(`Hessian through ${ops} equals finite differences`, () => {
        const x = tf.tensor1d(X0);
        const expected = finiteDifferenceHessian(f, x, 1e-2);
        const actual = autodiffHessian(f, x);
        x.dispose();
        const error = relativeError(actual, expected, 1e-3);
        assert.ok(error < 1e-3, `relative error ${error.toExponential(2)}`);
        assert.ok(expected.some((v) => Math.abs(v) > 1e-2), 'the Hessian must not be trivially zero');
      });
    }

    test('Hessians leak no tensors', () => {
      const x = tf.tensor1d(X0);
      const f = CASES.find((c) => c.ops === 'softmax, sum')!.f;
      autodiffHessian(f, x);
      const count = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) autodiffHessian(f, x);
      assert.equal(tf.memory().numTensors, count);
      x.dispose();
    });
  });
}

test('logSoftmax and logSigmoid equal the tfjs ops; a bad axis is a clear error', async () => {
  await initBackend('cpu');
  const x = tf.tensor2d([[1, 2, 3], [-40, 0, 40]]);
  tf.tidy(() => {
    assert.ok(relativeError(logSoftmax(x).dataSync(), tf.logSoftmax(x).dataSync()) < 1e-6);
    assert.ok(relativeError(logSoftmax(x, 0).dataSync(), tf.transpose(tf.logSoftmax(tf.transpose(x))).dataSync()) < 1e-6);
    assert.ok(relativeError(logSigmoid(x).dataSync(), tf.logSigmoid(x).dataSync()) < 1e-6);
  });
  assert.throws(() => logSoftmax(x, 2), /logSoftmax: axis must be an integer in \[-2, 1\] for a rank-2 x, got 2/);
  x.dispose();
});

test('guard: plain tfjs gets these Hessians wrong, the installed gradients get them right', () => {
  // A fresh process, so that tfjs starts with its own gradients.
  const script = `
    const tf = require('@tensorflow/tfjs');
    const fd = require('./src/analysis/finite-differences');
    const { installSecondOrderGradients } = require('./src/runtime/second-order-gradients');
    const cases = {
      exp: (x) => tf.sum(tf.exp(tf.mul(x, tf.tensor1d([1, -2])))),
      xexp: (x) => tf.sum(tf.mul(x, tf.exp(x))),
      tanh: (x) => tf.sum(tf.mul(x, tf.tanh(x))),
      clip: (x) => tf.sum(tf.square(tf.clipByValue(x, -1, 1))),
    };
    const errors = () => Object.fromEntries(Object.entries(cases).map(([name, f]) => {
      const x = tf.tensor1d([0.3, -0.2]);
      try { return [name, fd.relativeError(fd.autodiffHessian(f, x), fd.finiteDifferenceHessian(f, x))]; }
      catch (e) { return [name, 'throws']; }
    }));
    tf.setBackend('cpu').then(() => {
      const before = errors();
      installSecondOrderGradients();
      console.log(JSON.stringify({ before, after: errors() }));
    });`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
  });
  const { before: plain, after: fixed } = JSON.parse(output.trim().split('\n').pop()!) as Record<string, Record<string, number | 'throws'>>;
  assert.equal(plain.exp, 'throws');
  assert.equal(plain.clip, 'throws');
  assert.ok(typeof plain.xexp === 'number' && plain.xexp > 0.01, `x eˣ unpatched: ${plain.xexp}`);
  assert.ok(typeof plain.tanh === 'number' && plain.tanh > 0.01, `x tanh x unpatched: ${plain.tanh}`);
  for (const [name, error] of Object.entries(fixed)) {
    assert.ok(typeof error === 'number' && error < 1e-3, `${name} with the fix: ${error}`);
  }
});
