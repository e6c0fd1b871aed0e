/**
 * Shortest-path solvers and estimators at the Warcraft training batch (70 grids of 12 × 12), on
 * the wasm backend, measured side by side in one run:
 * - exact Dijkstra (typed arrays, and the tensor API);
 * - stochastic smoothing of the loss / of the algorithm and the perturbed optimizer + Fenchel-Young
 *   with 3 / 10 / 30 samples (70 × S solves): gradient only (baseline and Fisher), and gradient +
 *   batch-mean Hessian (Newton-Hessian variant);
 * - relaxed Bellman-Ford forward and forward + backward (for and while traceback).
 *
 *   npx tsx bench/shortest-path.ts [--repeats N]
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  describeBackend,
  Rng,
  dijkstra,
  dijkstraBatch,
  smoothedLossCurvature,
  smoothedShortestPathLoss,
  smoothedPathCurvature,
  perturbedFenchelYoungCurvature,
  perturbedFenchelYoungLoss,
  relaxedBellmanFord,
  pathL1Loss,
} from '../src/index';

const PYTHON_REFERENCE_MS_PER_GRID = 0.55; // blackbox-backprop's heapq Dijkstra, measured on this machine
const BATCH = 70;
const SIZE = 12;
const repeatsFlag = process.argv.indexOf('--repeats');
const REPEATS = repeatsFlag >= 0 ? Number(process.argv[repeatsFlag + 1]) : 5;

/** Median wall time in ms of `repeats` runs after one warm-up. */
function timeMs(run: () => void, repeats = REPEATS): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function disposeAll(value: object): void {
  for (const v of Object.values(value)) if (v instanceof tf.Tensor) v.dispose();
}

async function main(): Promise<void> {
  const info = await initBackend('wasm');
  console.log(`backend: ${describeBackend(info)}; batch ${BATCH} grids of ${SIZE}×${SIZE}; median of ${REPEATS}`);
  console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (wall times grow with other processes' load)`);
  const rng = new Rng(0);
  const costs = Float32Array.from({ length: BATCH * SIZE * SIZE }, () => [0.8, 1.2, 5.3, 7.7, 9.2][rng.int(5)]);
  const theta = tf.tensor3d(costs, [BATCH, SIZE, SIZE]);
  const target = dijkstra(theta).paths;
  const paths = new Float32Array(costs.length);

  const typed = timeMs(() => dijkstraBatch(costs, BATCH, SIZE, SIZE, paths), 20);
  const tensor = timeMs(() => disposeAll(dijkstra(theta)), 20);
  console.log('\nDijkstra');
  console.log(`  typed arrays: ${typed.toFixed(2)} ms per batch, ${((1000 * typed) / BATCH).toFixed(1)} µs per grid` +
    ` (${(PYTHON_REFERENCE_MS_PER_GRID / (typed / BATCH)).toFixed(0)}× faster than the Python reference's ${PYTHON_REFERENCE_MS_PER_GRID} ms)`);
  console.log(`  tensor API:   ${tensor.toFixed(2)} ms per batch`);

  console.log('\nEstimators per training batch (ms): gradient only | + batch-mean Hessian; op forward+backward');
  console.log('  samples  solves  | SS-loss grad  SS-loss +H  SS-loss op | SS-algo grad  SS-algo +H | PO+FY grad  PO+FY +H  PO+FY op');
  for (const samples of [3, 10, 30]) {
    const options = { sigma: 0.5, samples, rng: rng.fork(`bench-${samples}`) };
    const run = (f: () => object): number => timeMs(() => disposeAll(f()));
    const op = (loss: (x: tf.Tensor3D) => tf.Tensor1D): number =>
      timeMs(() => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(loss(x as tf.Tensor3D)))(theta).dataSync()));
    const row = [
      run(() => smoothedLossCurvature(theta, target, options, { hessian: 'none' })),
      run(() => smoothedLossCurvature(theta, target, { ...options, baseline: true }, { hessian: 'batch-mean' })),
      op((x) => smoothedShortestPathLoss(x, target, options)),
      run(() => smoothedPathCurvature(theta, target, options, { hessian: 'none' })),
      run(() => smoothedPathCurvature(theta, target, options, { hessian: 'batch-mean' })),
      run(() => perturbedFenchelYoungCurvature(theta, target, options, { hessian: 'none' })),
      run(() => perturbedFenchelYoungCurvature(theta, target, options, { hessian: 'batch-mean' })),
      op((x) => perturbedFenchelYoungLoss(x, target, options)),
    ];
    const cells = row.map((v) => v.toFixed(1).padStart(10));
    console.log(`  ${String(samples).padStart(7)}  ${String(samples * BATCH).padStart(6)}  | ${cells.slice(0, 3).join('  ')} | ${cells.slice(3, 5).join('  ')} | ${cells.slice(5).join('  ')}`);
  }
  const solvesAt30 = timeMs(() => dijkstraBatch(new Float32Array(costs.length * 30).map((_, i) => costs[i % costs.length]), BATCH * 30, SIZE, SIZE));
  console.log(`  (2 100 Dijkstra solves alone, incl. copying the costs: ${solvesAt30.toFixed(1)} ms)`);

  console.log('\nRelaxed Bellman-Ford (beta 10, nIter 25, probabilistic t-conorm), L1 loss');
  for (const loop of ['for', 'while'] as const) {
    const forward = timeMs(() => tf.tidy(() => relaxedBellmanFord(theta, { loop }).dataSync()));
    const backward = timeMs(() =>
      tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(pathL1Loss(relaxedBellmanFord(x as tf.Tensor3D, { loop }), target)))(theta).dataSync()),
    );
    console.log(`  ${loop.padEnd(5)}: forward ${forward.toFixed(1)} ms, forward + backward ${backward.toFixed(1)} ms`);
  }
  tf.dispose([theta, target]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
