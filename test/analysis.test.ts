import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spectrum, spectralApply, dot, norm, cosine, linspace, meanAndSpread, windowedMeans } from '../src/analysis/index';

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-12): void => {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < actual.length; k++) assert.ok(Math.abs(actual[k] - expected[k]) <= tolerance, `entry ${k}: ${actual[k]} vs ${expected[k]}`);
};

test('spectrum: ascending eigenvalues with unit eigenvectors that satisfy A v = μ v', () => {
  // [[2, 1, 0], [1, 2, 0], [0, 0, -1]]: eigenvalues -1, 1, 3.
  const a = [2, 1, 0, 1, 2, 0, 0, 0, -1];
  const { values, vectors } = spectrum(a, 3);
  close(values, [-1, 1, 3]);
  vectors.forEach((v, k) => {
    assert.ok(Math.abs(norm(v) - 1) < 1e-12);
    const av = [0, 1, 2].map((i) => dot(a.slice(3 * i, 3 * i + 3), v));
    close(av, v.map((x) => values[k] * x));
  });
  assert.throws(() => spectrum([1, 2, 3], 2), /spectrum: matrix must hold m² = 4 entries, got 3/);
  assert.throws(() => spectrum([1], 0.5), /spectrum: m must be a positive integer, got 0.5/);
});

test('spectralApply: 1/(μ + λ) solves (A + λI) d = b row by row; the pseudo-inverse drops the null direction', () => {
  const a = [2, 1, 1, 2]; // eigenvalues 1, 3
  const lambda = 0.5;
  const rows = [1, 0, 0.3, -2];
  const d = spectralApply(a, 2, (mu) => 1 / (mu + lambda), rows);
  for (const r of [0, 1]) {
    const [d0, d1] = [d[2 * r], d[2 * r + 1]];
    close([(a[0] + lambda) * d0 + a[1] * d1, a[2] * d0 + (a[3] + lambda) * d1], rows.slice(2 * r, 2 * r + 2), 1e-12);
  }
  const singular = [1, -1, -1, 1]; // null direction (1, 1)/√2
  const pinv = spectralApply(singular, 2, (mu) => (Math.abs(mu) > 1e-9 ? 1 / mu : 0), [1, 1, 1, 0]);
  close(pinv.slice(0, 2), [0, 0]);
  close(pinv.slice(2), [0.25, -0.25]);
  assert.throws(() => spectralApply(a, 2, (mu) => mu, [1, 2, 3]), /spectralApply: rows must hold a multiple of m = 2 numbers, got 3/);
});

test('dot, norm, cosine', () => {
  assert.equal(dot([1, 2, 3], [4, 5, 6]), 32);
  assert.equal(norm([3, 4]), 5);
  assert.ok(Math.abs(cosine([1, 0], [1, 1]) - Math.SQRT1_2) < 1e-15);
  assert.ok(Math.abs(cosine([1, 2], [-2, -4]) + 1) < 1e-15);
  assert.ok(Number.isNaN(cosine([0, 0], [1, 1])));
  assert.throws(() => dot([1], [1, 2]), /dot: a and b must have the same length, got 1 and 2/);
});

test('linspace: both ends included, evenly spaced', () => {
  assert.deepEqual(linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
  assert.equal(linspace(-4, 4, 161)[160], 4);
  assert.throws(() => linspace(0, 1, 1), /linspace: count must be an integer >= 2, got 1/);
});

test('meanAndSpread: point-wise mean and population std over runs; windowedMeans: window means with a short last window', () => {
  const { mean, spread } = meanAndSpread([[1, 2, 3], [3, 2, 1]]);
  assert.deepEqual(mean, [2, 2, 2]);
  assert.deepEqual(spread, [1, 0, 1]);
  assert.throws(() => meanAndSpread([]), /meanAndSpread: runs must hold at least one run, got none/);
  assert.throws(() => meanAndSpread([[1, 2], [1]]), /every run must have the same length, got 2 and 1/);
  assert.deepEqual(windowedMeans([1, 3, 5, 7, 10], 2), [2, 6, 10]);
  assert.throws(() => windowedMeans([1], 0), /windowedMeans: width must be a positive integer, got 0/);
});
