import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/index';
import {
  loadMnist,
  digitSplitRange,
  fourDigitTrainingBatch,
  makeEvaluationSets,
  assembleFourDigitBatch,
  sampleDigitIndices,
  downscaledDigits,
} from '../src/data/index';

test('splits: train = MNIST train [0, 55000), validation = [55000, 60000), test = MNIST test', () => {
  assert.deepEqual(digitSplitRange('train'), { split: 'train', part: 'train', start: 0, count: 55000 });
  assert.deepEqual(digitSplitRange('validation'), { split: 'validation', part: 'train', start: 55000, count: 5000 });
  assert.deepEqual(digitSplitRange('test'), { split: 'test', part: 'test', start: 0, count: 10000 });
  assert.throws(() => digitSplitRange('val' as 'test'), /split must be one of train, validation, test, got val/);
});

test('four-digit items: values match their digits and pixels are the digits side by side', () => {
  const batch = fourDigitTrainingBatch({ seed: 3, step: 0, batchSize: 6, setSize: 5 });
  assert.equal(batch.batchSize, 6);
  assert.equal(batch.setSize, 5);
  assert.equal(batch.height, 28);
  assert.equal(batch.width, 112);
  assert.equal(batch.images.length, 6 * 5 * 28 * 112);
  assert.equal(batch.values.length, 30);
  assert.equal(batch.digitIndices.length, 120);
  const mnist = loadMnist('train');
  for (let item = 0; item < 30; item++) {
    const d = Array.from(batch.digitIndices.subarray(item * 4, item * 4 + 4));
    const expected = 1000 * mnist.labels[d[0]] + 100 * mnist.labels[d[1]] + 10 * mnist.labels[d[2]] + mnist.labels[d[3]];
    assert.equal(batch.values[item], expected);
    for (let k = 0; k < 4; k++) {
      for (const [row, col] of [[0, 0], [14, 14], [20, 9], [27, 27], [7, 21]]) {
        const pixel = batch.images[item * 28 * 112 + row * 112 + k * 28 + col];
        assert.equal(pixel, Math.fround(mnist.images[d[k] * 784 + row * 28 + col] / 255));
      }
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of batch.images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.ok(max > 0.99 && max <= 1, `max pixel ${max}`);
  // Values span the range: the leading digit is not always 0.
  assert.ok(batch.values.some((v) => v >= 1000));
});

test('four-digit items: validation and test digits come from their own MNIST ranges', () => {
  const train = loadMnist('train');
  const testPart = loadMnist('test');
  const validation = assembleFourDigitBatch('validation', Int32Array.from([0, 1, 2, 4999, 10, 11, 12, 13]), { setSize: 2 });
  const expectedValidation = [0, 1, 2, 4999].reduce((v, i) => v * 10 + train.labels[55000 + i], 0);
  assert.equal(validation.values[0], expectedValidation);
  assert.equal(validation.images[3 * 28 + 14 * 112 + 10], Math.fround(train.images[59999 * 784 + 14 * 28 + 10] / 255));
  const testBatch = assembleFourDigitBatch('test', Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), { setSize: 2 });
  assert.deepEqual(Array.from(testBatch.values), [7210, 4149]);
  assert.equal(testBatch.images[28 + 5 * 112 + 13], Math.fround(testPart.images[1 * 784 + 5 * 28 + 13] / 255));
  assert.throws(() => assembleFourDigitBatch('validation', Int32Array.from([0, 1, 2, 5000, 0, 0, 0, 0]), { setSize: 2 }), /digitIndices\[3\] = 5000 is outside the validation split \[0, 5000\)/);
  assert.throws(() => assembleFourDigitBatch('test', new Int32Array(12), { setSize: 2 }), /digitIndices must have length B·n·4 = B·8/);
});

test('four-digit sets: same seed and step give the same batch, others differ', () => {
  const a = fourDigitTrainingBatch({ seed: 11, step: 7, batchSize: 4, setSize: 5 });
  const b = fourDigitTrainingBatch({ seed: 11, step: 7, batchSize: 4, setSize: 5 });
  const nextStep = fourDigitTrainingBatch({ seed: 11, step: 8, batchSize: 4, setSize: 5 });
  const otherSeed = fourDigitTrainingBatch({ seed: 12, step: 7, batchSize: 4, setSize: 5 });
  assert.deepEqual(a.digitIndices, b.digitIndices);
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.values, b.values);
  assert.notDeepEqual(a.digitIndices, nextStep.digitIndices);
  assert.notDeepEqual(a.digitIndices, otherSeed.digitIndices);
  // A resumed run asks for step 7 directly, without having drawn steps 0..6: same batch.
  const steps = [0, 1, 2, 3, 4, 5, 6, 7].map((step) => fourDigitTrainingBatch({ seed: 11, step, batchSize: 4, setSize: 5 }));
  assert.deepEqual(steps[7].digitIndices, a.digitIndices);
});

