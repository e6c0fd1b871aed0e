/**
 * Relaxed Bellman-Ford shortest path (AlgoVision, Petersen et al. 2021), as in AlgoVision's public
 * `examples/shortest_path.py`, with tf ops so it is differentiable (twice, with the project's
 * second-order gradients installed by `initBackend`).
 *
 * Grid `[B, H, W]` of vertex costs, 8-neighbourhood, source (0, 0), target (H-1, W-1).
 *
 * Forward (`nIter` times), with distances `d` padded by a border of `UNREACHED = 1e12`:
 *   pred[c] = softmax_k(-beta d[c + dir_k])                    (soft predecessors, 8 directions)
 *   d[c]    = sum_k pred[c][k] d[c + dir_k] + cost[c],  d[source] = 0.
 * Traceback: a unit mass starts at the target; each step accumulates the path with a t-conorm
 *   path = T(path, mass), then moves the mass at c to c + dir_k with weight pred[c][k].
 *   'for': `nIter` steps (as in AlgoVision: when the path has fewer cells than `nIter`, the mass
 *   moves on past the source to its soft predecessors, which then count too).
 *   'while': AlgoVision's relaxed `while path[source] <= 1` with condition
 *   c(s) = sigmoid(beta (1 - path[source])): p_0 = c(s_0), acc = (1 - p_0) s_0; each step
 *   p_t = p_{t-1} c(s_t), acc += (p_{t-1} - p_t) s_t; stop when max_b p_t <= 1e-5 or after
 *   1024 steps; acc += p_T s_T; the output is acc.
 * T-conorms: probabilistic a + b - ab; Hamacher(p) (a + b + (p-2)ab) / (1 + (p-1)ab);
 *   Yager-1 min(1, a + b) = 1 - relu(1 - a - b).
 *
 * 1e12 is AlgoVision's "infinity": finite, so 0 · UNREACHED = 0 and softmax stays NaN-free in
 * float32 (beta · 1e12 is far below float32's 3.4e38 for any sensible beta).
 *
 * Unreached cells, masked. Which cells are still at UNREACHED does not depend on the costs: after
 * t steps exactly those with max(row, col) > t (8-neighbourhood from (0, 0)). Here they and the
 * border are masks instead of values on the tape: their logit is the constant -beta · UNREACHED
 * and the distance they contribute is 0. Forward values are the same (an unreached neighbour of a
 * reached cell has softmin weight exp(-beta (1e12 - d)) = 0 in float32 for beta > 1.1e-10; a cell
 * with no reached neighbour gets pred = 1/8 each and d = UNREACHED either way), and so are the
 * gradients wherever every cell is reached by the last step (nIter ≥ max(H, W)). Why: with 1e12
 * on the tape, the double backward multiplies adjoints by beta · 1e12 once per step through the
 * unreached region, overflows after a few steps and returns NaN (12 × 12, nIter 25: every
 * Hessian-vector product entry NaN; 3.4e15 instead of O(1) at nIter 5). With the masks, unreached
 * cells are constants, so their costs get zero derivatives, as finite differences of the float32
 * forward do (1e12 + cost rounds to 1e12).
 */
import { assertAtLeast, assertFiniteTensor, assertInteger, assertOneOf, assertPositive } from '../../runtime/checks';
import * as tf from '@tensorflow/tfjs';
import { NEIGHBOUR_OFFSETS } from './dijkstra';

export type TConorm = 'probabilistic' | 'hamacher' | 'yager_1';
export type TracebackLoop = 'for' | 'while';

