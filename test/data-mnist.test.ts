import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist, parseIdx, readIdxFile, defaultMnistDirectory } from '../src/data/index';

/** Bytes of an unsigned-byte IDX file with the given dimensions and data. */
function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** A folder with a tiny MNIST-like training part of `count` images. */
function tinyMnistDir(count: number, labels?: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
  const images = new Uint8Array(count * 784).map((_, i) => i % 256);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([count, 28, 28], images));
  const labelBytes = Uint8Array.from(labels ?? Array.from({ length: count }, (_, i) => i % 10));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([count], labelBytes));
  return dir;
}

test('MNIST: counts, first labels and pixel range of the real files', () => {
  const train = loadMnist('train');
  const testPart = loadMnist('test');
  assert.equal(train.count, 60000);
  assert.equal(testPart.count, 10000);
  assert.equal(train.side, 28);
  assert.equal(train.images.length, 60000 * 28 * 28);
  assert.equal(testPart.images.length, 10000 * 28 * 28);
  assert.equal(train.labels.length, 60000);
  assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual(Array.from(testPart.labels.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  for (const part of [train, testPart]) {
    let min = 255;
    let max = 0;
    for (const v of part.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 255);
    const counts = new Array(10).fill(0);
    for (const label of part.labels) counts[label]++;
    assert.ok(counts.every((c) => c > part.count / 20), `every digit occurs: ${counts}`);
  }
  // The corners of the first training digit (a 5) are background, its centre has ink.
  assert.equal(train.images[0], 0);
  assert.ok(train.images.subarray(10 * 28, 18 * 28).some((v) => v > 200));
});

test('MNIST: loaded once and cached', () => {
  assert.equal(loadMnist('train'), loadMnist('train'));
  assert.throws(() => loadMnist('validation' as 'train'), /part must be 'train' or 'test', got validation/);
});

test('MNIST: a missing file is named in the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-empty-'));
  try {
    assert.throws(() => loadMnist('test', dir), (e: Error) => e.message.includes(join(dir, 't10k-images-idx3-ubyte')) && /not found/.test(e.message));
    assert.throws(() => readIdxFile(join(dir, 'nope')), (e: Error) => e.message.includes(join(dir, 'nope')));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('MNIST: a truncated file is named in the error', () => {
  const dir = tinyMnistDir(3);
  try {
    const path = join(dir, 'train-images-idx3-ubyte');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => loadMnist('train', dir), (e: Error) => e.message.includes(path) && /truncated/.test(e.message));
    writeFileSync(path, bytes.subarray(0, 10));
    assert.throws(() => loadMnist('train', dir), (e: Error) => e.message.includes(path) && /truncated/.test(e.message));
    // The real label file cut short.
    const real = readFileSync(join(defaultMnistDirectory(), 't10k-labels-idx1-ubyte'));
    assert.throws(() => parseIdx(real.subarray(0, 5000), 't10k-labels'), /t10k-labels is truncated: 4992 data bytes, dimensions \[10000\] need 10000/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('MNIST: wrong magic numbers, sizes and labels are rejected', () => {
  const dir = tinyMnistDir(3);
  try {
    const images = join(dir, 'train-images-idx3-ubyte');
    const labels = join(dir, 'train-labels-idx1-ubyte');
    const imageBytes = readFileSync(images);
    const labelBytes = readFileSync(labels);
    writeFileSync(images, labelBytes);
    assert.throws(() => loadMnist('train', dir), new RegExp(`${images}: magic number 2049, expected 2051`));
    writeFileSync(images, idxBytes([3, 28, 27], new Uint8Array(3 * 28 * 27)));
    assert.throws(() => loadMnist('train', dir), /images are 28 × 27, expected 28 × 28/);
    writeFileSync(images, imageBytes);
    writeFileSync(labels, idxBytes([2], Uint8Array.from([1, 2])));
    assert.throws(() => loadMnist('train', dir), /disagree: 3 images, 2 labels/);
    writeFileSync(labels, idxBytes([3], Uint8Array.from([1, 12, 2])));
    assert.throws(() => loadMnist('train', dir), /label 12 at index 1, expected 0..9/);
    assert.throws(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'float.idx'), /float.idx: magic number 3329 is not an unsigned-byte IDX header/);
    assert.throws(() => parseIdx(Buffer.concat([labelBytes, Buffer.from([7])]), 'long'), /long has 1 bytes beyond its dimensions \[3\]/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('MNIST: gzipped IDX files are inflated, found by their .gz name', () => {
  const dir = tinyMnistDir(4, [3, 1, 4, 1]);
  try {
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
      const path = join(dir, name);
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
      rmSync(path);
    }
    const digits = loadMnist('train', dir);
    assert.equal(digits.count, 4);
    assert.deepEqual(Array.from(digits.labels), [3, 1, 4, 1]);
    assert.equal(digits.images[785], 785 % 256);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('MNIST: a truncated gzip file is an error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-idx-'));
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const gzipped = gzipSync(Buffer.concat([header, Buffer.alloc(2 * 28 * 28, 7)]));
  const file = join(dir, 'train-images-idx3-ubyte.gz');
  writeFileSync(file, gzipped.subarray(0, gzipped.length - 20));
  assert.throws(() => readIdxFile(file), new RegExp(`IDX file ${file.replace(/[.]/g, '\\.')}: the gzip stream is truncated \\(unexpected end of file\\)`));
  rmSync(dir, { recursive: true });
});
