/**
 * Procedural terrain maps in the layout of the Warcraft shortest-path dataset (Vlastelica et al.
 * 2020), whose maps are not available here: a `g × g` grid of terrain tiles (g = 12 by default),
 * each drawn as an 8 × 8 RGB texture (96 × 96 × 3 uint8 images), the tiles' hidden costs as vertex
 * weights, and the shortest top-left → bottom-right path on the 8-neighbour grid by the project's
 * exact Dijkstra.
 *
 * Layout: two smooth random fields over the tiles, "elevation" e and "moisture" m, each value
 * noise (random values on a lattice of 4-tile cells, smoothstep-interpolated, plus an octave at
 * 2-tile cells of half the amplitude), so terrain comes in coherent regions:
 *   e < 0.36 → water, e > 0.64 → rock, otherwise m > 0.58 → forest, m < 0.42 → dirt, else grass.
 * Appearance: each tile is painted by its type's procedural texture (`terrain-textures.ts`), then
 * the whole map gets a random brightness (×0.85..1.15) and colour cast (±12 per channel), each tile
 * a brightness jitter (±4%), and each pixel uniform noise (±`pixelNoise`, default 10).
 *
 * Map i of a split is a pure function of (seed, split, i), so sizes can change without changing
 * the maps both sizes share.
 */
import { dijkstraBatch } from '../relaxations/shortest-path/dijkstra';
import type { Rng } from '../runtime/random';
import { indexedStream } from './indexed-stream';
import { TERRAIN_TYPES, TILE_SIZE } from './terrain-textures';

/** Options of the generator. */
export interface TerrainOptions {
  /** Tiles per side, default 12 (96 × 96 pixel maps). */
  gridSize?: number;
  /** Amplitude of the uniform per-pixel noise, in 0..255 units; default 10. */
  pixelNoise?: number;
}

/** `count` generated maps with their hidden costs and true shortest paths. */
export interface TerrainMaps {
  count: number;
  gridSize: number;
  /** Image side in pixels, `gridSize · 8`. */
  imageSize: number;
  /** Images `[N, S, S, 3]`, RGB 0..255 (S = imageSize). */
  maps: Uint8Array;
  /** Terrain type of each tile `[N, g, g]`, an index into `TERRAIN_TYPES`. */
  types: Uint8Array;
  /** Hidden tile costs `[N, g, g]`, `TERRAIN_TYPES[type].cost`. */
  weights: Float32Array;
  /** Shortest path `[N, g, g]`, 1 on the cells of the path (both ends included), else 0. */
  paths: Uint8Array;
  /** Cost of each shortest path `[N]`. */
  costs: Float64Array;
}

const ELEVATION_WATER = 0.36;
const ELEVATION_ROCK = 0.64;
const MOISTURE_FOREST = 0.58;
const MOISTURE_DIRT = 0.42;
const TYPE = { dirt: 0, grass: 1, forest: 2, rock: 3, water: 4 } as const;

/**
 * Generates maps `first .. first + count − 1` of `split` under `seed`.
 * Throws on a non-positive count, a negative `first`, gridSize < 2 or a negative pixel noise.
 */
export function generateTerrainMaps(
  count: number,
  seed: number,
  options: TerrainOptions & { split?: string; first?: number } = {},
): TerrainMaps {
  const { gridSize = 12, pixelNoise = 10, split = 'train', first = 0 } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(first) || first < 0) throw new Error(`first must be a non-negative integer, got ${first}`);
  if (!Number.isInteger(gridSize) || gridSize < 2) throw new Error(`gridSize must be an integer ≥ 2, got ${gridSize}`);
  if (!(pixelNoise >= 0 && pixelNoise <= 255)) throw new Error(`pixelNoise must be in [0, 255], got ${pixelNoise}`);
  const cells = gridSize * gridSize;
  const imageSize = gridSize * TILE_SIZE;
  const mapBytes = imageSize * imageSize * 3;
  const maps = new Uint8Array(count * mapBytes);
  const types = new Uint8Array(count * cells);
  const weights = new Float32Array(count * cells);
  for (let i = 0; i < count; i++) {
    const rng = indexedStream(seed, `terrain:${split}`, first + i);
    const layout = types.subarray(i * cells, (i + 1) * cells);
    terrainLayout(rng, gridSize, layout);
    for (let cell = 0; cell < cells; cell++) weights[i * cells + cell] = TERRAIN_TYPES[layout[cell]].cost;
    renderTerrain(rng, layout, gridSize, pixelNoise, maps.subarray(i * mapBytes, (i + 1) * mapBytes));
  }
  const paths = new Uint8Array(count * cells);
  const costs = new Float64Array(count);
  dijkstraBatch(weights, count, gridSize, gridSize, paths, costs);
  return { count, gridSize, imageSize, maps, types, weights, paths, costs };
}

