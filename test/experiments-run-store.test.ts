import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import {
  Adam,
  resolveConfig,
  runExperiment,
  runId,
  runGrid,
  expandGrid,
  loadResults,
  loadRunLogs,
  summarizeResults,
  curvesOverRuns,
  formatSummary,
  formatTable,
  readRunStatus,
  NonFiniteError,
  writeCheckpoint,
  readCheckpoint,
  parseCsv,
  toCsv,
  readCsv,
  Progress,
  formatDuration,
} from '../src/experiments/index';
import { toDataFrame } from '../src/notebook';
import { fakeExperiment, trainersCreated } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
});

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nl-runs-'));
}

const withoutTimes = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !/(_s)$/.test(k))));

test('runExperiment: a fresh run writes config, logs, checkpoint and a result at the best validation step', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 25, evalEvery: 10 });
  const outcome = await runExperiment(fakeExperiment, config, { resultsRoot: root });
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.dir, path.join(root, 'fake', outcome.id));
  assert.match(outcome.id, /^lr0.2-seed0-[0-9a-f]{8}$/);
  for (const file of ['config.json', 'config.csv', 'train.csv', 'eval.csv', 'result.csv', 'checkpoint.bin', 'status.json', 'run.log']) {
    assert.ok(fs.existsSync(path.join(outcome.dir, file)), file);
  }
  const train = readCsv(path.join(outcome.dir, 'train.csv'));
  assert.deepEqual(train.map((r) => r.step), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.ok((train[24].loss as number) < (train[0].loss as number) / 2, 'the fake regression learns');
  const evals = readCsv(path.join(outcome.dir, 'eval.csv'));
  assert.deepEqual(evals.map((r) => r.step), [0, 10, 20, 25]);
  const best = evals.reduce((a, b) => ((b.val_score as number) > (a.val_score as number) ? b : a));
  const result = outcome.result!;
  assert.equal(result.best_step, best.step);
  assert.equal(result.test_score, best.test_score);
  assert.equal(result.final_test_score, evals[3].test_score);
  assert.equal(result.steps, 25);
  assert.ok((result.wall_s as number) > 0 && (result.train_s as number) > 0);
  assert.deepEqual(readCsv(path.join(outcome.dir, 'result.csv'))[0], result);
  assert.equal(readRunStatus(outcome.dir)?.state, 'finished');
  const stored = JSON.parse(fs.readFileSync(path.join(outcome.dir, 'config.json'), 'utf8'));
  assert.deepEqual(stored.config, config);
  assert.match(stored.backend, /^wasm/);
});

test('runExperiment: a finished run is never run again; its stored result is returned', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, {});
  const first = await runExperiment(fakeExperiment, config, { resultsRoot: root });
  const resultFile = path.join(first.dir, 'result.csv');
  const before = fs.readFileSync(resultFile, 'utf8');
  const created = trainersCreated;
  const again = await runExperiment(fakeExperiment, config, { resultsRoot: root });
  assert.equal(again.status, 'already-finished');
  assert.equal(trainersCreated, created, 'no trainer is built for a finished run');
  assert.deepEqual(again.result, first.result);
  assert.equal(fs.readFileSync(resultFile, 'utf8'), before);
});

test('runExperiment: killed and resumed ends exactly like an uninterrupted run, with no duplicated log rows', async () => {
  const config = resolveConfig(fakeExperiment, { steps: 30, evalEvery: 10, seed: 3 });
  const straight = await runExperiment(fakeExperiment, config, { resultsRoot: tempRoot() });

  const root = tempRoot();
  const controller = new AbortController();
  const killed = await runExperiment(fakeExperiment, config, {
    resultsRoot: root,
    signal: controller.signal,
    onStep: (step) => step === 17 && controller.abort(),
  });
  assert.equal(killed.status, 'interrupted');
  assert.deepEqual(readRunStatus(killed.dir), { ...readRunStatus(killed.dir)!, state: 'interrupted', step: 10 });
  assert.equal(readCsv(path.join(killed.dir, 'train.csv')).length, 17, 'steps past the checkpoint were logged before the kill');
  fs.appendFileSync(path.join(killed.dir, 'train.csv'), '18,0.12'); // a kill in the middle of a write

  let resumedFrom = -1;
  const resumed = await runExperiment(fakeExperiment, config, { resultsRoot: root, onStart: (info) => (resumedFrom = info.startStep) });
  assert.equal(resumedFrom, 10);
  assert.equal(resumed.status, 'completed');
  const logs = (dir: string, file: string) => withoutTimes(readCsv(path.join(dir, file)));
  assert.deepEqual(logs(resumed.dir, 'train.csv'), logs(straight.dir, 'train.csv'));
  assert.deepEqual(logs(resumed.dir, 'eval.csv'), logs(straight.dir, 'eval.csv'));
  assert.deepEqual(withoutTimes([resumed.result!]), withoutTimes([straight.result!]));
  const weights = (dir: string) => Array.from(readCheckpoint(path.join(dir, 'checkpoint.bin')).tensors.w.values);
  assert.deepEqual(weights(resumed.dir), weights(straight.dir), 'bit-identical weights');
  assert.match(fs.readFileSync(path.join(root, 'fake', resumed.id, 'run.log'), 'utf8'), /resumed from the checkpoint at step 10/);
});

