/**
 * Exact shortest paths on vertex-weighted grids (the Warcraft task's solver).
 *
 * Graph: the cells of an `H × W` grid, each joined to its 8 neighbours. A path runs from the
 * top-left cell (0, 0) to the bottom-right cell (H-1, W-1); its cost is the sum of the weights of
 * the cells on it, both ends included: `cost(y) = <w, y>` with `y` the 0/1 indicator of the path.
 *
 * Algorithm: Dijkstra with an indexed binary heap (decrease-key), O(HW log HW), in float64.
 *
 * Tie-breaking (deterministic, the same as blackbox-backprop's reference `dijkstra`, which keys
 * its heap on `(cost, (row, col))`): cells are settled in order of (distance, row-major index), and
 * a cell's predecessor changes only on a strict improvement, so among equally short routes the
 * predecessor is the one settled first.
 *
 * Weights must be finite. Negative weights make "shortest simple path" NP-hard (walking back and
 * forth over a negative cell), so the plain API rejects them; perturbed costs `theta + sigma Z`
 * (the stochastic estimators) are clamped at 0 instead (`negativeWeights: 'clamp'`), the convention
 * of blackbox-backprop (`np.maximum(weights, 0)`). The reported cost is then the clamped cost.
 */
import { assertFinite } from '../../runtime/checks';
import * as tf from '@tensorflow/tfjs';

/** What to do with a negative weight: throw (default), or treat it as 0. */
export type NegativeWeightPolicy = 'error' | 'clamp';

export interface DijkstraOptions {
  /** 'error' (default): negative weights throw; 'clamp': they count as 0 (perturbed costs). */
  negativeWeights?: NegativeWeightPolicy;
}

/** Row and column offsets of the 8 neighbours, in row-major order of the 3 × 3 window. */
export const NEIGHBOUR_OFFSETS: readonly (readonly [number, number])[] = [
  [-1, -1], [-1, 0], [-1, 1],
  [0, -1], [0, 1],
  [1, -1], [1, 0], [1, 1],
];

/**
 * Shortest top-left → bottom-right path of one `height × width` grid.
 *
 * @param weights vertex weights, row-major, length `height * width` (float32 or float64).
 * @param outPath optional output of the same length: set to the 0/1 path indicator (fully written).
 * @returns the path's cost, the sum of its (clamped, with `negativeWeights: 'clamp'`) weights.
 */
export function dijkstraGrid(
  weights: ArrayLike<number>,
  height: number,
  width: number,
  outPath?: Float32Array | Float64Array | Uint8Array,
  options: DijkstraOptions = {},
): number {
  checkGridSize(height, width, 'dijkstraGrid');
  const n = height * width;
  if (weights.length !== n) {
    throw new Error(`dijkstraGrid: weights must have height*width = ${n} entries, got ${weights.length}`);
  }
  if (outPath && outPath.length !== n) {
    throw new Error(`dijkstraGrid: outPath must have height*width = ${n} entries, got ${outPath.length}`);
  }
  const clamp = parsePolicy(options.negativeWeights, 'dijkstraGrid');
  const space = workspaceFor(height, width);
  const w = space.weights;
  for (let i = 0; i < n; i++) {
    const v = weights[i];
    if (!Number.isFinite(v)) assertFinite('dijkstraGrid', 'weights', weights, [height, width]);
    if (v < 0) {
      if (!clamp) {
        throw new Error(
          `dijkstraGrid: weights[${i}] = ${v} is negative; expected weights >= 0 (use negativeWeights: 'clamp' for perturbed costs)`,
        );
      }
      w[i] = 0;
    } else {
      w[i] = v;
    }
  }
  const cost = solve(space, n);
  if (outPath) {
    outPath.fill(0);
    for (let cell = n - 1; cell >= 0; cell = space.predecessor[cell]) outPath[cell] = 1;
  }
  return cost;
}

/**
 * Shortest paths of a batch of grids stored back to back (`[B, H, W]` row-major).
 *
 * @param weights length `batch * height * width`.
 * @param outPaths optional, same length: the 0/1 paths.
 * @param outCosts optional, length `batch`: the costs.
 * @returns `outCosts` (allocated as a Float64Array when not given).
 */
export function dijkstraBatch(
  weights: Float32Array | Float64Array,
  batch: number,
  height: number,
  width: number,
  outPaths?: Float32Array | Float64Array | Uint8Array,
  outCosts?: Float32Array | Float64Array,
  options: DijkstraOptions = {},
): Float32Array | Float64Array {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`dijkstraBatch: batch must be a positive integer, got ${batch}`);
  checkGridSize(height, width, 'dijkstraBatch');
  const n = height * width;
  if (weights.length !== batch * n) {
    throw new Error(`dijkstraBatch: weights must have batch*height*width = ${batch * n} entries, got ${weights.length}`);
  }
  if (outPaths && outPaths.length !== batch * n) {
    throw new Error(`dijkstraBatch: outPaths must have batch*height*width = ${batch * n} entries, got ${outPaths.length}`);
  }
  const costs = outCosts ?? new Float64Array(batch);
  if (costs.length !== batch) throw new Error(`dijkstraBatch: outCosts must have batch = ${batch} entries, got ${costs.length}`);
  for (let b = 0; b < batch; b++) {
    const path = outPaths ? outPaths.subarray(b * n, (b + 1) * n) : undefined;
    costs[b] = dijkstraGrid(weights.subarray(b * n, (b + 1) * n), height, width, path, options);
  }
  return costs;
}

