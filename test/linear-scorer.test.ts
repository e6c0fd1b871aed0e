import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, makeRelaxation } from '../src/index';
import { trainLinearScorer } from '../src/explore/index';

before(async () => {
  await initBackend('wasm');
});

const neuralSort = makeRelaxation('neuralsort', { tau: 1 });
const small = { relaxation: neuralSort, steps: 30, evalEvery: 10, testSets: 200 };

test('trainLinearScorer: learns the order, same seed same numbers, no tensor left behind', () => {
  const before = tf.memory().numTensors;
  const baseline = trainLinearScorer(small);
  const again = trainLinearScorer(small);
  const fisher = trainLinearScorer({ ...small, newton: { variant: 'fisher', lambda: 0.01 } });
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

test('trainLinearScorer: the noise ceiling is 100% without noise and below it with noise; bad options are refused quoting them', () => {
  const tiny = { ...small, steps: 1, evalEvery: 1 };
  assert.equal(trainLinearScorer({ ...tiny, noise: 0 }).ceiling.exactMatch, 1);
  assert.ok(trainLinearScorer(tiny).ceiling.exactMatch < 1, 'noise swaps near-tied items');
  assert.throws(() => trainLinearScorer({ ...small, steps: 0 }), /trainLinearScorer: options.steps must be an integer ≥ 1, got 0/);
  assert.throws(() => trainLinearScorer({ ...small, evalEvery: 1.5 }), /options.evalEvery must be an integer ≥ 1, got 1.5/);
  assert.throws(() => trainLinearScorer({ ...small, setSize: 1 }), /LinearScorerRun: options.setSize must be an integer ≥ 2, got 1/);
  assert.throws(() => trainLinearScorer({ ...small, noise: -1 }), /options.noise must be a finite number ≥ 0, got -1/);
});
