// Newton targets against the float64 reference (test/reference/sorting.json, README
// and generator: test/reference/README.md): newton_target_hessian = x_i − (mean_b H_b + λI)⁻¹ g_i and
// newton_target_fisher = x_i − (mean_b g_b g_bᵀ + λI)⁻¹ g_i, from the reference's own per-sample
// gradients and Hessians. Nine of the fourteen cases (sorting networks) have an indefinite
// mean Hessian + λI: the default policy 'invert' must reproduce the reference's exact inverse.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, newtonStep, newtonTarget, givenCurvature, type NewtonOptions } from '../src/index';
import { relativeError } from '../src/analysis/index';

interface ReferenceCase {
  method: string;
  n: number;
  params: Record<string, unknown>;
  x: number[][];
  grad_per_sample: number[][];
  hessian_per_sample: number[][][];
  tikhonov: number;
  newton_target_hessian: number[][];
  newton_target_fisher: number[][];
}

const cases = (
  JSON.parse(fs.readFileSync(join(__dirname, 'reference', 'sorting.json'), 'utf8')) as { cases: ReferenceCase[] }
).cases;

const label = (c: ReferenceCase): string => `${c.method} n=${c.n} ${JSON.stringify(c.params)}`;

before(async () => {
  await initBackend('wasm');
});

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  const error = relativeError(actual, expected);
  assert.ok(error < tolerance, `${what}: relative error ${error.toExponential(2)} ≥ ${tolerance}`);
}

test('the reference has the cases this file relies on', () => {
  assert.equal(cases.length, 14);
  assert.ok(cases.every((c) => c.tikhonov > 0 && c.x.length === c.grad_per_sample.length));
});

test('Hessian and Fisher Newton targets from float64 curvature match the reference to 1e-5', () => {
  let indefinite = 0;
  for (const c of cases) {
    const x = tf.tensor2d(c.x);
    const estimate = { gradients: c.grad_per_sample, hessians: c.hessian_per_sample };
    for (const [variant, expected] of [
      ['hessian', c.newton_target_hessian],
      ['fisher', c.newton_target_fisher],
    ] as const) {
      const step = newtonStep(x, givenCurvature(estimate), { variant, lambda: c.tikhonov });
      assertClose(step.target.dataSync(), expected.flat(), 1e-5, `${variant} ${label(c)}`);
      assert.equal(step.diagnostics.fallbacks, 0, `${variant} ${label(c)}: no eigenvalue changed`);
      if (variant === 'hessian' && step.diagnostics.eigenvalueMin < 0) indefinite++;
      tf.dispose([step.loss, step.target]);
    }
    x.dispose();
  }
  assert.equal(indefinite, 9, 'the sorting-network cases exercise the indefinite path');
});

test('the same from float32 tensors (as a relaxation would supply them) match to 1e-4', () => {
  for (const c of cases) {
    const x = tf.tensor2d(c.x);
    const gradients = tf.tensor2d(c.grad_per_sample);
    const hessians = tf.tensor3d(c.hessian_per_sample);
    const options: NewtonOptions = { variant: 'hessian', lambda: c.tikhonov };
    const hessian = newtonTarget(x, givenCurvature({ gradients, hessians }), options);
    const fisher = newtonTarget(x, givenCurvature({ gradients }), { variant: 'fisher', lambda: c.tikhonov });
    assertClose(hessian.dataSync(), c.newton_target_hessian.flat(), 1e-4, `hessian ${label(c)}`);
    assertClose(fisher.dataSync(), c.newton_target_fisher.flat(), 1e-4, `fisher ${label(c)}`);
    tf.dispose([x, gradients, hessians, hessian, fisher]);
  }
});
