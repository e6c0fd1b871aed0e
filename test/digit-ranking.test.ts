import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, rankingMetrics } from '../src/index';
import { fourDigitTrainingBatch, fourDigitTrainingValues } from '../src/data/index';
import {
  resolveConfig,
  digitRankingExperiment,
  DigitRankingTrainer,
  runExperiment,
  readCsv,
  RANKING_VARIANTS,
} from '../src/experiments/index';
import { digitMlp, valueDigits } from '../src/models/index';

before(async () => {
  await initBackend('wasm');
});

test('valueDigits: most significant digit first; rejects values outside 0…9999 naming the index', () => {
  assert.deepEqual([...valueDigits([0, 9999, 1203, 45])], [0, 0, 0, 0, 9, 9, 9, 9, 1, 2, 0, 3, 0, 0, 4, 5]);
  assert.throws(() => valueDigits([3, 10000]), /values\[1\] must be an integer in \[0, 9999\], got 10000/);
  assert.throws(() => valueDigits([1.5]), /values\[0\]/);
});

test('fourDigitTrainingValues: the values of fourDigitTrainingBatch for the same seed and step, without pixels', () => {
  const options = { seed: 3, step: 17, batchSize: 6, setSize: 5 };
  assert.deepEqual([...fourDigitTrainingValues(options)], [...fourDigitTrainingBatch({ ...options, downscale: 7 }).values]);
  assert.notDeepEqual([...fourDigitTrainingValues(options)], [...fourDigitTrainingValues({ ...options, step: 18 })]);
});

test('DigitMlp: [B, n, 4] → [B, n]; can represent the perfect ranking (the value is linear in the one-hot digits)', () => {
  const model = digitMlp({ hidden: 4, seed: 1 });
  const values = [5, 9120, 33, 7001, 452, 8888];
  const digits = tf.tensor3d(valueDigits(values), [2, 3, 4], 'int32');
  assert.deepEqual(model.apply(digits).shape, [2, 3]);
  assert.throws(() => model.apply(tf.zeros([2, 3])), /digits must be \[B, n, 4\], got \[2,3\]/);
  // fc1 unit 0 = Σ_k 10^(3−k) digit_k (weights on the one-hot features), others off; fc2 passes unit 0.
  const kernel = new Float32Array(40 * 4);
  for (let k = 0; k < 4; k++) for (let d = 0; d < 10; d++) kernel[(k * 10 + d) * 4] = d * 10 ** (3 - k);
  const fc2 = new Float32Array(4);
  fc2[0] = 1;
  model.setWeights({ 'fc1/kernel': tf.tensor2d(kernel, [40, 4]), 'fc1/bias': tf.zeros([4]), 'fc2/kernel': tf.tensor2d(fc2, [4, 1]), 'fc2/bias': tf.zeros([1]) });
  const scores = model.apply(digits);
  assert.deepEqual([...scores.dataSync()], values);
  assert.equal(rankingMetrics(scores, tf.tensor2d(values, [2, 3])).exactMatch, 1);
  assert.throws(() => digitMlp({ hidden: 0 }), /hidden must be an integer ≥ 1, got 0/);
});

test('digit-ranking config: baseline λ → 0, indefinite → invert unless hessian; bad options name themselves', () => {
  assert.equal(resolveConfig(digitRankingExperiment, { variant: 'baseline', lambda: 3, indefinite: 'clip' }).lambda, 0);
  assert.equal(resolveConfig(digitRankingExperiment, { variant: 'fisher', indefinite: 'clip' }).indefinite, 'invert');
  assert.equal(resolveConfig(digitRankingExperiment, { variant: 'hessian', indefinite: 'clip' }).indefinite, 'clip');
  assert.throws(() => resolveConfig(digitRankingExperiment, { variant: 'hessian', lambda: -1 }), /option 'lambda' must be a finite number > 0, got -1/);
  assert.throws(() => resolveConfig(digitRankingExperiment, { n: 1 }), /option 'n' must be an integer >= 2, got 1/);
  assert.throws(() => resolveConfig(digitRankingExperiment, { width: 1 }), /unknown option 'width'/);
  assert.throws(() => resolveConfig(digitRankingExperiment, { seed: 2 ** 32 }), /option 'seed' must be an integer in \[0, 2\^32\), got 4294967296/);
  assert.throws(() => resolveConfig(digitRankingExperiment, { n: 1_000_000 }), /option 'n' = 1000000 cannot fit: the relaxed permutation matrices/);
});

for (const variant of RANKING_VARIANTS) {
  test(`digit-ranking (${variant}): learns to rank in a few hundred steps, leaks no tensors, stores and resumes`, async () => {
    const config = resolveConfig(digitRankingExperiment, { preset: 'smoke', variant, steps: 200, evalEvery: 100, valSets: 200, testSets: 200 });
    const trainer = new DigitRankingTrainer(config);
    const start = trainer.evaluate().val_exact;
    trainer.step(1);
    const tensors = tf.memory().numTensors;
    for (let step = 2; step <= config.steps; step++) trainer.step(step);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks across steps');
    const end = trainer.evaluate();
    trainer.dispose();
    assert.ok(end.val_exact > start + 0.3, `n = 5 exact match ${start} → ${end.val_exact} after ${config.steps} steps`);

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-digit-ranking-'));
    const smoke = resolveConfig(digitRankingExperiment, { preset: 'smoke', variant });
    const abort = new AbortController();
    const interrupted = await runExperiment(digitRankingExperiment, smoke, {
      resultsRoot: root,
      signal: abort.signal,
      onStep: (step) => step === 13 && abort.abort(),
    });
    assert.equal(interrupted.status, 'interrupted');
    const resumed = await runExperiment(digitRankingExperiment, smoke, { resultsRoot: root });
    const whole = await runExperiment(digitRankingExperiment, smoke, { resultsRoot: fs.mkdtempSync(path.join(os.tmpdir(), 'nl-digit-ranking-')) });
    const columns = (rows: Record<string, unknown>[]): unknown[] => rows.map(({ step_s: _s, train_s: _t, wall_s: _w, ...rest }) => rest);
    for (const file of ['train.csv', 'eval.csv']) {
      assert.deepEqual(columns(readCsv(path.join(resumed.dir, file))), columns(readCsv(path.join(whole.dir, file))), `${file}: resumed = uninterrupted`);
    }
  });
}
