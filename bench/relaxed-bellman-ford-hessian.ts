/**
 * What the exact per-sample Hessian of the relaxed Bellman-Ford loss costs at the experiment's
 * batch (70 grids of 12 × 12, beta 10, 25 iterations, L1 path loss), on the wasm backend, next to
 * one forward + backward pass of the same loss, measured in one run:
 * - forward + backward (the baseline's gradient): median of a few runs;
 * - one Hessian-vector product (double backward), median of a few;
 * - all per-sample Hessians H_i [144, 144] by `perSampleHessians` (144 HVPs on the whole batch), once.
 *
 *   npx tsx bench/relaxed-bellman-ford-hessian.ts [--loops for,while] [--batch 70]
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend, Rng, dijkstra, relaxedBellmanFord, pathL1Loss, perSampleHessians } from '../src/index';
import type { TracebackLoop } from '../src/index';

const flag = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const LOOPS = flag('loops', 'for,while').split(',') as TracebackLoop[];
const BATCH = Number(flag('batch', '70'));
const SIZE = 12;
const REPEATS = 5;

/** Median wall time in ms of `REPEATS` runs after one warm-up. */
function medianMs(run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

async function main(): Promise<void> {
  const info = await initBackend('wasm');
  console.log(`backend: ${describeBackend(info)}; batch ${BATCH} grids of ${SIZE}×${SIZE}, beta 10, 25 iterations, L1 loss`);
  console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`);
  const rng = new Rng(0);
  const costs = Float32Array.from({ length: BATCH * SIZE * SIZE }, () => [0.8, 1.2, 5.3, 7.7, 9.2][rng.int(5)]);
  const theta = tf.tensor3d(costs, [BATCH, SIZE, SIZE]);
  const y = tf.reshape(theta, [BATCH, SIZE * SIZE]) as tf.Tensor2D;
  const { paths: target, costs: optimal } = dijkstra(theta);
  const direction = tf.randomNormal([BATCH, SIZE * SIZE], 0, 1, 'float32', 1);
  console.log('loop    fwd+bwd ms   one HVP ms (× fwd+bwd)   144 HVPs: per-sample Hessians s (× fwd+bwd)');
  for (const loop of LOOPS) {
    const lossPerSample = (v: tf.Tensor2D): tf.Tensor1D =>
      tf.tidy(() => pathL1Loss(relaxedBellmanFord(tf.reshape(v, [BATCH, SIZE, SIZE]) as tf.Tensor3D, { loop }), target));
    const gradient = tf.grad((v: tf.Tensor) => tf.sum(lossPerSample(v as tf.Tensor2D)));
    const backward = medianMs(() => tf.tidy(() => gradient(y).dataSync()));
    const hvp = medianMs(() => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gradient(v), direction)))(y).dataSync()));
    const start = performance.now();
    perSampleHessians(y, lossPerSample).dispose();
    const hessians = performance.now() - start;
    console.log(
      `${loop.padEnd(6)} ${backward.toFixed(1).padStart(10)}   ${hvp.toFixed(1).padStart(10)} (${(hvp / backward).toFixed(1)}×)` +
        `   ${(hessians / 1000).toFixed(1).padStart(22)} (${Math.round(hessians / backward)}×)`,
    );
  }
  tf.dispose([theta, y, target, optimal, direction]);
  console.log(`\nload average at end ${os.loadavg()[0].toFixed(1)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