test('runExperiment: NaN stops the run naming the step and the quantity, recorded in status and log', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { nanAtStep: 7 });
  await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), (error: Error) => {
    assert.ok(error instanceof NonFiniteError);
    assert.match(error.message, /^fake run lr0.2-seed0-[0-9a-f]{8}: step 7: loss is NaN$/);
    return true;
  });
  const dir = path.join(root, 'fake', runId(fakeExperiment, config));
  const status = readRunStatus(dir)!;
  assert.equal(status.state, 'failed');
  assert.equal(status.step, 7);
  assert.equal(status.message, 'step 7: loss is NaN');
  assert.match(fs.readFileSync(path.join(dir, 'run.log'), 'utf8'), /failed: step 7: loss is NaN/);
  assert.ok(!fs.existsSync(path.join(dir, 'result.csv')));
});

test('checkpoints: exact round trip, atomic write leaves no partial file, corrupt files are named errors', () => {
  const root = tempRoot();
  const file = path.join(root, 'checkpoint.bin');
  const a = tf.tensor([[1.5, -2.25e-30], [3.4e38, 0.1]]);
  const b = tf.tensor([7, -3], [2], 'int32');
  writeCheckpoint(file, { step: 5, note: 'x' }, { a, b });
  const loaded = readCheckpoint(file);
  assert.deepEqual(loaded.meta, { step: 5, note: 'x' });
  assert.deepEqual(loaded.tensors.a.shape, [2, 2]);
  assert.deepEqual(Array.from(loaded.tensors.a.values), Array.from(a.dataSync()));
  assert.equal(loaded.tensors.b.dtype, 'int32');
  assert.deepEqual(Array.from(loaded.tensors.b.values), [7, -3]);
  assert.deepEqual(fs.readdirSync(root), ['checkpoint.bin'], 'the temporary file was renamed away');
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 3));
  assert.throws(() => readCheckpoint(file), new RegExp(`${file.replace(/[.]/g, '\\.')} is not a valid checkpoint \\(tensor 'b' runs past the end`));
  fs.writeFileSync(file, 'hello world, not a checkpoint');
  assert.throws(() => readCheckpoint(file), /is not a valid checkpoint \(bad magic bytes\)/);
  tf.dispose([a, b]);
});

test('runId and resolveConfig: hash over the canonical config, clear errors for bad options', () => {
  const config = resolveConfig(fakeExperiment, { lr: 0.01 });
  const reordered = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
  assert.equal(runId(fakeExperiment, reordered), runId(fakeExperiment, config));
  assert.notEqual(runId(fakeExperiment, { ...config, seed: 1 }), runId(fakeExperiment, config));
  assert.deepEqual(config, { preset: 'smoke', seed: 0, steps: 25, evalEvery: 10, lr: 0.01, nanAtStep: 0 });
  assert.throws(() => resolveConfig(fakeExperiment, { learningRate: 1 }), /fake: unknown option 'learningRate'; expected one of preset, seed/);
  assert.throws(() => resolveConfig(fakeExperiment, { seed: 1.5 }), /fake: option 'seed' must be an integer, got 1.5/);
  assert.throws(() => resolveConfig(fakeExperiment, { preset: 'huge' }), /fake: preset must be one of smoke, got 'huge'/);
  assert.throws(() => resolveConfig(fakeExperiment, { steps: 0 }), /option 'steps' must be >= 1/);
});

