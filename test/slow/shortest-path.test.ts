import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/index';
import {
  resolveConfig,
  runExperiment,
  readCsv,
  readRunStatus,
  shortestPathExperiment,
  ShortestPathTrainer,
  SHORTEST_PATH_METHODS,
  SHORTEST_PATH_NEWTON_SETTINGS,
  isRelaxedMethod,
  type ShortestPathConfig,
} from '../../src/experiments/index';

before(async () => {
  await initBackend('wasm');
});

const withoutTimes = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !/_s$/.test(key))));

for (const method of SHORTEST_PATH_METHODS) {
  const variants = isRelaxedMethod(method) ? ['baseline', 'fisher'] : ['baseline', 'hessian', 'fisher'];

  test(`${method}: every variant lowers the loss on a fixed batch and leaks no tensors`, () => {
    for (const variant of variants) {
      // One batch of 8 maps seen at every step (trainMaps = batchSize): the logged loss L must fall.
      const newton = variant === 'baseline' ? {} : SHORTEST_PATH_NEWTON_SETTINGS[method][variant as 'hessian' | 'fisher'];
      const config = resolveConfig(shortestPathExperiment, { preset: 'smoke', method, variant, ...newton, trainMaps: 8, batchSize: 8, epochs: 25, lr: 1e-3 });
      const trainer = ShortestPathTrainer.create(config);
      try {
        const losses: number[] = [];
        let tensors = 0;
        for (let step = 1; step <= 25; step++) {
          const row = trainer.step(step);
          for (const [key, value] of Object.entries(row)) assert.ok(Number.isFinite(value), `${variant} step ${step}: ${key} = ${value}`);
          losses.push(row.loss);
          if (step === 2) tensors = tf.memory().numTensors;
        }
        assert.equal(tf.memory().numTensors, tensors, `${variant}: tensors after step 2 and step 25`);
        const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
        const [first, last] = [mean(losses.slice(0, 3)), mean(losses.slice(-3))];
        assert.ok(last < first, `${variant}: loss ${first} (steps 1-3) → ${last} (steps 23-25)`);
      } finally {
        trainer.dispose();
      }
    }
  });

  test(`${method}: a smoke run finishes in seconds, and a killed-and-resumed run equals an uninterrupted one`, async () => {
    const variant = isRelaxedMethod(method) ? 'fisher' : 'hessian';
    const config: ShortestPathConfig = resolveConfig(shortestPathExperiment, { preset: 'smoke', method, variant, lambda: 0.5 });
    const steps = shortestPathExperiment.schedule(config).steps;
    const straightRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-sp-straight-'));
    const started = performance.now();
    const straight = await runExperiment(shortestPathExperiment, config, { resultsRoot: straightRoot });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(straight.status, 'completed');
    assert.ok(seconds < 30, `smoke run took ${seconds.toFixed(1)} s`);

    const resumedRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-sp-resumed-'));
    const controller = new AbortController();
    const killAt = steps - 2; // after the checkpoint of epoch 1, before the end
    const interrupted = await runExperiment(shortestPathExperiment, config, {
      resultsRoot: resumedRoot,
      signal: controller.signal,
      onStep: (step) => step === killAt && controller.abort(),
    });
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(readRunStatus(interrupted.dir)?.state, 'interrupted');
    const resumed = await runExperiment(shortestPathExperiment, config, { resultsRoot: resumedRoot });
    assert.equal(resumed.status, 'completed');
    for (const log of ['train.csv', 'eval.csv']) {
      assert.deepEqual(withoutTimes(readCsv(path.join(resumed.dir, log))), withoutTimes(readCsv(path.join(straight.dir, log))), log);
    }
    assert.deepEqual(withoutTimes([resumed.result!]), withoutTimes([straight.result!]));
    const evals = readCsv(path.join(straight.dir, 'eval.csv'));
    assert.deepEqual(evals.map((row) => row.step), [0, steps / 2, steps], 'evaluated at step 0 and after every epoch');
    for (const key of ['val_match', 'val_optimal', 'val_cost_ratio', 'test_match', 'test_optimal', 'test_cost_ratio']) assert.ok(key in evals[0], key);
    const train = readCsv(path.join(straight.dir, 'train.csv'));
    for (const key of ['loss', 'newton_loss', 'grad_norm', 'newton_grad_norm', 'eig_min', 'eig_max', 'condition', 'fallbacks']) assert.ok(key in train[0], key);
    assert.ok(train.every((row) => (row.eig_min as number) <= (row.eig_max as number) && (row.newton_grad_norm as number) > 0));
  });
}