export interface RelaxedBellmanFordOptions {
  /** Inverse temperature of the softmin and of the while condition; default 10. */
  beta?: number;
  /**
   * Relaxation steps (and 'for' traceback steps); default `defaultNIter(H, W)` = 2 · max(H, W) + 1
   * (25 on 12 × 12, AlgoVision's example). At least `minimumNIter(H, W)` = max(H, W): with fewer,
   * the relaxation never reaches the target and the traceback never reaches the source.
   */
  nIter?: number;
  /** Path accumulation; default 'probabilistic'. */
  tConorm?: TConorm;
  /** Hamacher parameter p >= 0; default 5 (AlgoVision's example). */
  p?: number;
  /** Traceback loop; default 'for'. */
  loop?: TracebackLoop;
  /**
   * Accept an nIter below `minimumNIter(H, W)` (the target is then not reached: the result is not
   * a path); default false: such an nIter is an error naming nIter and the minimum.
   */
  allowUnreached?: boolean;
}

/** The default `nIter` for an `height × width` grid: 2 · max(H, W) + 1 (25 for AlgoVision's 12 × 12 maps). */
export function defaultNIter(height: number, width: number): number {
  return 2 * Math.max(height, width) + 1;
}

/**
 * The smallest `nIter` for an `height × width` grid: max(H, W). The target (H-1, W-1) is reached
 * after max(H, W) - 1 relaxation steps, and a path to it has at least max(H, W) cells.
 */
export function minimumNIter(height: number, width: number): number {
  return Math.max(height, width);
}

/** AlgoVision's large finite "infinity" for unreached cells and the grid border. */
export const UNREACHED = 1e12;
const WHILE_EPSILON = 1e-5;
const WHILE_MAX_STEPS = 1024;
const T_CONORMS: readonly TConorm[] = ['probabilistic', 'hamacher', 'yager_1'];
const LOOPS: readonly TracebackLoop[] = ['for', 'while'];

/**
 * Relaxed shortest path of a batch of vertex-cost grids.
 *
 * @param cost `[B, H, W]` float32 vertex costs (finite).
 * @throws when `options.nIter` < `minimumNIter(H, W)` (names nIter and the minimum), unless `allowUnreached`.
 * @returns `[B, H, W]` relaxed path, each cell's soft membership (about 0/1 for large beta).
 */
export function relaxedBellmanFord(cost: tf.Tensor3D, options: RelaxedBellmanFordOptions = {}): tf.Tensor3D {
  if (!(cost instanceof tf.Tensor) || cost.rank !== 3) {
    throw new Error(`relaxedBellmanFord: cost must be a rank-3 tensor [B, H, W], got ${describe(cost)}`);
  }
  const [batch, height, width] = cost.shape;
  if (batch < 1 || height < 1 || width < 1) {
    throw new Error(`relaxedBellmanFord: cost must have a non-empty shape [B, H, W], got [${cost.shape.join(', ')}]`);
  }
  const { beta, nIter, tConorm, p, loop } = resolveOptions(options, height, width);
  assertFiniteTensor('relaxedBellmanFord', 'cost', cost);
  return tf.tidy(() => {
    const predecessors = softPredecessors(cost, beta, nIter);
    const combine = tConormFunction(tConorm, p);
    const start = tf.oneHot(tf.fill([batch], height * width - 1, 'int32'), height * width).reshape([batch, height, width]);
    const mass = tf.cast(start, 'float32') as tf.Tensor3D;
    const path = tf.zerosLike(cost);
    return loop === 'for'
      ? forTraceback(path, mass, predecessors, combine, nIter)
      : whileTraceback(path, mass, predecessors, combine, beta);
  });
}

