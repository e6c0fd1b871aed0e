/**
 * The cost of the Newton losses on top of the plain loss gradient, at N = 100 samples, measured
 * side by side in one run on the wasm backend. For each per-sample loss, the time of one
 * "loss step" (forward + backward to ∂/∂Y, the part of a training step the loss owns):
 *
 * - gradient:          ∇_Y mean_i l_i (the baseline);
 * - Fisher (custom):   the same through `withFisherNewtonGradient` (what `trainingLoss` uses);
 * - Fisher (explicit): `newtonLoss` variant 'fisher' (an extra backward for G, then a solve);
 * - Hessian:           `newtonLoss` variant 'hessian', batch-mean (G + m Hessian-vector products);
 * - Hessian/sample:    the same with curvature 'per-sample' (N solves; at m = 144 dominated by N
 *                      Jacobi eigen-decompositions, as the smooth loss's H_i are indefinite).
 *
 * Printed: ms per step and the ratio to the gradient-only time; "+ms" is what the method adds to a
 * training step (compare with the CNN's forward + backward, hundreds of ms). Times are process CPU
 * time (robust to other processes on a shared machine; wasm runs on one thread).
 *
 *   npx tsx bench/newton-overhead.ts [--repeats N]
 */
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  describeBackend,
  Rng,
  makeRelaxation,
  rankingLossPerSample,
  newtonLoss,
  withFisherNewtonGradient,
  type NewtonOptions,
  type PerSampleLoss,
} from '../src/index';
import { cpuMsPerRun } from './cpu-time';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const repeats = Number(argument('--repeats') ?? 5);
const N = 100;
const LAMBDA = 0.1;
const timing = { batches: repeats, warmUpMs: 500, batchMs: 40 };

/** A smooth, non-convex per-sample loss: Σ_k [sin(w y) + softplus(v y) + 0.1 y⁴] + ½ (Σ_k w y)². */
function smoothLoss(m: number, rng: Rng): { loss: PerSampleLoss; dispose: () => void } {
  const w = tf.tensor2d(rng.fillNormal(new Float32Array(N * m)), [N, m]);
  const v = tf.tensor2d(rng.fillNormal(new Float32Array(N * m)), [N, m]);
  const loss: PerSampleLoss = (y) =>
    tf.tidy(() => {
      const wy = tf.mul(w, y);
      const terms = tf.addN([tf.sin(wy), tf.softplus(tf.mul(v, y)), tf.mul(0.1, tf.square(tf.square(y)))]);
      return tf.add(tf.sum(terms, 1), tf.mul(0.5, tf.square(tf.sum(wy, 1)))) as tf.Tensor1D;
    });
  return { loss, dispose: () => tf.dispose([w, v]) };
}

function rankingLoss(n: number, rng: Rng): { loss: PerSampleLoss; dispose: () => void } {
  const targets = tf.tensor2d(rng.fillNormal(new Float32Array(N * n)), [N, n]);
  return { loss: rankingLossPerSample(makeRelaxation('neuralsort'), targets), dispose: () => targets.dispose() };
}

function lossStep(y: tf.Tensor2D, objective: (y: tf.Tensor2D) => tf.Scalar): () => void {
  return () => tf.tidy(() => tf.grad((x: tf.Tensor) => objective(x as tf.Tensor2D))(y).dataSync());
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  console.log(`backend: ${describeBackend(backend)}; N = ${N}, λ = ${LAMBDA}, CPU ms per loss step (median of ${repeats})`);
  const rng = new Rng(2024);
  const cases = [
    { label: 'smooth m=5', m: 5, make: () => smoothLoss(5, rng) },
    { label: 'smooth m=10', m: 10, make: () => smoothLoss(10, rng) },
    { label: 'smooth m=144', m: 144, make: () => smoothLoss(144, rng) },
    { label: 'NeuralSort n=5', m: 5, make: () => rankingLoss(5, rng) },
    { label: 'NeuralSort n=10', m: 10, make: () => rankingLoss(10, rng) },
  ];
  const hessian: NewtonOptions = { variant: 'hessian', lambda: LAMBDA };
  const header = ['loss', 'gradient ms', 'Fisher custom', 'Fisher explicit', 'Hessian', 'Hessian/sample'];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(16) : h.padStart(28))).join(''));
  for (const { label, m, make } of cases) {
    const { loss, dispose } = make();
    const y = tf.tensor2d(rng.fillNormal(new Float32Array(N * m)), [N, m]);
    const gradientOnly = lossStep(y, (x) => tf.mean(loss(x)));
    const before = cpuMsPerRun(gradientOnly, timing);
    const methods = [
      lossStep(y, (x) => tf.mean(loss(withFisherNewtonGradient(x, LAMBDA)))),
      lossStep(y, (x) => newtonLoss(x, loss, { variant: 'fisher', lambda: LAMBDA })),
      lossStep(y, (x) => newtonLoss(x, loss, hessian)),
      lossStep(y, (x) => newtonLoss(x, loss, { ...hessian, curvature: 'per-sample' })),
    ].map((run) => cpuMsPerRun(run, timing));
    const base = Math.min(before, cpuMsPerRun(gradientOnly, timing)); // measured before and after: the JIT settles
    const cells = methods.map((ms) => `${ms.toFixed(2)} (${(ms / base).toFixed(2)}×, +${(ms - base).toFixed(1)})`);
    console.log(label.padEnd(16) + base.toFixed(2).padStart(28) + cells.map((c) => c.padStart(28)).join(''));
    y.dispose();
    dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
