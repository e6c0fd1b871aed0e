import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Rng, dijkstra, dijkstraGrid, dijkstraBatch } from '../src/index';

interface DijkstraCase {
  weights: number[][];
  path: number[][];
  cost: number;
  optimal_paths: number;
}
const reference = JSON.parse(fs.readFileSync(join(__dirname, 'reference', 'shortest_path.json'), 'utf8')) as {
  dijkstra: DijkstraCase[];
};

/** Checks that `path` (0/1, row-major) is one 8-connected chain from (0,0) to (H-1,W-1). */
function assertConnectedPath(path: ArrayLike<number>, height: number, width: number): void {
  const on = (r: number, c: number): boolean => r >= 0 && r < height && c >= 0 && c < width && path[r * width + c] === 1;
  assert.ok(on(0, 0), 'source on the path');
  assert.ok(on(height - 1, width - 1), 'target on the path');
  let count = 0;
  for (let cell = 0; cell < height * width; cell++) {
    assert.ok(path[cell] === 0 || path[cell] === 1, `path[${cell}] is 0 or 1`);
    count += path[cell];
  }
  // Flood fill from the source over path cells reaches every path cell.
  const seen = new Set<number>([0]);
  const stack = [0];
  while (stack.length) {
    const cell = stack.pop()!;
    const r = Math.floor(cell / width);
    const c = cell % width;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const next = (r + dr) * width + (c + dc);
        if ((dr || dc) && on(r + dr, c + dc) && !seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
  assert.equal(seen.size, count, 'path cells form one connected chain');
}

function pathCost(path: ArrayLike<number>, weights: ArrayLike<number>): number {
  let cost = 0;
  for (let i = 0; i < weights.length; i++) cost += path[i] * weights[i];
  return cost;
}

/** Optimal cost by Bellman-Ford in float64 (vertex weights, 8-neighbourhood): an independent check. */
function bellmanFordCost(weights: ArrayLike<number>, height: number, width: number): number {
  const n = height * width;
  const dist = new Float64Array(n).fill(Infinity);
  dist[0] = weights[0];
  for (let iter = 0; iter < n; iter++) {
    let changed = false;
    for (let cell = 0; cell < n; cell++) {
      const r = Math.floor(cell / width);
      const c = cell % width;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if ((!dr && !dc) || rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
          const candidate = dist[rr * width + cc] + weights[cell];
          if (candidate < dist[cell] - 1e-12) {
            dist[cell] = candidate;
            changed = true;
          }
        }
      }
    }
    if (!changed) break;
  }
  return dist[n - 1];
}

/** Optimal cost by enumerating every simple path (tiny grids only). */
function bruteForceCost(weights: ArrayLike<number>, height: number, width: number): number {
  const n = height * width;
  const visited = new Uint8Array(n);
  let best = Infinity;
  const walk = (cell: number, cost: number): void => {
    if (cell === n - 1) {
      best = Math.min(best, cost);
      return;
    }
    visited[cell] = 1;
    const r = Math.floor(cell / width);
    const c = cell % width;
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if ((!dr && !dc) || rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
        const next = rr * width + cc;
        if (!visited[next]) walk(next, cost + weights[next]);
      }
    }
    visited[cell] = 0;
  };
  walk(0, weights[0]);
  return best;
}

test('dijkstra: reference paths (exact where unique, optimal and connected where tied) and costs', async () => {
  await initBackend('cpu');
  assert.ok(reference.dijkstra.length >= 6);
  for (const [index, c] of reference.dijkstra.entries()) {
    const height = c.weights.length;
    const width = c.weights[0].length;
    const weights = Float64Array.from(c.weights.flat());
    const expected = c.path.flat();
    const path = new Float64Array(height * width);
    const cost = dijkstraGrid(weights, height, width, path);
    assert.ok(Math.abs(cost - c.cost) < 1e-9, `case ${index}: cost ${cost} vs ${c.cost}`);
    assert.ok(Math.abs(pathCost(path, weights) - c.cost) < 1e-9, `case ${index}: path cost`);
    assertConnectedPath(path, height, width);
    if (c.optimal_paths === 1) assert.deepEqual(Array.from(path), expected, `case ${index}: unique optimum`);
    // Same tie-breaking as the reference: even tied cases pick the reference's path.
    assert.deepEqual(Array.from(path), expected, `case ${index}: tie-breaking matches the reference`);
  }
});

test('dijkstra: the tensor API matches the typed-array API on a batch, with float32 costs', async () => {
  await initBackend('cpu');
  const twelve = reference.dijkstra.filter((c) => c.weights.length === 12 && c.weights[0].length === 12);
  const weights = tf.tensor3d(twelve.map((c) => c.weights));
  const before = tf.memory().numTensors;
  const { paths, costs } = dijkstra(weights);
  assert.deepEqual(paths.shape, [twelve.length, 12, 12]);
  assert.deepEqual(costs.shape, [twelve.length]);
  assert.equal(paths.dtype, 'float32');
  const pathValues = paths.dataSync();
  const costValues = costs.dataSync();
  for (const [b, c] of twelve.entries()) {
    assert.ok(Math.abs(costValues[b] - c.cost) < 1e-4);
    assert.deepEqual(Array.from(pathValues.subarray(b * 144, (b + 1) * 144)), c.path.flat());
  }
  paths.dispose();
  costs.dispose();
  assert.equal(tf.memory().numTensors, before, 'dijkstra leaves only its two outputs');
  weights.dispose();
});

