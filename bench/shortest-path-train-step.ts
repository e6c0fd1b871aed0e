/**
 * Seconds per training step of the shortest-path experiment (trunk forward + loss + curvature +
 * backward + Adam) for each method at batch 70, baseline vs Newton-Fisher vs Newton-Hessian,
 * measured side by side in one run on the wasm backend, with the ratios to the baseline.
 *
 * The relaxed Bellman-Ford has no Hessian variant in the experiment (nor in the paper): its cost
 * is estimated here as a baseline step + 144 Hessian-vector products through the relaxation
 * (m = 144 columns), timed on a few HVPs.
 *
 *   npx tsx bench/shortest-path-train-step.ts [--steps N] [--width W] [--samples 3,30]
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../src/index';
import {
  resolveConfig,
  shortestPathExperiment,
  ShortestPathTrainer,
  SHORTEST_PATH_METHODS,
  isRelaxedMethod,
  type ShortestPathConfig,
} from '../src/experiments/index';

const flag = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const STEPS = Number(flag('steps', '2'));
const WIDTH = Number(flag('width', String(resolveConfig(shortestPathExperiment, { preset: 'quick' }).width)));
const SAMPLES = flag('samples', '3,30').split(',').map(Number);
const BATCH = 70;
const HVP_PROBES = 3;

/** Mean seconds of `STEPS` training steps after one warm-up step. */
function secondsPerStep(config: ShortestPathConfig): number {
  const trainer = ShortestPathTrainer.create(config);
  try {
    trainer.step(1);
    const start = performance.now();
    for (let step = 2; step <= STEPS + 1; step++) trainer.step(step);
    return (performance.now() - start) / 1000 / STEPS;
  } finally {
    trainer.dispose();
  }
}

/** Seconds of one Hessian-vector product of the relaxed loss at the trunk's costs of a batch. */
function secondsPerHvp(config: ShortestPathConfig): number {
  const trainer = ShortestPathTrainer.create(config);
  try {
    if (trainer.loss.kind !== 'relaxed') throw new Error('secondsPerHvp: relaxed methods only');
    const lossPerSample = trainer.loss.lossPerSample;
    return tf.tidy(() => {
      const batch = trainer.trainingBatch(1);
      const paths = tf.tensor3d(batch.paths, [batch.size, batch.gridSize, batch.gridSize]);
      const costs = tf.reshape(trainer.model.apply(tf.tensor4d(batch.images, [batch.size, batch.imageSize, batch.imageSize, 3]), { training: false }), [batch.size, -1]) as tf.Tensor2D;
      const gradient = (y: tf.Tensor): tf.Tensor => tf.grad((z: tf.Tensor) => tf.sum(lossPerSample(paths)(z as tf.Tensor2D)))(y);
      const hvp = (column: number): void => {
        const direction = tf.oneHot(tf.fill([batch.size], column, 'int32'), costs.shape[1]);
        tf.grad((y: tf.Tensor) => tf.sum(tf.mul(gradient(y), direction)))(costs).dataSync();
      };
      hvp(0);
      const start = performance.now();
      for (let k = 1; k <= HVP_PROBES; k++) hvp(k);
      return (performance.now() - start) / 1000 / HVP_PROBES;
    });
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  const base = { preset: 'quick', batchSize: BATCH, width: WIDTH, lambda: 1, spectrum: false };
  console.log(`${describeBackend(backend)}; ResNet18 trunk width ${WIDTH}, batch ${BATCH} maps of 96×96, mean of ${STEPS} steps after a warm-up`);
  console.log(`load average at start: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} on ${os.cpus().length} cores\n`);
  console.log('method        samples   baseline s/step   fisher s/step (ratio)   hessian s/step (ratio)');
  for (const method of SHORTEST_PATH_METHODS) {
    for (const samples of isRelaxedMethod(method) ? [0] : SAMPLES) {
      const config = (variant: string): ShortestPathConfig =>
        resolveConfig(shortestPathExperiment, { ...base, method, variant, ...(samples ? { samples } : {}) });
      const baseline = secondsPerStep(config('baseline'));
      const fisher = secondsPerStep(config('fisher'));
      const hessian = isRelaxedMethod(method) ? baseline + 144 * secondsPerHvp(config('baseline')) : secondsPerStep(config('hessian'));
      const cell = (seconds: number, estimated = false): string =>
        `${estimated ? '≈' : ' '}${seconds.toFixed(2).padStart(7)} (${(seconds / baseline).toFixed(2)}×)`.padStart(22);
      console.log(
        `${method.padEnd(13)} ${String(samples || '-').padStart(7)}   ${baseline.toFixed(2).padStart(15)}   ${cell(fisher)}   ${cell(hessian, isRelaxedMethod(method))}`,
      );
    }
  }
  console.log(`\n≈: relaxed Bellman-Ford Hessian = baseline step + 144 Hessian-vector products (timed on ${HVP_PROBES}); not offered by the experiment.`);
  console.log(`load average at end: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