/** Fills `out` (`[g, g]`) with terrain type ids laid out by the elevation and moisture fields. */
function terrainLayout(rng: Rng, gridSize: number, out: Uint8Array): Uint8Array {
  const elevation = smoothField(rng, gridSize);
  const moisture = smoothField(rng, gridSize);
  for (let cell = 0; cell < gridSize * gridSize; cell++) {
    const e = elevation[cell];
    const m = moisture[cell];
    out[cell] =
      e < ELEVATION_WATER ? TYPE.water
      : e > ELEVATION_ROCK ? TYPE.rock
      : m > MOISTURE_FOREST ? TYPE.forest
      : m < MOISTURE_DIRT ? TYPE.dirt
      : TYPE.grass;
  }
  return out;
}

/** Paints the tiles of `layout` into `image` (`[S, S, 3]`) with jitter and noise. */
function renderTerrain(rng: Rng, layout: Uint8Array, gridSize: number, pixelNoise: number, image: Uint8Array): void {
  const tileSize = TILE_SIZE;
  const imageSize = gridSize * tileSize;
  const pixels = new Uint8ClampedArray(image.buffer, image.byteOffset, image.length); // rounds and clamps
  const brightness = 0.85 + 0.3 * rng.uniform();
  const cast = [0, 1, 2].map(() => 24 * rng.uniform() - 12);
  const tile = new Float32Array(tileSize * tileSize * 3);
  const noiseScale = (2 * pixelNoise) / 255;
  for (let row = 0; row < gridSize; row++) {
    for (let col = 0; col < gridSize; col++) {
      TERRAIN_TYPES[layout[row * gridSize + col]].paint(tile, rng);
      const tileBrightness = brightness * (0.96 + 0.08 * rng.uniform());
      for (let y = 0; y < tileSize; y++) {
        for (let x = 0; x < tileSize; x++) {
          const bits = rng.nextUint32(); // one draw: a byte of noise per channel
          const source = 3 * (y * tileSize + x);
          const target = 3 * ((row * tileSize + y) * imageSize + col * tileSize + x);
          for (let c = 0; c < 3; c++) {
            pixels[target + c] = tile[source + c] * tileBrightness + cast[c] + ((bits >>> (8 * c)) & 0xff) * noiseScale - pixelNoise;
          }
        }
      }
    }
  }
}

/**
 * Value noise on the `g × g` tiles in [0, 1]: (octave(4) + octave(2) / 2) / 1.5, where octave(s)
 * draws uniform values on a lattice of s-tile cells at a random offset and interpolates them with
 * smoothstep weights, sampled at the tile centres.
 */
function smoothField(rng: Rng, gridSize: number): Float64Array {
  const field = new Float64Array(gridSize * gridSize);
  for (const [cell, amplitude] of [[4, 1 / 1.5], [2, 0.5 / 1.5]]) {
    const lattice = Math.ceil(gridSize / cell) + 2;
    const values = new Float64Array(lattice * lattice);
    for (let k = 0; k < values.length; k++) values[k] = rng.uniform();
    const offsetX = rng.uniform() * cell;
    const offsetY = rng.uniform() * cell;
    for (let row = 0; row < gridSize; row++) {
      const fy = (row + 0.5 + offsetY) / cell;
      const iy = Math.floor(fy);
      const ty = smoothstep(fy - iy);
      for (let col = 0; col < gridSize; col++) {
        const fx = (col + 0.5 + offsetX) / cell;
        const ix = Math.floor(fx);
        const tx = smoothstep(fx - ix);
        const top = values[iy * lattice + ix] * (1 - tx) + values[iy * lattice + ix + 1] * tx;
        const bottom = values[(iy + 1) * lattice + ix] * (1 - tx) + values[(iy + 1) * lattice + ix + 1] * tx;
        field[row * gridSize + col] += amplitude * (top * (1 - ty) + bottom * ty);
      }
    }
  }
  return field;
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}
