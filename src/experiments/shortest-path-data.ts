/**
 * The maps a shortest-path run trains and evaluates on: the first `trainMaps` / `valMaps` /
 * `testMaps` maps of each split of a folder in the Warcraft layout (`loadShortestPathDataset`),
 * either the generated terrain (`ensureTerrainDataset`, cached in `data/terrain-12x12-<sizes>/`,
 * one folder per size so runs of different presets never regenerate each other's files) or a
 * user's folder (e.g. the real Warcraft maps).
 *
 * Images are standardised per channel with the training maps' statistics:
 *   x = (v / 255 − mean_c) / std_c,  v ∈ 0..255,
 * and batches are assembled from the typed arrays (one lookup per pixel, no tensor per map).
 */
import * as path from 'node:path';
import {
  DEFAULT_TERRAIN_DIR,
  ensureTerrainDataset,
  loadShortestPathDataset,
  type ShortestPathDataset,
  type ShortestPathSplit,
} from '../data/index';

export interface ShortestPathSizes {
  train: number;
  val: number;
  test: number;
}

/** Three splits and the per-channel standardisation of the images. */
export interface ShortestPathData {
  dir: string;
  splits: Record<ShortestPathSplit, ShortestPathDataset>;
  /** Per-channel mean and standard deviation of the training images, in 0..1 units. */
  channelMean: [number, number, number];
  channelStd: [number, number, number];
  /** `table[c * 256 + v]` = standardised value of byte v in channel c. */
  lookup: Float32Array;
}

/** One batch as typed arrays: images `[B, S, S, 3]` standardised, paths and weights `[B, g, g]`. */
export interface ShortestPathBatch {
  size: number;
  imageSize: number;
  gridSize: number;
  images: Float32Array;
  paths: Float32Array;
  weights: Float32Array;
}

let cached: { key: string; data: ShortestPathData } | null = null;

/** Folder of the generated terrain for these split sizes, next to `DEFAULT_TERRAIN_DIR`. */
export function generatedTerrainDir(sizes: ShortestPathSizes): string {
  return `${DEFAULT_TERRAIN_DIR}-${sizes.train}-${sizes.val}-${sizes.test}`;
}

/**
 * The maps of a run: `dataDir` '' generates (once) and loads the terrain dataset of these sizes;
 * any other value is a folder in the Warcraft layout holding at least that many maps per split.
 * The last loaded data stay cached in memory (grids of runs load them once).
 */
export function loadShortestPathData(dataDir: string, sizes: ShortestPathSizes): ShortestPathData {
  const dir = dataDir === '' ? generatedTerrainDir(sizes) : path.resolve(dataDir);
  const key = JSON.stringify([dir, sizes]);
  if (cached?.key === key) return cached.data;
  if (dataDir === '') ensureTerrainDataset({ dir, sizes });
  const splits = {} as Record<ShortestPathSplit, ShortestPathDataset>;
  for (const split of ['train', 'val', 'test'] as const) {
    const full = loadShortestPathDataset(dir, split);
    if (full.count < sizes[split]) {
      throw new Error(`shortest-path data: ${dir} holds ${full.count} ${split} maps, fewer than the ${sizes[split]} asked for (option ${split}Maps)`);
    }
    splits[split] = firstMaps(full, sizes[split]);
  }
  const { mean, std } = channelStatistics(splits.train);
  const lookup = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) lookup[c * 256 + v] = (v / 255 - mean[c]) / std[c];
  const data: ShortestPathData = { dir, splits, channelMean: mean, channelStd: std, lookup };
  cached = { key, data };
  return data;
}

/** The maps `indices` of `dataset` as one batch (images standardised with `data.lookup`). */
export function assembleBatch(data: ShortestPathData, dataset: ShortestPathDataset, indices: ArrayLike<number>): ShortestPathBatch {
  const { imageSize, gridSize } = dataset;
  const pixels = imageSize * imageSize * 3;
  const cells = gridSize * gridSize;
  const size = indices.length;
  const images = new Float32Array(size * pixels);
  const paths = new Float32Array(size * cells);
  const weights = new Float32Array(size * cells);
  for (let b = 0; b < size; b++) {
    const index = indices[b];
    if (!(Number.isInteger(index) && index >= 0 && index < dataset.count)) {
      throw new Error(`assembleBatch: index ${index} out of range [0, ${dataset.count}) of the ${dataset.split} split`);
    }
    const source = dataset.maps.subarray(index * pixels, (index + 1) * pixels);
    const out = b * pixels;
    for (let p = 0; p < pixels; p += 3) {
      images[out + p] = data.lookup[source[p]];
      images[out + p + 1] = data.lookup[256 + source[p + 1]];
      images[out + p + 2] = data.lookup[512 + source[p + 2]];
    }
    paths.set(dataset.paths.subarray(index * cells, (index + 1) * cells), b * cells);
    weights.set(dataset.weights.subarray(index * cells, (index + 1) * cells), b * cells);
  }
  return { size, imageSize, gridSize, images, paths, weights };
}

function firstMaps(dataset: ShortestPathDataset, count: number): ShortestPathDataset {
  if (count === dataset.count) return dataset;
  const pixels = dataset.imageSize * dataset.imageSize * 3;
  const cells = dataset.gridSize * dataset.gridSize;
  return {
    ...dataset,
    count,
    maps: dataset.maps.subarray(0, count * pixels),
    weights: dataset.weights.subarray(0, count * cells),
    paths: dataset.paths.subarray(0, count * cells),
  };
}

function channelStatistics(dataset: ShortestPathDataset): { mean: [number, number, number]; std: [number, number, number] } {
  const sum = [0, 0, 0];
  const squares = [0, 0, 0];
  const { maps } = dataset;
  for (let p = 0; p < maps.length; p += 3) {
    for (let c = 0; c < 3; c++) {
      const v = maps[p + c] / 255;
      sum[c] += v;
      squares[c] += v * v;
    }
  }
  const n = maps.length / 3;
  const mean = sum.map((s) => s / n) as [number, number, number];
  const std = squares.map((s, c) => Math.sqrt(Math.max(s / n - mean[c] ** 2, 1e-12))) as [number, number, number];
  return { mean, std };
}