test('runGrid: runs the product one after another, skips finished runs, reports progress and failures', async () => {
  const root = tempRoot();
  const configs = expandGrid({ lr: [0.05, 0.1], seed: [0, 1], nanAtStep: [0] }).map((c) => resolveConfig(fakeExperiment, { ...c, steps: 12, evalEvery: 6 }));
  assert.deepEqual(configs.map((c) => [c.lr, c.seed]), [[0.05, 0], [0.05, 1], [0.1, 0], [0.1, 1]]);
  await runExperiment(fakeExperiment, configs[1], { resultsRoot: root });
  const broken = resolveConfig(fakeExperiment, { nanAtStep: 3, steps: 12, evalEvery: 6 });
  let text = '';
  const stream = { write: (s: string) => (text += s), isTTY: false };
  const created = trainersCreated;
  const grid = await runGrid(fakeExperiment, [...configs, broken], { resultsRoot: root, stream });
  assert.equal(trainersCreated - created, 4, 'the finished run was not rebuilt');
  assert.deepEqual(grid.outcomes.map((o) => o.status), ['completed', 'already-finished', 'completed', 'completed']);
  assert.equal(grid.failures.length, 1);
  assert.match(grid.failures[0].error.message, /step 3: loss is NaN/);
  assert.match(text, /run 2\/5 lr0.05-seed1-[0-9a-f]{8}: already finished, skipped/);
  assert.match(text, /run 5\/5 FAILED: .*step 3: loss is NaN/);
  assert.match(text, /\[#{20}\] 100% 60\/60 steps/);
  assert.doesNotMatch(text, /\r/, 'no carriage returns when the stream is not a TTY');
  assert.throws(() => expandGrid({ lr: [] }), /option 'lr' has an empty list/);
});

test('results: load finished runs, logs, mean ± std per group, tables and a danfo DataFrame', async () => {
  const root = tempRoot();
  const configs = expandGrid({ lr: [0.05, 0.1], seed: [0, 1, 2] }).map((c) => resolveConfig(fakeExperiment, { ...c, steps: 6, evalEvery: 3 }));
  await runGrid(fakeExperiment, configs, { resultsRoot: root, progress: 'none' });
  const rows = loadResults('fake', { resultsRoot: root });
  assert.equal(rows.length, 6);
  assert.ok(rows.every((r) => typeof r.run_id === 'string' && typeof r.test_score === 'number' && r.steps === 6));
  const summary = summarizeResults(rows, ['lr'], ['test_score']);
  assert.equal(summary.length, 2);
  for (const group of summary) {
    const values = rows.filter((r) => r.lr === group.lr).map((r) => r.test_score as number);
    const mean = values.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    assert.equal(group.runs, 3);
    assert.ok(Math.abs((group.test_score_mean as number) - mean) < 1e-12);
    assert.ok(Math.abs((group.test_score_std as number) - std) < 1e-12);
  }
  const text = formatSummary(summary, ['test_score'], { scale: 1, digits: 3 });
  assert.match(String(text[0].test_score), /^-?\d+\.\d{3} ± \d+\.\d{3}$/);
  assert.match(formatTable(text), /^ *lr  runs +test_score\n/);
  assert.equal(loadResults('fake', { resultsRoot: root, where: { lr: 0.1, seed: [0, 2] } }).length, 2);
  const evals = loadRunLogs('fake', 'eval', { resultsRoot: root, where: { lr: 0.05 } });
  assert.equal(evals.length, 3 * 3);
  assert.deepEqual([...new Set(evals.map((r) => r.step))], [0, 3, 6]);
  const curves = curvesOverRuns(evals, { x: 'step', y: 'val_score', by: ['lr'] });
  assert.equal(curves.length, 1);
  assert.equal(curves[0].name, '0.05');
  assert.equal(curves[0].runs, 3);
  assert.deepEqual(curves[0].x, [0, 3, 6]);
  const atStep3 = evals.filter((r) => r.step === 3).map((r) => r.val_score as number);
  const mean3 = atStep3.reduce((a, b) => a + b) / 3;
  assert.ok(Math.abs(curves[0].mean[1] - mean3) < 1e-12);
  assert.ok(Math.abs(curves[0].spread[1] - Math.sqrt(atStep3.reduce((a, v) => a + (v - mean3) ** 2, 0) / 2)) < 1e-12);
  const train = loadRunLogs('fake', 'train', { resultsRoot: root, where: { lr: 0.05, seed: 0 } });
  const binned = curvesOverRuns(train, { x: 'step', y: 'loss', by: ['lr'], every: 4 });
  assert.deepEqual(binned[0].x, [4, 8]);
  const firstFour = train.filter((r) => (r.step as number) <= 4).map((r) => r.loss as number);
  assert.ok(Math.abs(binned[0].mean[0] - firstFour.reduce((a, b) => a + b) / 4) < 1e-12);
  assert.deepEqual(binned[0].spread, [0, 0]);
  assert.throws(() => curvesOverRuns(train, { x: 'step', y: 'accuracy', by: [] }), /a row has no column 'accuracy'/);
  const frame = await toDataFrame(rows);
  assert.deepEqual(frame.shape, [6, Object.keys(rows[0]).length]);
  assert.throws(() => summarizeResults(rows, ['width'], ['test_score']), /a row has no column 'width'/);
  assert.deepEqual(loadResults('nothing-here', { resultsRoot: root }), []);
});

test('runs leak no tensors', async () => {
  const root = tempRoot();
  await runExperiment(fakeExperiment, resolveConfig(fakeExperiment, { seed: 10, steps: 5 }), { resultsRoot: root });
  const before = tf.memory().numTensors;
  await runExperiment(fakeExperiment, resolveConfig(fakeExperiment, { seed: 11, steps: 5 }), { resultsRoot: root });
  assert.equal(tf.memory().numTensors, before);
});

test('Adam: matches tf.train.adam and restores its state exactly', () => {
  const start = tf.tensor([0.3, -1.2, 2.0]);
  const ours = tf.variable(start.clone());
  const theirs = tf.variable(start.clone());
  const adam = new Adam({ x: ours }, { learningRate: 0.1, epsilon: 1e-7 });
  const reference = tf.train.adam(0.1, 0.9, 0.999, 1e-7);
  const lossOf = (v: tf.Variable) => () => tf.sum(tf.mul(tf.square(v), tf.tensor([1, 10, 0.1]))) as tf.Scalar;
  for (let i = 0; i < 20; i++) {
    const { grads, value } = tf.variableGrads(lossOf(ours), [ours]);
    adam.applyGradients({ x: grads[ours.name] });
    tf.dispose([value, grads[ours.name]]);
    reference.minimize(lossOf(theirs));
  }
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
  assert.ok(diff < 1e-4, `difference ${diff}`); // float32 rounding of two orderings of the same update
  const copy = tf.variable(ours.clone());
  const twin = new Adam({ x: copy }, { learningRate: 0.1, epsilon: 1e-7 });
  twin.restore(adam.state());
  const gradient = tf.tensor([0.5, -0.25, 1]);
  adam.applyGradients({ x: gradient });
  twin.applyGradients({ x: gradient });
  assert.deepEqual(Array.from(copy.dataSync()), Array.from(ours.dataSync()));
  assert.throws(() => adam.applyGradients({ y: gradient }), /unknown variable 'y'/);
  assert.throws(() => new Adam({}, { learningRate: 0 }), /learningRate must be > 0, got 0/);
  tf.dispose([start, ours, theirs, copy, gradient]);
  adam.dispose();
  twin.dispose();
  reference.dispose();
});

test('CSV: quoting, numbers and special values round-trip', () => {
  const rows = [{ name: 'a,"b"', x: 0.1 + 0.2, y: NaN, z: -Infinity, ok: true, pad: ' x' }];
  assert.deepEqual(parseCsv(toCsv(rows)), rows);
  assert.throws(() => parseCsv('a,b\n1\n'), /line 2 has 1 cells, expected 2/);
});

test('Progress: in-place line on a TTY, periodic lines otherwise, ETA from the rate of this process', () => {
  let clock = 0;
  let tty = '';
  const bar = new Progress({ total: 100, stream: { write: (s: string) => (tty += s), isTTY: true }, now: () => clock });
  bar.skip(20);
  clock = 10;
  bar.advance(40);
  assert.equal(bar.line(), '[############--------]  60% 60/100 steps | 10s elapsed, ETA 10s');
  bar.finish();
  assert.match(tty, /^\r\x1b\[K/);
  assert.ok(tty.endsWith('\n'));
  let lines = '';
  const plain = new Progress({ total: 10, stream: { write: (s: string) => (lines += s) }, intervalSeconds: 5, now: () => clock });
  clock = 11;
  plain.advance(1); // within 5 s of the first line: not printed
  clock = 17;
  plain.advance(1);
  plain.finish(); // the bar already shows the final state: not printed again
  assert.equal(lines.split('\n').filter(Boolean).length, 2);
  plain.advance(8);
  plain.message('run 1/1: done');
  plain.finish();
  const tail = lines.split('\n').filter(Boolean).slice(-2);
  assert.equal(tail[0], 'run 1/1: done');
  assert.match(tail[1], /100% 10\/10 steps/);
  assert.equal(lines.split('\n').filter((line) => /100%/.test(line)).length, 1, 'the last progress line prints once');
  assert.equal(formatDuration(7384), '2h03m');
  assert.equal(formatDuration(245), '4m05s');
});
