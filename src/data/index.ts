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
  fourDigitTrainingValues,
  makeEvaluationSets,
} from './four-digit-sets';
export type { FourDigitOptions, FourDigitBatch, EvaluationSets } from './four-digit-sets';
export { npyHeader, encodeNpy, decodeNpy, readNpy, writeNpy } from './npy';
export type { NpyDtype, NpyArray, NpyDataTypes } from './npy';
export { TERRAIN_TYPES, TILE_SIZE } from './terrain-textures';
export type { TerrainType } from './terrain-textures';
export { generateTerrainMaps } from './terrain';
export type { TerrainOptions, TerrainMaps } from './terrain';
export {
  ensureTerrainDataset,
  loadShortestPathDataset,
  terrainMapImage,
  splitFiles,
  SHORTEST_PATH_SPLITS,
  DEFAULT_TERRAIN_DIR,
  DEFAULT_TERRAIN_SIZES,
} from './shortest-path-dataset';
export type {
  ShortestPathSplit,
  ShortestPathDataset,
  TerrainDatasetOptions,
  TerrainDatasetStatus,
} from './shortest-path-dataset';
