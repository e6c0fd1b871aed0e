import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, makeRelaxation } from '../src/index';
import { linearRankingCeiling, trainLinearRanking } from '../src/experiments/index';

before(async () => {
  await initBackend('wasm');
});

const small = { steps: 30, evalEvery: 10, testSets: 200 };
const neuralSort = makeRelaxation('neuralsort', { tau: 1 });

test('trainLinearRanking: learns the order, same seed same numbers, no tensor left behind', () => {
  const before = tf.memory().numTensors;
  const baseline = trainLinearRanking(neuralSort, undefined, 0, small);
  const again = trainLinearRanking(neuralSort, undefined, 0, small);
  const fisher = trainLinearRanking(neuralSort, { variant: 'fisher', lambda: 0.01 }, 0, small);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(again.losses, baseline.losses);
  assert.equal(baseline.losses.length, 30);
  assert.deepEqual(baseline.evalSteps, [0, 10, 20, 30]);
  assert.equal(baseline.exactMatch.length, 4);
  assert.equal(baseline.exactMatch[3], baseline.final.exactMatch);
  assert.ok(baseline.final.exactMatch > baseline.exactMatch[0] + 0.2, `exact match ${baseline.exactMatch[0]} → ${baseline.final.exactMatch}`);
  assert.ok(baseline.alignment > 0.9 && baseline.alignment <= 1, `cos(w, w*) = ${baseline.alignment}`);
  assert.notDeepEqual(fisher.losses, baseline.losses, 'the Newton loss trains differently');
  assert.ok(Number.isFinite(baseline.msPerStep));
});

test('linearRankingCeiling: without noise the true w* ranks every set right; bad options are refused quoting them', () => {
  assert.equal(linearRankingCeiling(0, { noise: 0, testSets: 100 }).exactMatch, 1);
  assert.ok(linearRankingCeiling(0, { testSets: 200 }).exactMatch < 1, 'noise swaps near-tied items');
  assert.throws(() => trainLinearRanking(neuralSort, undefined, 0, { steps: 0 }), /trainLinearRanking: option 'steps' must be an integer >= 1, got 0/);
  assert.throws(() => trainLinearRanking(neuralSort, undefined, 0, { setSize: 1 }), /option 'setSize' must be an integer >= 2, got 1/);
  assert.throws(() => trainLinearRanking(neuralSort, undefined, 0, { noise: -1 }), /option 'noise' must be a finite number >= 0, got -1/);
});
