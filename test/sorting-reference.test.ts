import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  groundTruthPermutation,
  rankingLoss,
  rankingLossPerSample,
  perSampleGradients,
  perSampleHessians,
  newtonTarget,
} from '../src/index';
import { relativeError } from '../src/analysis/index';
import { SORTING_CASES, caseLabel, relaxationOf } from './sorting-helpers';

// Ground truth: float64 from diffsort / difftopk + torch BCELoss (test/reference/sorting.json).
// Values within 1e-4 relative, first and second derivatives (autodiff, float32) within 1e-3.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`sorting relaxations match the reference on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('the reference covers every method, sigmoid and network', () => {
      const labels = SORTING_CASES.map(caseLabel).join(' | ');
      for (const name of ['neuralsort', 'softsort', 'logistic ', 'logistic_phi', 'cauchy', 'reciprocal', 'optimal', 'gaussian', 'bitonic', 'odd_even']) {
        assert.ok(labels.includes(name), `no case for ${name}`);
      }
    });

    for (const c of SORTING_CASES) {
      test(`${caseLabel(c)}: P, sorted values, ground truth and per-sample loss`, () => {
        tf.tidy(() => {
          const x = tf.tensor2d(c.x);
          const groundTruth = groundTruthPermutation(tf.tensor2d(c.targets));
          assert.deepEqual(Array.from(groundTruth.dataSync()), c.perm_gt.flat(2));
          const { permutation, sorted } = relaxationOf(c)(x);
          assert.deepEqual(permutation.shape, [c.x.length, c.n, c.n]);
          assert.ok(relativeError(permutation.dataSync(), c.P.flat(2)) < 1e-4, 'P');
          if (c.sorted) {
            assert.ok(sorted, 'a sorting network returns sorted values');
            assert.ok(relativeError(sorted.dataSync(), c.sorted.flat()) < 1e-4, 'sorted');
          }
          const loss = rankingLoss(permutation, groundTruth);
          assert.deepEqual(loss.shape, [c.x.length]);
          assert.ok(relativeError(loss.dataSync(), c.loss_per_sample) < 1e-4, 'loss');
        });
      });

      test(`${caseLabel(c)}: per-sample gradients, Hessians and Newton targets`, () => {
        const x = tf.tensor2d(c.x);
        const targets = tf.tensor2d(c.targets);
        const loss = rankingLossPerSample((s) => relaxationOf(c)(s).permutation, targets);
        const gradients = perSampleGradients(x, loss);
        assert.ok(relativeError(gradients.dataSync(), c.grad_per_sample.flat()) < 1e-3, 'gradients');
        const hessians = perSampleHessians(x, loss);
        const n = c.n;
        const values = hessians.dataSync();
        for (let b = 0; b < c.x.length; b++) {
          const error = relativeError(values.subarray(b * n * n, (b + 1) * n * n), c.hessian_per_sample[b].flat());
          assert.ok(error < 1e-3, `Hessian of sample ${b}: relative error ${error.toExponential(2)}`);
        }
        for (const variant of ['hessian', 'fisher'] as const) {
          const target = newtonTarget(x, loss, { variant, lambda: c.tikhonov });
          const expected = variant === 'hessian' ? c.newton_target_hessian : c.newton_target_fisher;
          const error = relativeError(target.dataSync(), expected.flat());
          assert.ok(error < 1e-3, `Newton target (${variant}): relative error ${error.toExponential(2)}`);
          target.dispose();
        }
        tf.dispose([x, targets, gradients, hessians]);
      });
    }
  });
}
