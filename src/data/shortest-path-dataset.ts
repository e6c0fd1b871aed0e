/**
 * Shortest-path datasets in the file layout of the Warcraft maps (Vlastelica et al. 2020): per
 * split (`train`, `val`, `test`) three `.npy` files in one folder,
 *   `{split}_maps.npy`            uint8   [N, S, S, 3]  RGB images (S = 8 · g),
 *   `{split}_vertex_weights.npy`  float32 [N, g, g]     hidden tile costs,
 *   `{split}_shortest_paths.npy`  uint8   [N, g, g]     1 on the shortest top-left → bottom-right path.
 * (Generated files use exactly these dtypes; the loader also accepts any other numeric dtype for
 * weights and paths, e.g. the float16 / bool of other copies of the Warcraft data.)
 *
 * `ensureTerrainDataset` generates the procedural terrain stand-in (`terrain.ts`) into
 * `data/terrain-12x12/` on demand and caches it: a `manifest.json` records each split's
 * parameters, and a split is regenerated only when they change or a file is missing.
 * `loadShortestPathDataset` reads generated and real Warcraft folders alike.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, writeNpy, type NpyArray } from './npy';
import { generateTerrainMaps } from './terrain';
import { defaultDataRoot } from '../runtime/data-root';

/** The splits of the Warcraft layout (note: `val`, as in the original file names). */
export type ShortestPathSplit = 'train' | 'val' | 'test';

export const SHORTEST_PATH_SPLITS: readonly ShortestPathSplit[] = ['train', 'val', 'test'];

/** Where generated terrain lives by default: `terrain-12x12` in the default data folder (`defaultDataRoot`). */
export const DEFAULT_TERRAIN_DIR = join(defaultDataRoot(), 'terrain-12x12');

/** The paper's split sizes. */
export const DEFAULT_TERRAIN_SIZES: Readonly<Record<ShortestPathSplit, number>> = { train: 10000, val: 1000, test: 1000 };

/** One split loaded into typed arrays. */
export interface ShortestPathDataset {
  split: ShortestPathSplit;
  count: number;
  /** Tiles per side g (12 for the 12 × 12 maps). */
  gridSize: number;
  /** Image side S in pixels. */
  imageSize: number;
  /** Images `[N, S, S, 3]`, RGB 0..255. */
  maps: Uint8Array;
  /** True vertex weights `[N, g, g]`. */
  weights: Float32Array;
  /** True shortest paths `[N, g, g]`, 0/1. */
  paths: Float32Array;
}

/** Options of `ensureTerrainDataset`. */
export interface TerrainDatasetOptions {
  /** Folder; default `DEFAULT_TERRAIN_DIR`. */
  dir?: string;
  /** Maps per split; missing splits take the paper's sizes (10 000 / 1 000 / 1 000). */
  sizes?: Partial<Record<ShortestPathSplit, number>>;
  /** Seed of the generator; default 0. */
  seed?: number;
  /** Tiles per side; default 12. */
  gridSize?: number;
  /** Called after each split is written (with its generation time in seconds). */
  onSplit?: (split: ShortestPathSplit, count: number, seconds: number) => void;
}

/** What `ensureTerrainDataset` found and did. */
export interface TerrainDatasetStatus {
  dir: string;
  /** Splits written by this call (empty when everything was cached). */
  generated: ShortestPathSplit[];
  sizes: Record<ShortestPathSplit, number>;
}

const MANIFEST = 'manifest.json';
const GENERATOR = 'newton-losses procedural terrain';
/** Bump when the generator's output changes, so cached datasets are regenerated. */
const GENERATOR_VERSION = 1;

interface SplitManifest {
  seed: number;
  count: number;
  gridSize: number;
  version: number;
}

interface Manifest {
  generator: string;
  splits: Partial<Record<ShortestPathSplit, SplitManifest>>;
}

/**
 * Makes sure `dir` holds the generated terrain dataset with these parameters, generating (only)
 * the splits whose parameters changed or whose files are missing. Refuses to write into a folder
 * that holds split files but no manifest of this generator (e.g. the real Warcraft data).
 */
export function ensureTerrainDataset(options: TerrainDatasetOptions = {}): TerrainDatasetStatus {
  const { dir = DEFAULT_TERRAIN_DIR, seed = 0, gridSize = 12, onSplit } = options;
  const sizes = { ...DEFAULT_TERRAIN_SIZES, ...options.sizes };
  for (const split of Object.keys(sizes)) {
    if (!SHORTEST_PATH_SPLITS.includes(split as ShortestPathSplit)) {
      throw new Error(`sizes: unknown split '${split}', expected ${SHORTEST_PATH_SPLITS.join(', ')}`);
    }
    const count = sizes[split as ShortestPathSplit];
    if (!Number.isInteger(count) || count < 1) throw new Error(`sizes.${split} must be a positive integer, got ${count}`);
  }
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  mkdirSync(dir, { recursive: true });
  const manifest = readManifest(dir);
  const generated: ShortestPathSplit[] = [];
  for (const split of SHORTEST_PATH_SPLITS) {
    const wanted: SplitManifest = { seed, count: sizes[split], gridSize, version: GENERATOR_VERSION };
    const files = splitFiles(dir, split);
    const present = Object.values(files).every((path) => existsSync(path));
    if (present && sameParameters(manifest.splits[split], wanted)) continue;
    const started = Date.now();
    const terrain = generateTerrainMaps(wanted.count, seed, { split, gridSize });
    const g = gridSize;
    const s = terrain.imageSize;
    // The manifest entry goes first, so an interrupted write is regenerated next time.
    delete manifest.splits[split];
    writeManifest(dir, manifest);
    writeNpy(files.maps, { dtype: 'uint8', shape: [wanted.count, s, s, 3], data: terrain.maps });
    writeNpy(files.weights, { dtype: 'float32', shape: [wanted.count, g, g], data: terrain.weights });
    writeNpy(files.paths, { dtype: 'uint8', shape: [wanted.count, g, g], data: terrain.paths });
    manifest.splits[split] = wanted;
    writeManifest(dir, manifest);
    generated.push(split);
    onSplit?.(split, wanted.count, (Date.now() - started) / 1000);
  }
  return { dir, generated, sizes };
}

