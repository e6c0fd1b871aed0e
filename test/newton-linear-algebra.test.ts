import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choleskyFactor, choleskySolveRows, symmetricEigen } from '../src/newton/linear-algebra';
import { solveShifted } from '../src/newton/shifted-solve';
import { Rng } from '../src/index';
import { relativeError } from '../src/analysis/index';

/** Asserts relativeError(actual, expected) < tolerance, reporting the error. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = ''): void {
  const error = relativeError(actual, expected);
  assert.ok(error < tolerance, `${what} relative error ${error.toExponential(2)} ≥ ${tolerance}`);
}

/** A random symmetric matrix with the given eigenvalues: Q diag(values) Qᵀ, Q from Gram–Schmidt. */
function symmetricWithEigenvalues(values: number[], rng: Rng): Float64Array {
  const m = values.length;
  const q = rng.fillNormal(new Float64Array(m * m));
  for (let j = 0; j < m; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * m + j] * q[i * m + p];
      for (let i = 0; i < m; i++) q[i * m + j] -= dot * q[i * m + p];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * m + j] ** 2;
    for (let i = 0; i < m; i++) q[i * m + j] /= Math.sqrt(norm);
  }
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += q[i * m + k] * values[k] * q[j * m + k];
      a[i * m + j] = sum;
    }
  }
  return a;
}

function multiply(a: Float64Array, m: number, x: Float64Array): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) out[i] += a[i * m + k] * x[k];
  return out;
}

test('Cholesky solves a positive definite system and refuses an indefinite one', () => {
  const rng = new Rng(1);
  const m = 7;
  const a = symmetricWithEigenvalues([0.1, 0.5, 1, 2, 3, 10, 40], rng);
  const x = rng.fillNormal(new Float64Array(m));
  const rows = new Float64Array([...multiply(a, m, x), ...multiply(a, m, x.map((v) => 2 * v))]);
  const factor = choleskyFactor(a, m);
  assert.ok(factor, 'positive definite: a factor');
  choleskySolveRows(factor, m, rows);
  assertClose(rows.subarray(0, m), x, 1e-12);
  assertClose(rows.subarray(m), x.map((v) => 2 * v), 1e-12);
  assert.equal(choleskyFactor(symmetricWithEigenvalues([-0.1, 1, 2], rng), 3), null);
  assert.equal(choleskyFactor(a, m, 0.2), null, 'a pivot below the margin fails');
});

test('Jacobi eigen-decomposition recovers eigenvalues and an orthonormal basis', () => {
  const rng = new Rng(2);
  for (const values of [[3, -1, 0, 2e-9, 5], Array.from({ length: 20 }, (_, i) => (i - 7) * 0.37)]) {
    const m = values.length;
    const a = symmetricWithEigenvalues(values, rng);
    const eig = symmetricEigen(a, m);
    const sorted = Array.from(eig.values).sort((p, q) => p - q);
    assertClose(sorted, [...values].sort((p, q) => p - q), 1e-12);
    for (let j = 0; j < m; j++) {
      const v = Float64Array.from({ length: m }, (_, i) => eig.vectors[i * m + j]);
      const av = multiply(a, m, v);
      assert.ok(relativeError(av, v.map((x) => x * eig.values[j]), 1) < 1e-12, 'A v = μ v');
    }
  }
});

test('symmetricEigen rejects a wrong size or non-finite entries', () => {
  assert.throws(() => symmetricEigen(new Float64Array(5), 2), /symmetricEigen: a must hold an m × m matrix \(m = 2: length 4\), got length 5/);
  assert.throws(() => symmetricEigen(Float64Array.from([1, 0, 0, NaN]), 2), /symmetricEigen: a must be finite, got NaN at a\[1\]\[1\]/);
});

test("solveShifted: 'invert' is the exact inverse, positive definite or indefinite", () => {
  const rng = new Rng(3);
  const lambda = 0.1;
  for (const [values, positiveDefinite] of [
    [[0, 0.5, 2, 7], true],
    [[-3, -0.5, 1, 4], false],
  ] as const) {
    const m = values.length;
    const matrix = symmetricWithEigenvalues([...values], rng);
    const x = rng.fillNormal(new Float64Array(m));
    const shifted = Float64Array.from(matrix);
    for (let i = 0; i < m; i++) shifted[i * m + i] += lambda;
    const rows = multiply(shifted, m, x);
    const report = solveShifted(matrix, m, lambda, rows, 'invert', true);
    assertClose(rows, x, 1e-10);
    assert.equal(report.positiveDefinite, positiveDefinite);
    assert.equal(report.changedEigenvalues, false);
    assertClose([report.eigenvalueMin, report.eigenvalueMax], [Math.min(...values) + lambda, Math.max(...values) + lambda], 1e-10, 'eigenvalue range');
  }
});

test('solveShifted: a singular M + λI falls back to λ on the null space, finite; clip projects M onto the PSD cone', () => {
  const rng = new Rng(4);
  const lambda = 0.5;
  // M has the eigenvalue -λ exactly: M + λI is singular.
  const matrix = symmetricWithEigenvalues([-0.5, -2, 1, 3], rng);
  const eig = symmetricEigen(matrix, 4);
  const b = rng.fillNormal(new Float64Array(4));
  const solveWith = (policy: 'invert' | 'clip', adjust: (mu: number) => number): void => {
    const rows = Float64Array.from(b);
    const report = solveShifted(matrix, 4, lambda, rows, policy, false);
    assert.ok(rows.every(Number.isFinite), 'finite solution');
    assert.equal(report.changedEigenvalues, true);
    assert.equal(report.positiveDefinite, false);
    // expected: V diag(1 / adjust(μ + λ)) Vᵀ b
    const expected = new Float64Array(4);
    for (let k = 0; k < 4; k++) {
      let dot = 0;
      for (let i = 0; i < 4; i++) dot += eig.vectors[i * 4 + k] * b[i];
      for (let i = 0; i < 4; i++) expected[i] += (eig.vectors[i * 4 + k] * dot) / adjust(eig.values[k] + lambda);
    }
    assertClose(rows, expected, 1e-9, policy);
  };
  solveWith('invert', (mu) => (Math.abs(mu) < 1e-3 * lambda ? lambda : mu));
  solveWith('clip', (mu) => Math.max(mu, lambda));
});

test("solveShifted: 'clip' leaves a positive semidefinite M alone (Cholesky path)", () => {
  const rng = new Rng(5);
  const matrix = symmetricWithEigenvalues([0, 1, 2], rng);
  const rows = Float64Array.from([1, 2, 3]);
  const reference = Float64Array.from(rows);
  const a = solveShifted(matrix, 3, 0.2, rows, 'clip', false);
  const b = solveShifted(matrix, 3, 0.2, reference, 'invert', false);
  assert.ok(a.positiveDefinite && b.positiveDefinite, 'both on the Cholesky path');
  assertClose(rows, reference, 1e-12);
  assert.ok(Number.isNaN(a.eigenvalueMin), 'spectrum not requested');
});
