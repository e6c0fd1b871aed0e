export { parseIdx, readIdxFile } from './idx';
export type { IdxArray } from './idx';
export { loadMnist, defaultMnistDirectory } from './mnist';
export type { MnistDigits, MnistPart } from './mnist';
export { digitSplitRange, DIGIT_SPLITS, TRAIN_SPLIT_SIZE } from './mnist-splits';
export type { DigitSplit, DigitSplitRange } from './mnist-splits';
export { downscaledDigits } from './digit-downscale';
export type { DownscaledDigits } from './digit-downscale';
export {
  DIGITS_PER_ITEM,
  sampleDigitIndices,
  assembleFourDigitBatch,
  fourDigitTrainingBatch,
  makeEvaluationSets,
} from './four-digit-sets';
export type { FourDigitOptions, FourDigitBatch, EvaluationSets } from './four-digit-sets';
export { npyHeader, encodeNpy, decodeNpy, readNpy, writeNpy } from './npy';
export type { NpyDtype, NpyArray, NpyDataTypes } from './npy';
