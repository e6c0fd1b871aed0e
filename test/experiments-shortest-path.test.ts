import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, dijkstraBatch, givenCurvature, newtonTarget, Rng } from '../src/index';
import { relativeError } from '../src/analysis/index';
import {
  resolveConfig,
  runId,
  getExperiment,
  listExperiments,
  shortestPathExperiment,
  ShortestPathTrainer,
  SHORTEST_PATH_PRESETS,
  SHORTEST_PATH_METHODS,
  assembleBatch,
  type RunConfig,
  type ShortestPathConfig,
} from '../src/experiments/index';
import { main } from '../src/cli';

before(async () => {
  await initBackend('wasm');
});

/** The smoke config with `overrides`, which may be wrong: like the CLI's, they are checked at run time. */
const smoke = (overrides: Partial<RunConfig> = {}): ShortestPathConfig =>
  resolveConfig(shortestPathExperiment, { preset: 'smoke', ...overrides });

function capture(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (t: string) => ((stdout += t), true) }, stderr: { write: (t: string) => ((stderr += t), true) } },
    out: () => stdout,
    err: () => stderr,
  };
}

test('shortest-path config: presets are complete and unused options are normalised away', () => {
  assert.ok(listExperiments().includes('shortest-path'));
  assert.equal(getExperiment('shortest-path'), shortestPathExperiment);
  const paper = resolveConfig(shortestPathExperiment, { preset: 'paper' });
  assert.deepEqual([paper.trainMaps, paper.valMaps, paper.testMaps, paper.batchSize, paper.epochs, paper.width, paper.lr], [10_000, 1000, 1000, 70, 50, 1, 5e-4]);
  const baseline = smoke({ method: 'ss-loss', lambda: 3 });
  assert.equal(baseline.lambda, 0, 'the baseline has no λ');
  assert.deepEqual([baseline.beta, baseline.nIter], [0, 0], 'stochastic methods have no β / iterations');
  const relaxed = smoke({ method: 'rbf-while-l2', variant: 'fisher', lambda: 0.5, samples: 30 });
  assert.deepEqual([relaxed.lambda, relaxed.samples, relaxed.sigma, relaxed.beta, relaxed.nIter], [0.5, 0, 0, 10, 25]);
  // Configs that differ only in unused options are the same run.
  assert.equal(runId(shortestPathExperiment, smoke({ method: 'rbf-for-l1', samples: 3 })), runId(shortestPathExperiment, smoke({ method: 'rbf-for-l1', samples: 30 })));
  assert.notEqual(runId(shortestPathExperiment, smoke({ samples: 3 })), runId(shortestPathExperiment, smoke({ samples: 30 })));
  assert.match(runId(shortestPathExperiment, smoke({ method: 'ss-algorithm', samples: 10, variant: 'hessian', lambda: 0.1, seed: 2 })), /^ss-algorithm-s10-hessian-lam1e-1-smoke-seed2-[0-9a-f]{8}$/);
  assert.deepEqual(shortestPathExperiment.schedule(smoke({ trainMaps: 30, batchSize: 8, epochs: 3 })), { steps: 9, evalEvery: 3 });
  // The indefinite policy only matters for the Hessian variant.
  assert.equal(smoke({ variant: 'fisher', indefinite: 'clip' }).indefinite, 'invert');
  assert.match(runId(shortestPathExperiment, smoke({ variant: 'hessian', lambda: 10, indefinite: 'clip' })), /^perturbed-fy-s3-hessian-lam1e\+1-clip-smoke-seed0-/);
  assert.throws(() => smoke({ variant: 'hessian', indefinite: 'abs' }), /option 'indefinite' must be one of invert, clip/);
});

