import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/index';
import { makeEvaluationSets } from '../../src/data/index';
import {
  resolveConfig,
  rankingExperiment,
  RankingTrainer,
  runExperiment,
  readCsv,
  readCheckpoint,
  RANKING_VARIANTS,
} from '../../src/experiments/index';

before(async () => {
  await initBackend('wasm');
});

const tempRoot = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'nl-ranking-'));

for (const variant of RANKING_VARIANTS) {
  test(`ranking smoke (${variant}): finishes in seconds, lowers the loss on a fixed batch, leaks no tensors`, async () => {
    const config = resolveConfig(rankingExperiment, { preset: 'smoke', variant, lr: 3e-3 });
    const trainer = new RankingTrainer(config);
    const fixed = makeEvaluationSets('validation', 16, config.n, 1, { downscale: config.downscale }).batch(0, 16);
    const before = trainer.batchLoss(fixed);
    trainer.step(1);
    const tensors = tf.memory().numTensors;
    for (let step = 2; step <= 40; step++) trainer.step(step);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks across steps');
    const after = trainer.batchLoss(fixed);
    assert.ok(after < before - 0.005, `loss on a fixed batch: ${before} → ${after}`);
    trainer.dispose();

    const started = performance.now();
    const outcome = await runExperiment(rankingExperiment, resolveConfig(rankingExperiment, { preset: 'smoke', variant }), { resultsRoot: tempRoot() });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(outcome.status, 'completed');
    assert.ok(seconds < 60, `smoke run took ${seconds.toFixed(1)} s`);
    const result = outcome.result!;
    for (const key of ['test_exact', 'test_elementwise', 'val_exact', 'val_elementwise']) {
      assert.ok((result[key] as number) >= 0 && (result[key] as number) <= 1, `${key} = ${result[key]}`);
    }
    const train = readCsv(path.join(outcome.dir, 'train.csv'));
    assert.equal(train.length, config.steps);
    const columns = variant === 'baseline' ? ['loss', 'grad_norm', 'newton_grad_norm'] : ['loss', 'newton_loss', 'grad_norm', 'newton_grad_norm', 'eig_min', 'eig_max', 'fallbacks'];
    for (const column of columns) assert.ok(train.every((row) => Number.isFinite(row[column] as number)), `train.csv column ${column}`);
    if (variant === 'baseline') assert.ok(train.every((row) => row.grad_norm === row.newton_grad_norm));
    else assert.ok(train.every((row) => (row.eig_min as number) >= config.lambda * (1 - 1e-6)), 'M + λI ⪰ λ for a PSD curvature');
  });
}

test('ranking: a killed-and-resumed run ends exactly like an uninterrupted one (every variant)', async () => {
  for (const variant of RANKING_VARIANTS) {
    const config = resolveConfig(rankingExperiment, { preset: 'smoke', variant, steps: 14, evalEvery: 5 });
    const straight = await runExperiment(rankingExperiment, config, { resultsRoot: tempRoot() });
    const root = tempRoot();
    const controller = new AbortController();
    const killed = await runExperiment(rankingExperiment, config, { resultsRoot: root, signal: controller.signal, onStep: (step) => step === 8 && controller.abort() });
    assert.equal(killed.status, 'interrupted');
    const resumed = await runExperiment(rankingExperiment, config, { resultsRoot: root });
    assert.equal(resumed.status, 'completed');
    const withoutTimes = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([key]) => !key.endsWith('_s')));
    assert.deepEqual(withoutTimes(resumed.result!), withoutTimes(straight.result!), variant);
    const log = (dir: string, file: string) => readCsv(path.join(dir, file)).map(withoutTimes);
    assert.deepEqual(log(resumed.dir, 'train.csv'), log(straight.dir, 'train.csv'), `${variant}: identical training logs`);
    assert.deepEqual(log(resumed.dir, 'eval.csv'), log(straight.dir, 'eval.csv'), `${variant}: identical evaluations`);
    const weights = (dir: string) => readCheckpoint(path.join(dir, 'checkpoint.bin')).tensors;
    const a = weights(resumed.dir);
    const b = weights(straight.dir);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const name of Object.keys(a)) assert.deepEqual(Array.from(a[name].values), Array.from(b[name].values), `${variant}: ${name} bit-identical`);
  }
});

test('ranking config: clear errors, baseline lambda normalised, readable run ids', () => {
  const baseline = resolveConfig(rankingExperiment, { preset: 'smoke', variant: 'baseline', lambda: 5 });
  assert.equal(baseline.lambda, 0);
  assert.match(rankingExperiment.runLabel(resolveConfig(rankingExperiment, { preset: 'quick', variant: 'hessian', lambda: 0.1, relaxation: 'logistic' })), /^logistic-n5-hessian-lam1e-1-quick-seed0$/);
  assert.throws(() => resolveConfig(rankingExperiment, { variant: 'fisher', lambda: 0 }), /ranking: option 'lambda' must be a finite number > 0, got 0/);
  assert.throws(() => resolveConfig(rankingExperiment, { relaxation: 'bubble' }), /ranking: option 'relaxation' must be one of neuralsort, softsort, logistic/);
  assert.throws(() => resolveConfig(rankingExperiment, { n: 1 }), /option 'n' must be an integer >= 2, got 1/);
  assert.throws(() => resolveConfig(rankingExperiment, { downscale: 3 }), /option 'downscale' must be one of 1, 2, 4, 7, got 3/);
});
