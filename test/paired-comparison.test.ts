import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMeanInterval, pairedComparisons } from '../src/experiments/index';

test('bootstrapMeanInterval: the mean inside a reproducible interval within the data range; constant data give a point', () => {
  const values = [0.02, 0.05, -0.01, 0.04, 0.03];
  const a = bootstrapMeanInterval(values);
  assert.ok(Math.abs(a.mean - 0.026) < 1e-12);
  assert.ok(a.low <= a.mean && a.mean <= a.high && a.low >= -0.01 && a.high <= 0.05, JSON.stringify(a));
  assert.ok(a.low > 0, 'these differences are all but one positive: the interval excludes 0');
  assert.deepEqual(bootstrapMeanInterval(values), a, 'same seed, same interval');
  const many = Array.from({ length: 12 }, (_, i) => Math.sin(i * 7.3));
  assert.notDeepEqual(bootstrapMeanInterval(many, { seed: 1 }), bootstrapMeanInterval(many), 'the seed drives the resampling');
  assert.deepEqual(bootstrapMeanInterval([0.25, 0.25, 0.25]), { mean: 0.25, low: 0.25, high: 0.25 });
  const wide = bootstrapMeanInterval([-0.3, 0.4, -0.2, 0.5, 0.1]);
  assert.ok(wide.low < 0 && wide.high > 0, 'mixed signs: the interval contains 0');
  assert.throws(() => bootstrapMeanInterval([]), /values must not be empty/);
  assert.throws(() => bootstrapMeanInterval([1, NaN]), /values must be finite numbers, got \[1, NaN\]/);
  assert.throws(() => bootstrapMeanInterval([1], { level: 1 }), /level must be in \(0, 1\), got 1/);
});

test('pairedComparisons: pairs by seed within a cell, one row per method, leaves out unpaired seeds', () => {
  const row = (relaxation: string, variant: string, lambda: number, seed: number, test_exact: number) => ({ relaxation, variant, lambda, seed, test_exact });
  const rows = [
    row('neuralsort', 'baseline', 0, 0, 0.5),
    row('neuralsort', 'baseline', 0, 1, 0.7),
    row('neuralsort', 'baseline', 0, 2, 0.6),
    row('neuralsort', 'fisher', 0.1, 0, 0.55),
    row('neuralsort', 'fisher', 0.1, 1, 0.72),
    row('neuralsort', 'fisher', 0.1, 2, 0.68),
    row('neuralsort', 'fisher', 0.1, 9, 0.99),
    row('softsort', 'baseline', 0, 0, 0.9),
    row('softsort', 'fisher', 0.1, 0, 0.8),
  ];
  const out = pairedComparisons(rows, { metric: 'test_exact', cell: ['relaxation'], method: ['variant', 'lambda'], baseline: { variant: 'baseline' } });
  assert.equal(out.length, 2);
  const [ns, ss] = out;
  assert.deepEqual(ns.group, { relaxation: 'neuralsort', variant: 'fisher', lambda: 0.1 });
  assert.equal(ns.pairs, 3, 'seed 9 has no baseline');
  assert.ok(Math.abs(ns.difference - 0.05) < 1e-12, String(ns.difference));
  assert.ok(Math.abs(ns.baselineMean - 0.6) < 1e-12 && Math.abs(ns.methodMean - 0.65) < 1e-12);
  assert.equal(ns.better, 3);
  assert.ok(ns.low > 0);
  assert.equal(ss.pairs, 1);
  assert.ok(Math.abs(ss.difference + 0.1) < 1e-12);
  assert.equal(ss.worse, 1);
  assert.throws(
    () => pairedComparisons([...rows, row('neuralsort', 'fisher', 0.1, 1, 0.3)], { metric: 'test_exact', cell: ['relaxation'], method: ['variant', 'lambda'], baseline: { variant: 'baseline' } }),
    /two runs with seed = 1 in cell \["neuralsort"\]/,
  );
  assert.throws(() => pairedComparisons([{ seed: 0 }], { metric: 'test_exact', cell: [], method: [], baseline: {} }), /no column 'test_exact'/);
});