/** Runs the relaxed Bellman-Ford forward; returns the soft predecessors of the last step `[B, H, W, 8]`. */
function softPredecessors(cost: tf.Tensor3D, beta: number, nIter: number): tf.Tensor4D {
  const [batch, height, width] = cost.shape;
  const border: [number, number][] = [[0, 0], [1, 1], [1, 1]];
  // Unreached cells and the border hold 0 here: the masks below stand for their UNREACHED value.
  let distances = tf.zeros([batch, height + 2, width + 2]) as tf.Tensor3D;
  let predecessors: tf.Tensor4D | null = null;
  for (let step = 1; step <= nIter; step++) {
    const { unreachedNeighbours, keep } = reachabilityMasks(height, width, step);
    const neighbours = gatherNeighbours(distances);
    // -beta (d + UNREACHED · unreached): the reference's logits, UNREACHED a constant off the tape.
    predecessors = tf.softmax(tf.mul(tf.add(neighbours, unreachedNeighbours), -beta)) as tf.Tensor4D;
    const relaxed = tf.add(tf.sum(tf.mul(predecessors, neighbours), 3), cost);
    // Multiplying by `keep` sets d[source] = 0 (cutting the gradient there, as an assignment
    // does) and leaves cells not reached yet at 0 (i.e. UNREACHED).
    distances = tf.pad(tf.mul(relaxed, keep), border) as tf.Tensor3D;
  }
  return predecessors as tf.Tensor4D;
}

/**
 * Constant masks of relaxation step `step` (1-based) on an `height × width` grid; cell (r, c) is
 * reached after s steps iff max(r, c) <= s.
 * - unreachedNeighbours `[1, H, W, 8]`: UNREACHED where c + dir_k is off the grid or not reached
 *   after step - 1, else 0;
 * - keep `[1, H, W]`: 1 where c is reached after `step` and is not the source, else 0.
 */
function reachabilityMasks(height: number, width: number, step: number): { unreachedNeighbours: tf.Tensor4D; keep: tf.Tensor3D } {
  const reached = (r: number, c: number, steps: number): boolean => r >= 0 && r < height && c >= 0 && c < width && Math.max(r, c) <= steps;
  const unreached = new Float32Array(height * width * 8);
  const keep = new Float32Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const cell = r * width + c;
      keep[cell] = cell > 0 && reached(r, c, step) ? 1 : 0;
      NEIGHBOUR_OFFSETS.forEach(([dr, dc], k) => {
        if (!reached(r + dr, c + dc, step - 1)) unreached[cell * 8 + k] = UNREACHED;
      });
    }
  }
  return { unreachedNeighbours: tf.tensor4d(unreached, [1, height, width, 8]), keep: tf.tensor3d(keep, [1, height, width]) };
}

/**
 * `[B, H+2, W+2]` padded distances → `[B, H, W, 8]` with entry k of cell c = d[c + dir_k]: one
 * 'valid' convolution whose output channel k is the one-hot 3 × 3 kernel at offset dir_k (exact:
 * every output is 1 · d plus zeros). Six times faster on wasm than 8 slices and a stack.
 */
function gatherNeighbours(padded: tf.Tensor3D): tf.Tensor4D {
  return tf.conv2d(tf.expandDims(padded, 3) as tf.Tensor4D, directionKernel(1), 1, 'valid');
}

/**
 * Moves the mass at every cell c to c + dir_k with weight pred[c][k]; mass leaving the grid is
 * lost. arrivals[c] = sum_k mass[c - dir_k] pred[c - dir_k][k]: one zero-padded ('same')
 * convolution with input channel k the one-hot kernel at offset -dir_k.
 */
function moveMass(mass: tf.Tensor3D, predecessors: tf.Tensor4D): tf.Tensor3D {
  const transport = tf.mul(tf.expandDims(mass, 3), predecessors) as tf.Tensor4D;
  return tf.squeeze(tf.conv2d(transport, directionKernel(-1), 1, 'same'), [3]) as tf.Tensor3D;
}

/**
 * One-hot 3 × 3 kernels of the 8 directions scaled by `sign` (+1: read from c + dir_k, shape
 * [3, 3, 1, 8]; -1: read from c - dir_k, shape [3, 3, 8, 1]).
 */
function directionKernel(sign: 1 | -1): tf.Tensor4D {
  const values = new Float32Array(9 * 8);
  NEIGHBOUR_OFFSETS.forEach(([dr, dc], k) => {
    values[((1 + sign * dr) * 3 + (1 + sign * dc)) * 8 + k] = 1;
  });
  return tf.tensor4d(values, sign === 1 ? [3, 3, 1, 8] : [3, 3, 8, 1]);
}

