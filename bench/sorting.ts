/**
 * Sorting relaxations at the ranking task's training batch (B = 100 sets of n = 5 or 10 scores) on
 * the wasm backend, measured side by side in one run: forward + backward of the ranking loss
 * (relaxation + BCE + gradient w.r.t. the scores), and the per-sample Hessians (n Hessian-vector
 * products on the whole batch, `perSampleHessians`). For scale, the PyTorch reference on this
 * machine: 1.8 ms (n = 5) / 7.1 ms (n = 10) forward + backward for the Cauchy odd-even network, and
 * 0.17 s / 6.1 s for its full-batch `torch.autograd.functional.hessian`.
 *
 * Times are process CPU time (robust to other processes on a shared machine; wasm runs on one
 * thread, so on an idle machine they equal wall time).
 *
 *   npx tsx bench/sorting.ts [--repeats N] [--backend cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend, Rng, makeRelaxation, perSampleHessians, rankingLossPerSample, type RelaxationName, type SortingRelaxationParams } from '../src/index';
import { cpuMsPerRun } from './cpu-time';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const repeats = Number(argument('--repeats') ?? 7);
const BATCH = 100;
const TORCH = { forwardBackward: { 5: 1.8, 10: 7.1 }, hessian: { 5: 170, 10: 6100 } } as const;

const METHODS: { label: string; name: RelaxationName; params?: SortingRelaxationParams }[] = [
  { label: 'NeuralSort', name: 'neuralsort' },
  { label: 'SoftSort', name: 'softsort' },
  ...(['logistic', 'logistic_phi', 'cauchy', 'reciprocal', 'gaussian', 'optimal'] as const).map((name) => ({
    label: `odd-even ${name}`,
    name,
  })),
  { label: 'bitonic cauchy', name: 'cauchy', params: { network: 'bitonic' } },
  { label: 'bitonic logistic', name: 'logistic', params: { network: 'bitonic' } },
];

async function main(): Promise<void> {
  const info = await initBackend(argument('--backend') ?? 'wasm');
  console.log(`backend: ${describeBackend(info)}; B = ${BATCH}; CPU time per call, median of ${repeats} batches`);
  const rng = new Rng(0);
  for (const n of [5, 10] as const) {
    const scores = tf.tensor2d(rng.fillNormal(new Float32Array(BATCH * n)), [BATCH, n]);
    const targets = tf.tensor2d(rng.fillNormal(new Float32Array(BATCH * n)), [BATCH, n]);
    console.log(`\nn = ${n}        forward+backward   per-sample Hessians   (PyTorch Cauchy odd-even: ${TORCH.forwardBackward[n]} ms, Hessian ${TORCH.hessian[n]} ms)`);
    for (const { label, name, params } of METHODS) {
      const loss = rankingLossPerSample(makeRelaxation(name, params), targets);
      const gradient = tf.grad((x: tf.Tensor) => tf.sum(loss(x as tf.Tensor2D)));
      const forwardBackward = cpuMsPerRun(() => tf.tidy(() => gradient(scores).dataSync()), { batches: repeats });
      const hessian = cpuMsPerRun(() => perSampleHessians(scores, loss).dispose(), { batches: Math.max(3, Math.floor(repeats / 2)) });
      const ratio = (ms: number, reference: number): string => `${(ms / reference).toFixed(2)}× torch`;
      console.log(
        `  ${label.padEnd(20)} ${forwardBackward.toFixed(2).padStart(7)} ms (${ratio(forwardBackward, TORCH.forwardBackward[n])})` +
          `   ${hessian.toFixed(1).padStart(7)} ms (${ratio(hessian, TORCH.hessian[n])})`,
      );
    }
    tf.dispose([scores, targets]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
