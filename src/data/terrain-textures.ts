/**
 * The terrain types of the generated shortest-path dataset: each has a hidden cost (the vertex
 * weight a path pays to cross the tile, the five values of the Warcraft maps) and a procedural
 * 8 × 8 texture, so that a network has to learn costs from appearance (colour alone is blurred by
 * the per-map jitter and pixel noise added in `terrain.ts`).
 *
 * A painter fills an 8 × 8 × 3 RGB tile (row-major, values 0..255 as floats) using `rng` for its
 * random details; every call draws a fresh variation.
 */
import type { Rng } from '../runtime/random';

/** Tile side in pixels. */
export const TILE_SIZE = 8;

/** One terrain type: name, hidden cost and texture painter. */
export interface TerrainType {
  name: string;
  cost: number;
  paint(tile: Float32Array, rng: Rng): void;
}

type Rgb = readonly [number, number, number];

/** Sandy dirt with scattered pebbles (cheapest). */
function paintDirt(tile: Float32Array, rng: Rng): void {
  fillSpeckled(tile, rng, [181, 148, 100], [14, 12, 9]);
  const pebbles = 3 + rng.int(3);
  for (let i = 0; i < pebbles; i++) {
    setPixel(tile, rng.int(TILE_SIZE), rng.int(TILE_SIZE), rng.uniform() < 0.5 ? [138, 110, 74] : [214, 190, 146]);
  }
}

/** Grass: green speckle with a few lighter blades. */
function paintGrass(tile: Float32Array, rng: Rng): void {
  fillSpeckled(tile, rng, [86, 148, 58], [8, 22, 8]);
  const blades = 3 + rng.int(3);
  for (let i = 0; i < blades; i++) {
    const x = rng.int(TILE_SIZE);
    const y = rng.int(TILE_SIZE - 1);
    setPixel(tile, x, y, [124, 188, 82]);
    setPixel(tile, x, y + 1, [110, 176, 72]);
  }
}

/** Forest: dark ground with round tree crowns (lit top-left) and trunks. */
function paintForest(tile: Float32Array, rng: Rng): void {
  fillSpeckled(tile, rng, [58, 84, 40], [8, 10, 6]);
  const trees = 2 + rng.int(2);
  for (let t = 0; t < trees; t++) {
    const cx = 1 + rng.uniform() * 6;
    const cy = 1 + rng.uniform() * 5;
    const radius = 1.4 + rng.uniform() * 0.9;
    setPixel(tile, Math.round(cx), Math.min(TILE_SIZE - 1, Math.round(cy + radius)), [82, 58, 34]);
    for (let y = 0; y < TILE_SIZE; y++) {
      for (let x = 0; x < TILE_SIZE; x++) {
        const dx = x - cx;
        const dy = y - cy;
        if (dx * dx + dy * dy > radius * radius) continue;
        setPixel(tile, x, y, dx + dy < -radius * 0.6 ? [52, 112, 46] : [24, 64, 28]);
      }
    }
  }
}

/** Rock: mottled grey with a dark crack and light edges. */
function paintRock(tile: Float32Array, rng: Rng): void {
  fillSpeckled(tile, rng, [132, 126, 120], [18, 18, 18], true);
  let x = rng.int(TILE_SIZE);
  let y = 0;
  const dx = rng.uniform() < 0.5 ? -1 : 1;
  while (y < TILE_SIZE && x >= 0 && x < TILE_SIZE) {
    setPixel(tile, x, y, [70, 66, 62]);
    if (rng.uniform() < 0.5) x += dx;
    y++;
  }
  const highlights = 2 + rng.int(3);
  for (let i = 0; i < highlights; i++) setPixel(tile, rng.int(TILE_SIZE), rng.int(TILE_SIZE), [184, 180, 172]);
}

/** Water: blue with light wave crests along two rows (most expensive). */
function paintWater(tile: Float32Array, rng: Rng): void {
  fillSpeckled(tile, rng, [46, 90, 168], [4, 6, 10]);
  const phase = rng.uniform() * 2 * Math.PI;
  const first = rng.int(3);
  for (const row of [first, first + 4]) {
    for (let x = 0; x < TILE_SIZE; x++) {
      const crest = Math.sin(x * 1.1 + phase + row);
      if (crest > 0.2) setPixel(tile, x, row, [112, 152, 214]);
      else if (crest < -0.6 && row + 1 < TILE_SIZE) setPixel(tile, x, row + 1, [30, 66, 138]);
    }
  }
}

/** The five terrain types, cheapest first; index = the type id used in layouts. */
export const TERRAIN_TYPES: readonly TerrainType[] = [
  { name: 'dirt', cost: 0.8, paint: paintDirt },
  { name: 'grass', cost: 1.2, paint: paintGrass },
  { name: 'forest', cost: 5.3, paint: paintForest },
  { name: 'rock', cost: 7.7, paint: paintRock },
  { name: 'water', cost: 9.2, paint: paintWater },
];

/**
 * Fills the tile with `base` plus uniform per-pixel variation of ±`spread`, independent per
 * channel, or one shared draw for all channels when `grey` (one 32-bit draw per pixel: a byte each).
 */
function fillSpeckled(tile: Float32Array, rng: Rng, base: Rgb, spread: Rgb, grey = false): void {
  for (let p = 0; p < TILE_SIZE * TILE_SIZE; p++) {
    const bits = rng.nextUint32();
    for (let c = 0; c < 3; c++) {
      const byte = grey ? bits & 0xff : (bits >>> (8 * c)) & 0xff;
      tile[3 * p + c] = base[c] + spread[c] * (byte / 127.5 - 1);
    }
  }
}

function setPixel(tile: Float32Array, x: number, y: number, colour: Rgb): void {
  const at = 3 * (y * TILE_SIZE + x);
  tile[at] = colour[0];
  tile[at + 1] = colour[1];
  tile[at + 2] = colour[2];
}