test('shortest-path config: bad values are errors naming the option and what it expects', () => {
  assert.throws(() => smoke({ method: 'dijkstra' }), /option 'method' must be one of rbf-for-l1, .*perturbed-fy/);
  assert.throws(() => smoke({ method: 'rbf-for-l1', variant: 'hessian' }), /option 'variant' must be baseline or fisher for rbf-for-l1/);
  assert.throws(() => smoke({ variant: 'fisher', lambda: 0 }), /option 'lambda' must be a finite number > 0, got 0/);
  assert.throws(() => smoke({ method: 'ss-loss', samples: 0 }), /option 'samples' must be an integer >= 1, got 0/);
  assert.throws(() => smoke({ method: 'perturbed-fy', sigma: -1 }), /option 'sigma' must be a finite number > 0/);
  assert.throws(() => smoke({ trainMaps: 4, batchSize: 8 }), /option 'trainMaps' must be at least batchSize = 8, got 4/);
  assert.throws(() => resolveConfig(shortestPathExperiment, { preset: 'smoke', steps: 3 }), /unknown option 'steps'/);
  assert.throws(() => shortestPathExperiment.validate({ ...SHORTEST_PATH_PRESETS.smoke, width: undefined } as never), /option 'width' must be set/);
});

test('ShortestPathTrainer: batches are a seeded shuffle per epoch, the learning rate drops at 60% and 80%', () => {
  const config = smoke({ trainMaps: 32, batchSize: 8, epochs: 10, lr: 1e-3 });
  const trainer = ShortestPathTrainer.create(config);
  const twin = ShortestPathTrainer.create(config);
  const other = ShortestPathTrainer.create({ ...config, seed: 1 });
  try {
    assert.equal(trainer.stepsPerEpoch, 4);
    for (const epoch of [0, 1]) {
      const seen = [1, 2, 3, 4].flatMap((k) => Array.from(trainer.trainingIndices(epoch * 4 + k)));
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 32 }, (_, i) => i), `epoch ${epoch} visits every map once`);
    }
    assert.notDeepEqual(Array.from(trainer.trainingIndices(1)), Array.from(trainer.trainingIndices(5)), 'a new order each epoch');
    assert.deepEqual(Array.from(trainer.trainingIndices(7)), Array.from(twin.trainingIndices(7)), 'a pure function of seed and step');
    assert.notDeepEqual(Array.from(trainer.trainingIndices(1)), Array.from(other.trainingIndices(1)));
    // Epochs 0–5 at lr, 6–7 at lr/10, 8–9 at lr/100 (the paper: epochs 30 and 40 of 50).
    const rates = Array.from({ length: 10 }, (_, epoch) => trainer.learningRate(epoch * 4 + 1));
    assert.deepEqual(rates.map((r) => Number(r.toPrecision(6))), [1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5]);
    assert.equal(trainer.learningRate(24), 1e-3);
    assert.equal(Number(trainer.learningRate(25).toPrecision(6)), 1e-4);
  } finally {
    for (const t of [trainer, twin, other]) t.dispose();
  }
});

test('ShortestPathTrainer: images are standardised per channel with the training statistics', () => {
  const trainer = ShortestPathTrainer.create(smoke());
  try {
    const { data } = trainer;
    const train = data.splits.train;
    const batch = trainer.trainingBatch(1);
    const index = trainer.trainingIndices(1)[0];
    const pixels = train.imageSize * train.imageSize * 3;
    for (const p of [0, 1, 2, 3 * 777 + 1, pixels - 1]) {
      const c = p % 3;
      const expected = (train.maps[index * pixels + p] / 255 - data.channelMean[c]) / data.channelStd[c];
      assert.ok(Math.abs(batch.images[p] - expected) < 1e-5);
    }
    const cells = train.gridSize ** 2;
    assert.deepEqual(Array.from(batch.paths.subarray(0, cells)), Array.from(train.paths.subarray(index * cells, (index + 1) * cells)));
    // Over all training maps, every channel has mean 0 and standard deviation 1.
    const all = assembleBatch(data, train, Int32Array.from({ length: train.count }, (_, i) => i));
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      let squares = 0;
      for (let p = c; p < all.images.length; p += 3) {
        sum += all.images[p];
        squares += all.images[p] ** 2;
      }
      const n = all.images.length / 3;
      assert.ok(Math.abs(sum / n) < 1e-3, `channel ${c} mean`);
      assert.ok(Math.abs(squares / n - 1) < 1e-3, `channel ${c} variance`);
    }
  } finally {
    trainer.dispose();
  }
});

