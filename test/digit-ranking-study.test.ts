import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  selectOnValidation,
  DIGIT_RANKING_STUDIES,
  digitRankingSelectionConfigs,
  digitRankingSelections,
  digitRankingFinalConfigs,
  digitRankingComparisons,
  digitRankingExperiment,
  runId,
  type CsvRow,
} from '../src/experiments/index';
import { intervalFigure } from '../src/viz/index';

test('selectOnValidation: best mean per cell, a NaN mean never wins, missing columns are named', () => {
  const rows = [
    { cell: 'a', lambda: 1, seed: 0, val: 0.5 },
    { cell: 'a', lambda: 1, seed: 1, val: 0.7 },
    { cell: 'a', lambda: 2, seed: 0, val: 0.8 },
    { cell: 'a', lambda: 2, seed: 1, val: 0.3 },
    { cell: 'b', lambda: 1, seed: 0, val: NaN },
    { cell: 'b', lambda: 3, seed: 0, val: 0.1 },
  ];
  const chosen = selectOnValidation(rows, { metric: 'val', cell: ['cell'], candidates: ['lambda'] });
  assert.deepEqual(chosen.map((s) => s.group), [{ cell: 'a', lambda: 1 }, { cell: 'b', lambda: 3 }]);
  assert.equal(chosen[0].runs, 2);
  assert.equal(chosen[0].compared, 2);
  assert.ok(Math.abs(chosen[0].value - 0.6) < 1e-12);
  assert.deepEqual(selectOnValidation(rows, { metric: 'val', mode: 'min', cell: ['cell'], candidates: ['lambda'] })[0].group, { cell: 'a', lambda: 2 });
  assert.throws(() => selectOnValidation(rows, { metric: 'test', cell: ['cell'], candidates: ['lambda'] }), /no column 'test'/);
});

/** Finished-run rows of `configs` whose validation/test exact match is `score(config)`. */
const fakeResults = (configs: CsvRow[], score: (c: CsvRow) => number): CsvRow[] =>
  configs.map((c) => ({ run_id: runId(digitRankingExperiment, c as never), ...c, val_exact: score(c), test_exact: score(c) }));

test('digit-ranking study: baselines on every seed, candidates on the selection seeds, the choice on validation on every seed, larger n', () => {
  const study = DIGIT_RANKING_STUDIES.smoke;
  const stage1 = digitRankingSelectionConfigs(study);
  assert.equal(stage1.filter((c) => c.variant === 'baseline').length, study.relaxations.length * study.n.length * study.seeds.length);
  assert.ok(stage1.filter((c) => c.variant !== 'baseline').every((c) => study.selectionSeeds.includes(c.seed)));
  assert.equal(new Set(stage1.map((c) => runId(digitRankingExperiment, c))).size, stage1.length, 'no run twice');
  // neuralsort hessian: λ = 1 better on validation; logistic hessian: 'clip' better.
  const score = (c: CsvRow): number => 0.5 + (c.lambda === 1 ? 0.1 : 0) + (c.indefinite === 'clip' ? 0.2 : 0) + 0.01 * Number(c.seed);
  const results = fakeResults(stage1, score);
  const chosen = digitRankingSelections(study, results);
  const group = (relaxation: string, variant: string) => chosen.find((s) => s.group.relaxation === relaxation && s.group.variant === variant)?.group;
  assert.deepEqual(group('neuralsort', 'hessian'), { relaxation: 'neuralsort', n: 5, variant: 'hessian', lambda: 1, indefinite: 'invert' });
  assert.deepEqual(group('logistic', 'hessian'), { relaxation: 'logistic', n: 5, variant: 'hessian', lambda: 1, indefinite: 'clip' });
  const finals = digitRankingFinalConfigs(study, chosen);
  const has = (o: Partial<CsvRow>) => finals.some((c: Record<string, unknown>) => Object.entries(o).every(([k, v]) => c[k] === v));
  for (const seed of study.seeds) {
    assert.ok(has({ relaxation: 'neuralsort', n: 5, variant: 'hessian', lambda: 1, seed }), `chosen setting, seed ${seed}`);
    assert.ok(has({ relaxation: 'logistic', n: 8, variant: 'baseline', seed }), `larger n baseline, seed ${seed}`);
    assert.ok(has({ relaxation: 'neuralsort', n: 5, variant: 'baseline', seed }), `baseline of the full comparison, seed ${seed}`);
    assert.ok(has({ relaxation: 'neuralsort', n: 8, variant: 'hessian', lambda: 1, seed }), `larger n, NeuralSort Hessian, seed ${seed}`);
    assert.ok(has({ relaxation: 'logistic', n: 8, variant: 'fisher', seed }), `larger n, network Fisher, seed ${seed}`);
  }
  assert.ok(!has({ relaxation: 'logistic', n: 8, variant: 'hessian' }), "the sorting networks' Hessian is left out at larger n");
  assert.ok(!has({ relaxation: 'neuralsort', n: 5, variant: 'hessian', lambda: 0.01 }), 'the losing candidate is not run on more seeds');

  const all = [...new Map([...stage1, ...finals].map((c) => [runId(digitRankingExperiment, c), c])).values()];
  const comparisons = digitRankingComparisons(study, fakeResults(all, score));
  const ns = comparisons.find((c) => c.relaxation === 'neuralsort' && c.n === 5 && c.variant === 'hessian')!;
  assert.equal(ns.seeds, study.seeds.length);
  assert.ok(Math.abs(ns.difference - 0.1) < 1e-12, `paired difference ${ns.difference}`);
  assert.ok(ns.low > 0 && ns.better === study.seeds.length);
  assert.ok(Math.abs(ns.baselineStd - Math.sqrt(0.00005)) < 1e-9, `std over seeds 0, 1: ${ns.baselineStd}`);
});

test('intervalFigure: one marker per estimate with asymmetric error bars, rows in the given order, a reference line', () => {
  const figure = intervalFigure([{ name: 'hessian', intervals: [{ label: 'a', estimate: 1, low: 0.5, high: 3 }, { label: 'b', estimate: -1, low: -2, high: 0 }] }], { xTitle: 'Δ' });
  const [trace] = figure.data as Record<string, any>[];
  assert.deepEqual(trace.x, [1, -1]);
  assert.deepEqual(trace.error_x.array, [2, 1]);
  assert.deepEqual(trace.error_x.arrayminus, [0.5, 1]);
  assert.deepEqual((figure.layout.yaxis as Record<string, unknown>).categoryarray, ['b', 'a'], 'first label at the top');
  assert.equal((figure.layout.shapes as Record<string, unknown>[])[0].x0, 0);
  assert.equal(((figure.layout.xaxis as Record<string, any>).title).text, 'Δ');
});