/**
 * Loads one split from a folder in the Warcraft layout (generated or real). Checks that the three
 * files agree on N and g, that maps are `[N, 8g, 8g, 3]`, weights finite and ≥ 0, paths 0/1.
 * Maps must be uint8; weights and paths of any numeric dtype are converted to float32.
 */
export function loadShortestPathDataset(dir: string, split: ShortestPathSplit): ShortestPathDataset {
  if (!SHORTEST_PATH_SPLITS.includes(split)) {
    throw new Error(`split must be one of ${SHORTEST_PATH_SPLITS.join(', ')}, got ${String(split)}`);
  }
  const files = splitFiles(dir, split);
  const maps = readNpy(files.maps);
  const weights = readNpy(files.weights);
  const paths = readNpy(files.paths);
  if (maps.dtype !== 'uint8' || maps.shape.length !== 4 || maps.shape[1] !== maps.shape[2] || maps.shape[3] !== 3) {
    throw new Error(`${files.maps}: expected uint8 images [N, S, S, 3], got ${maps.dtype} (${maps.shape.join(', ')})`);
  }
  const [count, imageSize] = maps.shape;
  for (const [path, array] of [[files.weights, weights], [files.paths, paths]] as const) {
    const [n, h, w] = array.shape;
    if (array.shape.length !== 3 || n !== count || h !== w || h * 8 !== imageSize) {
      throw new Error(
        `${path}: shape (${array.shape.join(', ')}) does not match maps (${maps.shape.join(', ')}); expected (N, S/8, S/8)`,
      );
    }
  }
  const weightValues = toFloat32(weights);
  const bad = weightValues.findIndex((v) => !(v >= 0 && Number.isFinite(v)));
  if (bad >= 0) throw new Error(`${files.weights}: weight ${weightValues[bad]} at index ${bad}, expected finite and ≥ 0`);
  const pathValues = toFloat32(paths);
  const notBinary = pathValues.findIndex((v) => v !== 0 && v !== 1);
  if (notBinary >= 0) throw new Error(`${files.paths}: value ${pathValues[notBinary]} at index ${notBinary}, expected 0 or 1`);
  return {
    split,
    count,
    gridSize: imageSize / 8,
    imageSize,
    maps: maps.data as Uint8Array,
    weights: weightValues,
    paths: pathValues,
  };
}

/** The RGB image `[S, S, 3]` of map `index` (a view, no copy), e.g. for plotting. */
export function terrainMapImage(dataset: ShortestPathDataset, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new Error(`index must be an integer in [0, ${dataset.count}), got ${index}`);
  }
  const size = dataset.imageSize * dataset.imageSize * 3;
  return dataset.maps.subarray(index * size, (index + 1) * size);
}

/** Paths of the three files of `split` in `dir`. */
export function splitFiles(dir: string, split: ShortestPathSplit): { maps: string; weights: string; paths: string } {
  return {
    maps: join(dir, `${split}_maps.npy`),
    weights: join(dir, `${split}_vertex_weights.npy`),
    paths: join(dir, `${split}_shortest_paths.npy`),
  };
}

function toFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  if (array.data instanceof BigInt64Array) return Float32Array.from(array.data, (v) => Number(v));
  return Float32Array.from(array.data);
}

function sameParameters(found: SplitManifest | undefined, wanted: SplitManifest): boolean {
  return (
    found !== undefined &&
    found.seed === wanted.seed &&
    found.count === wanted.count &&
    found.gridSize === wanted.gridSize &&
    found.version === wanted.version
  );
}

function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) {
    const foreign = SHORTEST_PATH_SPLITS.find((split) => Object.values(splitFiles(dir, split)).some((file) => existsSync(file)));
    if (foreign) {
      throw new Error(
        `${dir} holds ${foreign} files but no ${MANIFEST}: not a generated terrain folder (real Warcraft data?); refusing to overwrite it — pass another dir`,
      );
    }
    return { generator: GENERATOR, splits: {} };
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (manifest.generator !== GENERATOR) {
    throw new Error(`${path} was not written by the terrain generator (generator '${manifest.generator}'); refusing to overwrite`);
  }
  return manifest;
}

function writeManifest(dir: string, manifest: Manifest): void {
  const path = join(dir, MANIFEST);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, path);
}