test('ShortestPathTrainer: each variant hands the trunk the right gradient w.r.t. the costs', () => {
  const cases: Partial<ShortestPathConfig>[] = [
    { method: 'rbf-for-l1', variant: 'baseline' },
    { method: 'rbf-while-l2', variant: 'fisher', lambda: 0.3 },
    { method: 'perturbed-fy', variant: 'baseline' },
    { method: 'ss-loss', variant: 'fisher', lambda: 2 },
    { method: 'ss-algorithm', variant: 'hessian', lambda: 0.5, samples: 4 },
  ];
  for (const overrides of cases) {
    const trainer = ShortestPathTrainer.create(smoke(overrides));
    const label = JSON.stringify(overrides);
    try {
      const batch = trainer.trainingBatch(3);
      const costs = tf.tensor2d(Float32Array.from({ length: batch.size * 144 }, (_, i) => 1 + ((i * 37) % 11) / 2), [batch.size, 144]);
      const paths = tf.tensor3d(batch.paths, [batch.size, 12, 12]);
      let row: Record<string, number> = {};
      const gradient = tf.grad((y: tf.Tensor) => {
        const objective = trainer.trainingObjective(y as tf.Tensor2D, paths, 3);
        row = objective.row;
        return objective.loss;
      })(costs);
      const plain = trainer.loss.kind === 'relaxed'
        ? tf.grad((y: tf.Tensor) => tf.mean(trainer.loss.kind === 'relaxed' ? trainer.loss.lossPerSample(paths)(y as tf.Tensor2D) : y))(costs)
        : tf.div(trainer.loss.estimate(costs, paths, noiseOf(trainer, 3), { hessian: 'none' }).gradients, batch.size);
      assert.ok(Math.abs(row.grad_norm - tf.norm(plain).dataSync()[0]) < 1e-4 * row.grad_norm, `${label}: logged ‖∇_Y L‖`);
      if (overrides.variant === 'baseline') {
        assert.ok(relativeError(gradient.dataSync(), plain.dataSync()) < 1e-5, `${label}: baseline gradient`);
      } else {
        const options = { variant: overrides.variant as 'hessian' | 'fisher', lambda: overrides.lambda as number };
        const target =
          trainer.loss.kind === 'relaxed'
            ? newtonTarget(costs, trainer.loss.lossPerSample(paths), options)
            : newtonTarget(costs, givenCurvature(trainer.loss.estimate(costs, paths, noiseOf(trainer, 3), { hessian: options.variant === 'hessian' ? 'batch-mean' : 'none' })), options);
        const expected = tf.div(tf.sub(costs, target), batch.size);
        assert.ok(relativeError(gradient.dataSync(), expected.dataSync()) < 1e-4, `${label}: Newton-loss gradient (Y − Z*) / B`);
        assert.ok(row.newton_grad_norm > 0 && Number.isFinite(row.newton_loss), label);
        if (options.variant === 'fisher') {
          // (F + λI)⁻¹ is positive definite: the Newton direction is a descent direction of L.
          assert.ok(tf.sum(tf.mul(gradient, plain)).dataSync()[0] > 0, `${label}: descent direction`);
        }
      }
      const stepTensors = tf.memory().numTensors;
      tf.dispose(tf.grad((y: tf.Tensor) => trainer.trainingObjective(y as tf.Tensor2D, paths, 3).loss)(costs));
      assert.equal(tf.memory().numTensors, stepTensors, `${label}: no tensor leaks`);
      tf.dispose([costs, paths, gradient, plain]);
    } finally {
      trainer.dispose();
    }
  }
});