/**
 * Shortest paths of a batch of grids as tensors.
 *
 * @param weights `[B, H, W]` vertex weights (finite; >= 0 unless `negativeWeights: 'clamp'`).
 * @returns `paths` `[B, H, W]` float32 0/1 indicators (both ends on the path) and `costs` `[B]`
 *   float32, the sum of the weights on each path. Not differentiable (use a relaxation or an
 *   estimator for gradients).
 */
export function dijkstra(weights: tf.Tensor3D, options: DijkstraOptions = {}): { paths: tf.Tensor3D; costs: tf.Tensor1D } {
  if (!(weights instanceof tf.Tensor) || weights.rank !== 3) {
    throw new Error(`dijkstra: weights must be a rank-3 tensor [B, H, W], got ${describe(weights)}`);
  }
  const [batch, height, width] = weights.shape;
  const values = weights.dataSync() as Float32Array;
  const paths = new Float32Array(values.length);
  const costs = new Float32Array(batch);
  dijkstraBatch(values, batch, height, width, paths, costs, options);
  return { paths: tf.tensor3d(paths, [batch, height, width]), costs: tf.tensor1d(costs) };
}

interface Workspace {
  weights: Float64Array;
  distance: Float64Array;
  predecessor: Int32Array;
  settled: Uint8Array;
  /** heap[k] = cell at heap slot k; position[cell] = its slot, or -1 when not in the heap. */
  heap: Int32Array;
  position: Int32Array;
  /** The 8 neighbours of each cell, `[n, 8]`, -1 where off the grid. */
  neighbours: Int32Array;
}

const workspaces = new Map<string, Workspace>();

function workspaceFor(height: number, width: number): Workspace {
  const key = `${height}x${width}`;
  let space = workspaces.get(key);
  if (!space) {
    const n = height * width;
    const neighbours = new Int32Array(n * 8);
    for (let cell = 0; cell < n; cell++) {
      const row = Math.floor(cell / width);
      const col = cell % width;
      NEIGHBOUR_OFFSETS.forEach(([dr, dc], k) => {
        const r = row + dr;
        const c = col + dc;
        neighbours[cell * 8 + k] = r < 0 || r >= height || c < 0 || c >= width ? -1 : r * width + c;
      });
    }
    space = {
      weights: new Float64Array(n),
      distance: new Float64Array(n),
      predecessor: new Int32Array(n),
      settled: new Uint8Array(n),
      heap: new Int32Array(n),
      position: new Int32Array(n),
      neighbours,
    };
    workspaces.set(key, space);
  }
  return space;
}

/** Runs Dijkstra on `space.weights`; fills `distance` and `predecessor`; returns the target's distance. */
function solve(space: Workspace, n: number): number {
  const { weights, distance, predecessor, settled, heap, position, neighbours } = space;
  distance.fill(Infinity);
  predecessor.fill(-1);
  settled.fill(0);
  position.fill(-1);
  // Heap order: (distance, cell index), lexicographic.
  const less = (a: number, b: number): boolean => distance[a] < distance[b] || (distance[a] === distance[b] && a < b);
  let size = 0;
  const place = (cell: number, slot: number): void => {
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot];
      if (!less(cell, parent)) break;
      heap[slot] = parent;
      position[parent] = slot;
      slot = parentSlot;
    }
    heap[slot] = cell;
    position[cell] = slot;
  };

  distance[0] = weights[0];
  place(0, size++);
  const target = n - 1;
  while (size > 0) {
    const current = heap[0];
    position[current] = -1;
    settled[current] = 1;
    if (current === target) break;
    // Pop: move the last entry down from the root.
    size--;
    if (size > 0) {
      const last = heap[size];
      let slot = 0;
      for (;;) {
        let child = 2 * slot + 1;
        if (child >= size) break;
        if (child + 1 < size && less(heap[child + 1], heap[child])) child++;
        if (!less(heap[child], last)) break;
        heap[slot] = heap[child];
        position[heap[slot]] = slot;
        slot = child;
      }
      heap[slot] = last;
      position[last] = slot;
    }
    const base = distance[current];
    for (let k = current * 8, end = k + 8; k < end; k++) {
      const next = neighbours[k];
      if (next < 0 || settled[next]) continue;
      const candidate = base + weights[next];
      if (candidate < distance[next]) {
        distance[next] = candidate;
        predecessor[next] = current;
        place(next, position[next] < 0 ? size++ : position[next]);
      }
    }
  }
  return distance[target];
}

function checkGridSize(height: number, width: number, where: string): void {
  if (!Number.isInteger(height) || height < 1) throw new Error(`${where}: height must be a positive integer, got ${height}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`${where}: width must be a positive integer, got ${width}`);
}

function parsePolicy(policy: NegativeWeightPolicy | undefined, where: string): boolean {
  if (policy === undefined || policy === 'error') return false;
  if (policy === 'clamp') return true;
  throw new Error(`${where}: options.negativeWeights must be 'error' or 'clamp', got '${String(policy)}'`);
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `shape [${value.shape.join(', ')}]`;
  return typeof value;
}