type Combine = (path: tf.Tensor3D, mass: tf.Tensor3D) => tf.Tensor3D;

function tConormFunction(tConorm: TConorm, p: number): Combine {
  switch (tConorm) {
    case 'probabilistic':
      return (a, b) => tf.sub(tf.add(a, b), tf.mul(a, b));
    case 'hamacher':
      return (a, b) => {
        const ab = tf.mul(a, b);
        return tf.div(tf.add(tf.add(a, b), tf.mul(ab, p - 2)), tf.add(tf.mul(ab, p - 1), 1));
      };
    case 'yager_1':
      return (a, b) => tf.sub(1, tf.relu(tf.sub(tf.sub(1, a), b)));
  }
}

function forTraceback(path: tf.Tensor3D, mass: tf.Tensor3D, predecessors: tf.Tensor4D, combine: Combine, steps: number): tf.Tensor3D {
  for (let step = 0; step < steps; step++) {
    path = combine(path, mass);
    mass = moveMass(mass, predecessors);
  }
  return path;
}

function whileTraceback(path: tf.Tensor3D, mass: tf.Tensor3D, predecessors: tf.Tensor4D, combine: Combine, beta: number): tf.Tensor3D {
  const batch = path.shape[0];
  // c(s) = sigmoid(beta (1 - path[source])), one probability per sample, shaped [B, 1, 1].
  const condition = (s: tf.Tensor3D): tf.Tensor3D =>
    tf.sigmoid(tf.mul(tf.sub(1, tf.slice(s, [0, 0, 0], [batch, 1, 1])), beta)) as tf.Tensor3D;
  let running = condition(path);
  let accumulated = tf.mul(tf.sub(1, running), path);
  for (let step = 0; step < WHILE_MAX_STEPS && tf.max(running).dataSync()[0] > WHILE_EPSILON; step++) {
    path = combine(path, mass);
    mass = moveMass(mass, predecessors);
    const previous = running;
    running = tf.mul(previous, condition(path));
    accumulated = tf.add(accumulated, tf.mul(tf.sub(previous, running), path));
  }
  return tf.add(accumulated, tf.mul(running, path)) as tf.Tensor3D;
}

/**
 * Checks `options` for an `height × width` grid and fills in the defaults (β 10, nIter
 * `defaultNIter(H, W)`, probabilistic t-conorm, p 5, for loop); an nIter below
 * `minimumNIter(H, W)` is refused unless `allowUnreached`.
 */
function resolveOptions(options: RelaxedBellmanFordOptions, height: number, width: number): Required<Omit<RelaxedBellmanFordOptions, 'allowUnreached'>> {
  const where = 'relaxedBellmanFord';
  const { beta = 10, nIter = defaultNIter(height, width), tConorm = 'probabilistic', p = 5, loop = 'for' } = options;
  assertPositive(where, 'beta', beta);
  assertInteger(where, 'nIter', nIter, 1);
  assertOneOf(where, 'tConorm', tConorm, T_CONORMS);
  assertAtLeast(where, 'p (Hamacher)', p, 0);
  assertOneOf(where, 'loop', loop, LOOPS);
  if (!options.allowUnreached) checkNIter(where, nIter, height, width);
  return { beta, nIter, tConorm, p, loop };
}

/** Refuses an `nIter` too small for an `height × width` grid, naming nIter, the minimum and the default. */
export function checkNIter(where: string, nIter: number, height: number, width: number): void {
  const minimum = minimumNIter(height, width);
  if (nIter < minimum) {
    throw new Error(
      `${where}: nIter = ${nIter} is too small for a ${height} × ${width} grid: the path from (0, 0) to (${height - 1}, ${width - 1}) needs at least ${minimum} steps (max(H, W)); ` +
        `use nIter >= ${minimum}, or leave it unset for ${defaultNIter(height, width)} (2 · max(H, W) + 1)`,
    );
  }
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `shape [${value.shape.join(', ')}]`;
  return typeof value;
}
