import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TERRAIN_TYPES,
  decodeNpy,
  ensureTerrainDataset,
  generateTerrainMaps,
  loadShortestPathDataset,
  npyHeader,
  splitFiles,
  terrainMapImage,
  writeNpy,
  SHORTEST_PATH_SPLITS,
} from '../src/data/index';

const SIZES = { train: 60, val: 20, test: 20 };

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'terrain-'));
}

/** Optimal top-left → bottom-right cost on the 8-neighbour grid by Bellman–Ford (independent of Dijkstra). */
function optimalCost(weights: ArrayLike<number>, g: number): number {
  const distance = new Float64Array(g * g).fill(Infinity);
  distance[0] = weights[0];
  for (let changed = true; changed; ) {
    changed = false;
    for (let cell = 0; cell < g * g; cell++) {
      const r = Math.floor(cell / g);
      const c = cell % g;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const nr = r + dr;
          const nc = c + dc;
          if ((dr || dc) && nr >= 0 && nr < g && nc >= 0 && nc < g) {
            const candidate = distance[nr * g + nc] + weights[cell];
            if (candidate < distance[cell] - 1e-9) {
              distance[cell] = candidate;
              changed = true;
            }
          }
        }
      }
    }
  }
  return distance[g * g - 1];
}

/** Whether the cells marked in `path` connect the two corners through 8-neighbour steps. */
function connectsCorners(path: ArrayLike<number>, g: number): boolean {
  if (path[0] !== 1 || path[g * g - 1] !== 1) return false;
  const seen = new Uint8Array(g * g);
  const stack = [0];
  seen[0] = 1;
  while (stack.length) {
    const cell = stack.pop() as number;
    const r = Math.floor(cell / g);
    const c = cell % g;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const nr = r + dr;
        const nc = c + dc;
        const next = nr * g + nc;
        if (nr >= 0 && nr < g && nc >= 0 && nc < g && path[next] === 1 && !seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
  }
  return seen[g * g - 1] === 1;
}

test('terrain: same seed gives byte-identical files, another seed different ones', () => {
  const [a, b, c] = [temporaryDir(), temporaryDir(), temporaryDir()];
  try {
    ensureTerrainDataset({ dir: a, sizes: SIZES, seed: 7 });
    ensureTerrainDataset({ dir: b, sizes: SIZES, seed: 7 });
    ensureTerrainDataset({ dir: c, sizes: SIZES, seed: 8 });
    for (const split of SHORTEST_PATH_SPLITS) {
      for (const [kind, path] of Object.entries(splitFiles(a, split))) {
        const name = path.slice(a.length + 1);
        assert.ok(readFileSync(path).equals(readFileSync(join(b, name))), `${name} identical for the same seed`);
        if (kind === 'maps') assert.ok(!readFileSync(path).equals(readFileSync(join(c, name))), `${name} differs for another seed`);
      }
    }
    // Splits are different maps, not copies of each other.
    assert.notDeepEqual(loadShortestPathDataset(a, 'val').weights, loadShortestPathDataset(a, 'test').weights);
  } finally {
    for (const dir of [a, b, c]) rmSync(dir, { recursive: true });
  }
});

test('terrain: every stored path is a connected corner-to-corner path of optimal cost', () => {
  const dir = temporaryDir();
  try {
    ensureTerrainDataset({ dir, sizes: SIZES, seed: 1 });
    for (const split of SHORTEST_PATH_SPLITS) {
      const data = loadShortestPathDataset(dir, split);
      assert.equal(data.count, SIZES[split]);
      assert.equal(data.gridSize, 12);
      assert.equal(data.imageSize, 96);
      const g = 12;
      for (let i = 0; i < data.count; i++) {
        const weights = data.weights.subarray(i * g * g, (i + 1) * g * g);
        const path = data.paths.subarray(i * g * g, (i + 1) * g * g);
        assert.ok(connectsCorners(path, g), `${split} map ${i}: path connects the corners`);
        const pathCost = path.reduce((sum, on, k) => sum + on * weights[k], 0);
        // Positive weights: the marked cells cost at least the optimal route through them, so
        // equality means they are exactly an optimal path.
        assert.ok(Math.abs(pathCost - optimalCost(weights, g)) < 1e-4, `${split} map ${i}: cost ${pathCost} is optimal`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('terrain: every type appears, with its cost, in coherent regions, and looks distinct', () => {
  const maps = generateTerrainMaps(200, 3);
  const g = maps.gridSize;
  const counts = new Float64Array(TERRAIN_TYPES.length);
  let same = 0;
  let pairs = 0;
  for (let i = 0; i < maps.count; i++) {
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const cell = i * g * g + r * g + c;
        const type = maps.types[cell];
        counts[type]++;
        assert.equal(maps.weights[cell], Math.fround(TERRAIN_TYPES[type].cost));
        if (c + 1 < g) {
          pairs++;
          same += Number(maps.types[cell + 1] === type);
        }
        if (r + 1 < g) {
          pairs++;
          same += Number(maps.types[cell + g] === type);
        }
      }
    }
  }
  const shares = Array.from(counts, (n) => n / (maps.count * g * g));
  assert.ok(shares.every((s) => s > 0.1), `every type is common: ${shares}`);
  const chance = shares.reduce((sum, s) => sum + s * s, 0);
  assert.ok(same / pairs > 2.5 * chance, `neighbours share a type ${same / pairs} vs chance ${chance}`);
  assert.deepEqual(TERRAIN_TYPES.map((t) => t.cost), [0.8, 1.2, 5.3, 7.7, 9.2]);

  // Appearance carries the type: nearest class mean of a tile's mean colour and its contrast.
  const features = (i: number, r: number, c: number): number[] => {
    const sums = [0, 0, 0, 0];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const at = ((i * 96 + r * 8 + y) * 96 + c * 8 + x) * 3;
        for (let ch = 0; ch < 3; ch++) sums[ch] += maps.maps[at + ch];
        sums[3] += Math.abs(maps.maps[at + 1] - maps.maps[at + 1 - 3 * (x > 0 ? 1 : 0)]);
      }
    }
    return sums.map((s) => s / 64);
  };
  const means = TERRAIN_TYPES.map(() => [0, 0, 0, 0]);
  const tiles: [number[], number][] = [];
  for (let i = 0; i < maps.count; i++) {
    for (let cell = 0; cell < g * g; cell++) {
      const f = features(i, Math.floor(cell / g), cell % g);
      const type = maps.types[i * g * g + cell];
      tiles.push([f, type]);
      f.forEach((v, k) => (means[type][k] += v / counts[type]));
    }
  }
  let correct = 0;
  for (const [f, type] of tiles) {
    const distances = means.map((m) => m.reduce((sum, v, k) => sum + (v - f[k]) ** 2, 0));
    correct += Number(distances.indexOf(Math.min(...distances)) === type);
  }
  assert.ok(correct / tiles.length > 0.9, `tile types recognisable from appearance: ${correct / tiles.length}`);
  // Per-map jitter: the same type does not have one fixed colour.
  const waterGreen = tiles.filter(([, t]) => t === 4).map(([f]) => f[1]);
  const spread = Math.max(...waterGreen) - Math.min(...waterGreen);
  assert.ok(spread > 20, `water colour varies across maps: range ${spread}`);
});

test('terrain: map i is the same whatever the split size (prefix-stable)', () => {
  const all = generateTerrainMaps(12, 5, { split: 'val' });
  const tail = generateTerrainMaps(4, 5, { split: 'val', first: 8 });
  assert.deepEqual(tail.maps, all.maps.subarray(8 * 96 * 96 * 3));
  assert.deepEqual(tail.paths, all.paths.subarray(8 * 144));
  assert.notDeepEqual(generateTerrainMaps(4, 5, { split: 'test' }).weights, all.weights.subarray(0, 4 * 144));
  assert.throws(() => generateTerrainMaps(0, 1), /count must be a positive integer, got 0/);
  assert.throws(() => generateTerrainMaps(1, 1, { gridSize: 1 }), /gridSize must be an integer ≥ 2, got 1/);
  const small = generateTerrainMaps(3, 1, { gridSize: 5 });
  assert.equal(small.imageSize, 40);
  assert.equal(small.maps.length, 3 * 40 * 40 * 3);
});

test('terrain: files follow numpy format rules (header, dtype, shape, C order)', () => {
  const dir = temporaryDir();
  try {
    ensureTerrainDataset({ dir, sizes: SIZES, seed: 2 });
    const expected = { maps: ['uint8', [60, 96, 96, 3]], weights: ['float32', [60, 12, 12]], paths: ['uint8', [60, 12, 12]] } as const;
    for (const [kind, path] of Object.entries(splitFiles(dir, 'train')) as ['maps' | 'weights' | 'paths', string][]) {
      const bytes = readFileSync(path);
      const [dtype, shape] = expected[kind];
      const header = npyHeader(dtype, shape as unknown as number[]);
      assert.ok(bytes.subarray(0, header.length).equals(header), `${kind}: np.save header`);
      assert.match(bytes.toString('latin1', 0, header.length), /'fortran_order': False/);
      const decoded = decodeNpy(bytes);
      assert.equal(decoded.dtype, dtype);
      assert.deepEqual(decoded.shape, shape);
    }
    const numpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
    if (numpy) {
      const script = `
import numpy as np
for name in ['train_maps', 'train_vertex_weights', 'train_shortest_paths']:
    a = np.load('${dir}/' + name + '.npy')
    print(name, a.dtype, a.shape, a.flags['C_CONTIGUOUS'], int(a.min()), float(a.max()))
p = np.load('${dir}/train_shortest_paths.npy'); w = np.load('${dir}/train_vertex_weights.npy')
print('path-cost', round(float((p * w).sum()), 3))
`;
      const out = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const lines = out.stdout.trim().split('\n');
      assert.match(lines[0], /^train_maps uint8 \(60, 96, 96, 3\) True 0 255\.0$/);
      assert.match(lines[1], /^train_vertex_weights float32 \(60, 12, 12\) True 0 9\.19/);
      assert.match(lines[2], /^train_shortest_paths uint8 \(60, 12, 12\) True 0 1\.0$/);
      const data = loadShortestPathDataset(dir, 'train');
      const ours = data.paths.reduce((sum, on, k) => sum + on * data.weights[k], 0);
      assert.ok(Math.abs(Number(lines[3].split(' ')[1]) - ours) < 1e-2);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('terrain: the dataset is cached and regenerated only where parameters changed', () => {
  const dir = temporaryDir();
  try {
    const first = ensureTerrainDataset({ dir, sizes: SIZES, seed: 4 });
    assert.deepEqual(first.generated, ['train', 'val', 'test']);
    assert.deepEqual(ensureTerrainDataset({ dir, sizes: SIZES, seed: 4 }).generated, []);
    const trainBefore = readFileSync(join(dir, 'train_maps.npy'));
    assert.deepEqual(ensureTerrainDataset({ dir, sizes: { ...SIZES, test: 30 }, seed: 4 }).generated, ['test']);
    assert.equal(loadShortestPathDataset(dir, 'test').count, 30);
    assert.ok(readFileSync(join(dir, 'train_maps.npy')).equals(trainBefore));
    unlinkSync(join(dir, 'val_shortest_paths.npy'));
    assert.deepEqual(ensureTerrainDataset({ dir, sizes: { ...SIZES, test: 30 }, seed: 4 }).generated, ['val']);
    assert.deepEqual(ensureTerrainDataset({ dir, sizes: { ...SIZES, test: 30 }, seed: 5 }).generated, ['train', 'val', 'test']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.splits.test, { seed: 5, count: 30, gridSize: 12, version: 1 });
    assert.deepEqual(readdirSync(dir).sort(), [
      'manifest.json',
      'test_maps.npy', 'test_shortest_paths.npy', 'test_vertex_weights.npy',
      'train_maps.npy', 'train_shortest_paths.npy', 'train_vertex_weights.npy',
      'val_maps.npy', 'val_shortest_paths.npy', 'val_vertex_weights.npy',
    ]);
    assert.throws(() => ensureTerrainDataset({ dir, sizes: { train: 0 } }), /sizes.train must be a positive integer, got 0/);
    assert.throws(() => ensureTerrainDataset({ dir, sizes: { validation: 3 } as never }), /unknown split 'validation'/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('terrain: a folder of foreign (e.g. real Warcraft) files is read, never overwritten', () => {
  const dir = temporaryDir();
  try {
    // A Warcraft-like split written by someone else: float16 weights, bool paths, no manifest.
    const g = 12;
    const maps = new Uint8Array(2 * 96 * 96 * 3).fill(90);
    const weights = new Float32Array(2 * g * g).fill(1.2);
    const paths = new Uint8Array(2 * g * g);
    for (let i = 0; i < 2; i++) for (let k = 0; k < g; k++) paths[i * g * g + k * g + k] = 1;
    writeNpy(join(dir, 'test_maps.npy'), { dtype: 'uint8', shape: [2, 96, 96, 3], data: maps });
    writeNpy(join(dir, 'test_vertex_weights.npy'), { dtype: 'float16', shape: [2, g, g], data: weights });
    writeNpy(join(dir, 'test_shortest_paths.npy'), { dtype: 'bool', shape: [2, g, g], data: paths });
    const data = loadShortestPathDataset(dir, 'test');
    assert.equal(data.count, 2);
    assert.equal(data.weights[5], Math.fround(1.2001953125)); // the float16 nearest 1.2
    assert.deepEqual(data.paths, Float32Array.from(paths));
    assert.deepEqual(terrainMapImage(data, 1), maps.subarray(96 * 96 * 3));
    assert.throws(() => terrainMapImage(data, 2), /index must be an integer in \[0, 2\), got 2/);
    assert.throws(() => ensureTerrainDataset({ dir, sizes: SIZES }), /no manifest.json: not a generated terrain folder/);
    assert.throws(() => loadShortestPathDataset(dir, 'train'), /cannot read .npy file .*train_maps.npy/);
    assert.throws(() => loadShortestPathDataset(dir, 'validation' as never), /split must be one of train, val, test/);

    writeNpy(join(dir, 'test_shortest_paths.npy'), { dtype: 'uint8', shape: [2, g, g], data: paths.map((v) => v * 2) });
    assert.throws(() => loadShortestPathDataset(dir, 'test'), /test_shortest_paths.npy: value 2 at index 0, expected 0 or 1/);
    writeNpy(join(dir, 'test_shortest_paths.npy'), { dtype: 'uint8', shape: [3, g, g], data: new Uint8Array(3 * g * g) });
    assert.throws(() => loadShortestPathDataset(dir, 'test'), /test_shortest_paths.npy: shape \(3, 12, 12\) does not match maps \(2, 96, 96, 3\)/);
    writeNpy(join(dir, 'test_maps.npy'), { dtype: 'float32', shape: [2, 96, 96, 3], data: new Float32Array(maps) });
    assert.throws(() => loadShortestPathDataset(dir, 'test'), /test_maps.npy: expected uint8 images \[N, S, S, 3\], got float32/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ generator: 'someone else', splits: {} }));
    assert.throws(() => ensureTerrainDataset({ dir, sizes: SIZES }), /was not written by the terrain generator/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
