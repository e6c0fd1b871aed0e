/**
 * The splits of the four-digit ranking benchmark (diffsort's setup): `train` = MNIST train
 * images [0, 55000), `validation` = MNIST train images [55000, 60000), `test` = the 10 000 MNIST
 * test images. A split is a contiguous range of one MNIST part, so split-relative digit index `i`
 * is MNIST image `start + i` of `part`, and validation digits are never training digits.
 */
import type { MnistPart } from './mnist';

/** The three splits of the ranking benchmark. */
export type DigitSplit = 'train' | 'validation' | 'test';

/** The splits in their usual order. */
export const DIGIT_SPLITS: readonly DigitSplit[] = ['train', 'validation', 'test'];

/** Where a split lies in the MNIST distribution: images [start, start + count) of `part`. */
export interface DigitSplitRange {
  split: DigitSplit;
  part: MnistPart;
  start: number;
  count: number;
}

/** Size of the training split; the rest of MNIST train (5 000 digits) is validation. */
export const TRAIN_SPLIT_SIZE = 55_000;

const RANGES: Record<DigitSplit, DigitSplitRange> = {
  train: { split: 'train', part: 'train', start: 0, count: TRAIN_SPLIT_SIZE },
  validation: { split: 'validation', part: 'train', start: TRAIN_SPLIT_SIZE, count: 60_000 - TRAIN_SPLIT_SIZE },
  test: { split: 'test', part: 'test', start: 0, count: 10_000 },
};

/** The MNIST range of `split`; throws on an unknown split name. */
export function digitSplitRange(split: DigitSplit): DigitSplitRange {
  if (!Object.prototype.hasOwnProperty.call(RANGES, split)) {
    throw new Error(`split must be one of ${DIGIT_SPLITS.join(', ')}, got ${String(split)}`);
  }
  return RANGES[split];
}