test('dijkstra: brute force (3×3, 4×4, 2×5) and float64 Bellman-Ford (12×12) agree on the optimal cost', () => {
  const rng = new Rng(11);
  const shapes: [number, number][] = [[3, 3], [4, 4], [2, 5], [1, 4], [4, 1], [1, 1]];
  for (const [height, width] of shapes) {
    for (let trial = 0; trial < 25; trial++) {
      // Tile-like integer costs make ties common, as in Warcraft.
      const weights = Float64Array.from({ length: height * width }, () => (trial % 2 ? rng.int(5) + 1 : rng.uniform() * 10));
      const path = new Uint8Array(height * width);
      const cost = dijkstraGrid(weights, height, width, path);
      assert.ok(Math.abs(cost - bruteForceCost(weights, height, width)) < 1e-9, `${height}x${width} trial ${trial}`);
      assert.ok(Math.abs(pathCost(path, weights) - cost) < 1e-9);
      assertConnectedPath(path, height, width);
    }
  }
  for (let trial = 0; trial < 20; trial++) {
    const weights = Float32Array.from({ length: 144 }, () => [0.8, 1.2, 5.3, 7.7, 9.2][rng.int(5)]);
    const path = new Float32Array(144);
    const cost = dijkstraGrid(weights, 12, 12, path);
    assert.ok(Math.abs(cost - bellmanFordCost(weights, 12, 12)) < 1e-9);
    assert.ok(Math.abs(pathCost(path, weights) - cost) < 1e-9);
    assertConnectedPath(path, 12, 12);
  }
});

test('dijkstra: zero weights are allowed; negative weights throw unless clamped to 0', () => {
  const zeros = new Float64Array(9);
  const path = new Float64Array(9);
  assert.equal(dijkstraGrid(zeros, 3, 3, path), 0);
  assertConnectedPath(path, 3, 3);
  assert.deepEqual(Array.from(path), [1, 0, 0, 0, 1, 0, 0, 0, 1], 'ties: the diagonal (settled first by index)');

  const weights = Float64Array.from([1, 5, 5, 5, -3, 5, 5, 5, 1]);
  assert.throws(() => dijkstraGrid(weights, 3, 3), /weights\[4\] = -3 is negative; expected weights >= 0/);
  const clamped = dijkstraGrid(weights, 3, 3, path, { negativeWeights: 'clamp' });
  assert.equal(clamped, 2, 'cost under the clamped weights (1 + 0 + 1)');
  assert.deepEqual(Array.from(path), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

test('dijkstra: bad input errors name the argument', async () => {
  await initBackend('cpu');
  assert.throws(() => dijkstraGrid(Float64Array.from([1, NaN, 1, 1]), 2, 2), /weights must be finite, got NaN at weights\[0\]\[1\]/);
  assert.throws(() => dijkstraGrid(Float64Array.from([1, Infinity, 1, 1]), 2, 2, undefined, { negativeWeights: 'clamp' }), /finite/);
  assert.throws(() => dijkstraGrid(new Float64Array(5), 2, 2), /weights must have height\*width = 4 entries, got 5/);
  assert.throws(() => dijkstraGrid(new Float64Array(4), 2, 2, new Float64Array(3)), /outPath must have/);
  assert.throws(() => dijkstraGrid(new Float64Array(4), 0, 4), /height must be a positive integer/);
  assert.throws(() => dijkstraGrid(new Float64Array(4), 2, 2.5), /width must be a positive integer/);
  assert.throws(
    () => dijkstraGrid(new Float64Array(4), 2, 2, undefined, { negativeWeights: 'shift' as never }),
    /negativeWeights must be 'error' or 'clamp', got 'shift'/,
  );
  assert.throws(() => dijkstraBatch(new Float32Array(8), 3, 2, 2), /batch\*height\*width = 12/);
  assert.throws(() => dijkstraBatch(new Float32Array(8), 2, 2, 2, undefined, new Float64Array(3)), /outCosts must have batch = 2/);
  const flat = tf.zeros([2, 4]);
  assert.throws(() => dijkstra(flat as unknown as tf.Tensor3D), /weights must be a rank-3 tensor \[B, H, W\], got shape \[2, 4\]/);
  flat.dispose();
  const negative = tf.tensor3d([[[1, -1], [1, 1]]]);
  assert.throws(() => dijkstra(negative), /negative/);
  const { paths, costs } = dijkstra(negative, { negativeWeights: 'clamp' });
  assert.deepEqual(Array.from(costs.dataSync()), [2]);
  tf.dispose([negative, paths, costs]);
});

test('dijkstraBatch: a batch equals the grids solved one by one; repeated calls give the same paths', () => {
  const rng = new Rng(5);
  const batch = 7;
  const weights = Float32Array.from({ length: batch * 144 }, () => rng.uniform() * 9 + 0.5);
  const paths = new Float32Array(batch * 144);
  const costs = dijkstraBatch(weights, batch, 12, 12, paths);
  for (let b = 0; b < batch; b++) {
    const single = new Float32Array(144);
    const cost = dijkstraGrid(weights.subarray(b * 144, (b + 1) * 144), 12, 12, single);
    assert.equal(costs[b], cost);
    assert.deepEqual(paths.subarray(b * 144, (b + 1) * 144), single);
  }
  const again = new Float32Array(batch * 144);
  dijkstraBatch(weights, batch, 12, 12, again);
  assert.deepEqual(again, paths);
});