test('four-digit sets: training draws cover the split uniformly and never leave it', () => {
  const counts = new Float64Array(10);
  let drawn = 0;
  for (let step = 0; step < 40; step++) {
    const { digitIndices, values } = fourDigitTrainingBatch({ seed: 5, step, batchSize: 50, setSize: 5 });
    for (const index of digitIndices) assert.ok(index >= 0 && index < 55000);
    for (const v of values) counts[Math.floor(v / 1000)]++;
    drawn += values.length;
  }
  // The leading digit of an item is a uniform draw from the split's labels (about 10% each).
  for (const c of counts) assert.ok(Math.abs(c / drawn - 0.1) < 0.03, `leading digit shares ${Array.from(counts)}`);
});

test('four-digit sets: evaluation sets are fixed, prefix-stable and within their split', () => {
  const validation = makeEvaluationSets('validation', 300, 5, 0);
  const again = makeEvaluationSets('validation', 300, 5, 0);
  const smaller = makeEvaluationSets('validation', 100, 5, 0);
  const otherSeed = makeEvaluationSets('validation', 300, 5, 1);
  assert.deepEqual(validation.digitIndices, again.digitIndices);
  assert.deepEqual(smaller.digitIndices, validation.digitIndices.subarray(0, 100 * 20));
  assert.notDeepEqual(otherSeed.digitIndices, validation.digitIndices);
  assert.equal(validation.values.length, 300 * 5);
  const train = loadMnist('train');
  for (const index of validation.digitIndices) assert.ok(index >= 0 && index < 5000);
  // Split-relative index i is MNIST train image 55000 + i: validation never touches the training range.
  const v = validation.digitIndices;
  assert.equal(validation.values[0], [0, 1, 2, 3].reduce((acc, k) => acc * 10 + train.labels[55000 + v[k]], 0));

  const batches = Array.from(validation.batches(128));
  assert.deepEqual(batches.map((b) => b.batchSize), [128, 128, 44]);
  const concatenated = new Float32Array(300 * 5);
  batches.forEach((b, i) => concatenated.set(b.values, i * 128 * 5));
  assert.deepEqual(concatenated, validation.values);
  assert.deepEqual(validation.batch(128, 128).images, batches[1].images);
  assert.throws(() => validation.batch(300, 1), /start must be an integer in \[0, 300\), got 300/);
  assert.throws(() => validation.batches(0).next(), /batchSize must be a positive integer, got 0/);
});

test('four-digit sets: downscale pools 2 × 2 blocks exactly', () => {
  const full = fourDigitTrainingBatch({ seed: 2, step: 1, batchSize: 3, setSize: 4 });
  const half = fourDigitTrainingBatch({ seed: 2, step: 1, batchSize: 3, setSize: 4, downscale: 2 });
  assert.deepEqual(half.digitIndices, full.digitIndices);
  assert.deepEqual(half.values, full.values);
  assert.equal(half.height, 14);
  assert.equal(half.width, 56);
  assert.equal(half.images.length, 3 * 4 * 14 * 56);
  for (let item = 0; item < 12; item++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 56; c++) {
        const at = (row: number, col: number) => full.images[item * 28 * 112 + row * 112 + col];
        const mean = (at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1)) / 4;
        assert.ok(Math.abs(half.images[item * 14 * 56 + r * 56 + c] - mean) < 1e-6);
      }
    }
  }
  assert.equal(downscaledDigits('train', 4).side, 7);
  assert.throws(() => fourDigitTrainingBatch({ seed: 2, step: 1, batchSize: 3, setSize: 4, downscale: 3 }), /downscale must be a positive integer dividing 28/);
});

test('four-digit sets: bad arguments are named', () => {
  assert.throws(() => fourDigitTrainingBatch({ seed: 1, step: -1, batchSize: 2, setSize: 5 }), /step must be an integer in \[0, 2\^32\), got -1/);
  assert.throws(() => fourDigitTrainingBatch({ seed: 1, step: 0, batchSize: 0, setSize: 5 }), /count must be a positive integer, got 0/);
  assert.throws(() => fourDigitTrainingBatch({ seed: 1, step: 0, batchSize: 2, setSize: 1 }), /setSize must be an integer ≥ 2, got 1/);
  assert.throws(() => makeEvaluationSets('test', 10, 5, Number.NaN), /seed must be a finite number/);
  assert.throws(() => sampleDigitIndices(new Rng(1), 2, 5, 0), /splitSize must be a positive integer, got 0/);
});

test('four-digit sets: the MNIST images of training and validation sets are disjoint', () => {
  const toMnist = (split: 'train' | 'validation' | 'test', indices: Int32Array) => {
    const { start } = digitSplitRange(split);
    return new Set(Array.from(indices, (i) => start + i));
  };
  const trainUsed = new Set<number>();
  for (let step = 0; step < 20; step++) {
    for (const i of toMnist('train', fourDigitTrainingBatch({ seed: 9, step, batchSize: 100, setSize: 5 }).digitIndices)) trainUsed.add(i);
  }
  const validationUsed = toMnist('validation', makeEvaluationSets('validation', 1000, 5, 9).digitIndices);
  assert.ok(trainUsed.size > 20000 && validationUsed.size > 4000);
  for (const i of validationUsed) assert.ok(!trainUsed.has(i), `MNIST train image ${i} used by both`);
  assert.ok(Math.max(...trainUsed) < 55000 && Math.min(...validationUsed) >= 55000);
});