test('ShortestPathTrainer.evaluate: match, optimal and cost ratio agree with a direct computation', () => {
  const trainer = ShortestPathTrainer.create(smoke({ valMaps: 16, testMaps: 16 }));
  try {
    const row = trainer.evaluate();
    for (const split of ['val', 'test'] as const) {
      const dataset = trainer.data.splits[split];
      const prediction = trainer.predict(split, Int32Array.from({ length: dataset.count }, (_, i) => i));
      const cells = 144;
      const check = new Float32Array(prediction.paths.length);
      dijkstraBatch(prediction.costs, dataset.count, 12, 12, check);
      assert.deepEqual(check, prediction.paths, 'predicted paths are the Dijkstra paths of the predicted costs');
      let match = 0;
      let optimal = 0;
      let ratio = 0;
      for (let b = 0; b < dataset.count; b++) {
        let same = true;
        let cost = 0;
        let best = 0;
        for (let j = b * cells; j < (b + 1) * cells; j++) {
          same &&= prediction.paths[j] === dataset.paths[j];
          cost += prediction.paths[j] * dataset.weights[j];
          best += dataset.paths[j] * dataset.weights[j];
        }
        match += Number(same) / dataset.count;
        optimal += Number(cost <= best * (1 + 1e-6)) / dataset.count;
        ratio += cost / best / dataset.count;
        assert.ok(cost >= best * (1 - 1e-6), 'the stored path is optimal');
      }
      assert.ok(Math.abs(row[`${split}_match`] - match) < 1e-6);
      assert.ok(Math.abs(row[`${split}_optimal`] - optimal) < 1e-6);
      assert.ok(Math.abs(row[`${split}_cost_ratio`] - ratio) < 1e-5);
      assert.ok(row[`${split}_optimal`] >= row[`${split}_match`]);
    }
    const tensors = tf.memory().numTensors;
    trainer.evaluate();
    assert.equal(tf.memory().numTensors, tensors, 'evaluate leaks no tensors');
  } finally {
    trainer.dispose();
  }
});

test('CLI: shortest-path --help lists every option; a bad combination is an error', async () => {
  const help = capture();
  assert.equal(await main(['shortest-path', '--help'], help.io), 0);
  for (const option of shortestPathExperiment.options) {
    assert.ok(help.out().includes(`--${option.name.replace(/[A-Z]/g, (l) => `-${l.toLowerCase()}`)}`), option.name);
  }
  for (const method of SHORTEST_PATH_METHODS) assert.ok(help.out().includes(method));
  const bad = capture();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-sp-cli-'));
  assert.equal(await main(['shortest-path', '--preset', 'smoke', '--method', 'rbf-for-l1', '--variant', 'hessian', '--results-dir', root], bad.io), 2);
  assert.match(bad.err(), /option 'variant' must be baseline or fisher for rbf-for-l1/);
});

test('CLI: a grid of smoke runs trains, stores results and prints a table', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-sp-cli-'));
  const run = capture();
  const argv = ['shortest-path', '--grid', '--preset', 'smoke', '--method', 'perturbed-fy', '--variant', 'baseline,fisher', '--epochs', '1', '--results-dir', root, '--progress', 'none'];
  assert.equal(await main(argv, run.io), 0, run.err());
  assert.match(run.err(), /2 runs on wasm/);
  const lines = run.out().trim().split('\n');
  assert.equal(lines.length, 4, run.out());
  assert.match(lines[0], /method\s+samples\s+variant\s+lambda\s+indefinite\s+seed\s+test_match %\s+test_optimal %\s+test_cost_ratio ×/);
  for (const line of lines.slice(2)) {
    const ratio = Number(line.trim().split(/\s+/)[8]); // the cost ratio as a multiple (1.75), not a percent (175.00)
    assert.ok(ratio >= 1 && ratio < 10, `cost ratio ${ratio} in ${line}`);
  }
  assert.equal(fs.readdirSync(path.join(root, 'shortest-path')).length, 2);
  const results = capture();
  assert.equal(await main(['results', 'shortest-path', '--results-dir', root], results.io), 0);
  assert.match(results.out(), /perturbed-fy .* fisher/);
});

/** The noise stream a trainer uses at `step` (see `trainingObjective`). */
function noiseOf(trainer: ShortestPathTrainer, step: number): Rng {
  return new Rng(trainer.config.seed).fork(`noise-${step}`);
}
