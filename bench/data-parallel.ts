/**
 * Ranking training steps (forward, backward, Newton loss, Adam) of the paper's four-digit CNN on
 * 20 sets × 5 items = 100 images of 28 × 112 on wasm (or the quick preset's smaller CNN and batch:
 * `--preset quick`): on this thread, and with the CNN split over K worker threads (`--workers`,
 * `DataParallelGradients`), measured in one run. Also prints the largest difference of the logged
 * losses between the two (they should agree to float rounding).
 *
 *   npx tsx bench/data-parallel.ts [--steps N] [--workers K[,K…]] [--variant baseline|hessian|fisher] [--preset paper|quick]
 *   default: 6 steps, K = 1, 2 and every core (os.availableParallelism()), fisher, paper
 */
import * as os from 'node:os';
import { initBackend, describeBackend } from '../src/runtime/backend';
import { rankingExperiment, RankingTrainer } from '../src/experiments/ranking';
import { resolveConfig, type MetricRow } from '../src/experiments/experiment';
import { DataParallelGradients } from '../src/experiments/data-parallel';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const steps = Number(flag('--steps') ?? 6);
const workerCounts = (flag('--workers') ?? [...new Set([1, 2, os.availableParallelism()])].join(',')).split(',').map(Number);
const preset = flag('--preset') ?? 'paper';
const config = resolveConfig(rankingExperiment, {
  preset,
  relaxation: 'neuralsort',
  variant: flag('--variant') ?? 'fisher',
  n: 5,
  ...(preset === 'paper' ? { batchSize: 20 } : {}),
  valSets: 1,
  testSets: 1,
});
const IMAGES = config.batchSize * config.n;

/** Median ms per step over `steps` steps after one warm-up step, and the logged losses. */
async function timeSteps(trainer: RankingTrainer): Promise<{ ms: number; losses: number[] }> {
  await trainer.step(1);
  const times: number[] = [];
  const losses: number[] = [];
  for (let step = 2; step <= steps + 1; step++) {
    const start = performance.now();
    const row: MetricRow = await trainer.step(step);
    times.push(performance.now() - start);
    losses.push(row.loss);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], losses };
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  const size = `${28 / config.downscale}×${112 / config.downscale}`;
  console.log(`${describeBackend(backend)}; ${os.availableParallelism()} cores; ${config.relaxation} ${config.variant}, CNN width ${config.width}, ${IMAGES} images of ${size} per step; median of ${steps} steps`);
  const serial = new RankingTrainer(config);
  const oneThread = await timeSteps(serial);
  serial.dispose();
  const line = (label: string, ms: number): string =>
    `${label.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms/step  ${((IMAGES * 1000) / ms).toFixed(1).padStart(6)} img/s  ${(oneThread.ms / ms).toFixed(2)}× this thread`;
  console.log(line('this thread', oneThread.ms));
  for (const workers of workerCounts) {
    const trainer = new RankingTrainer(config); // with workers = 1 too, to show the cost of the hand-over
    trainer.useWorkers(await DataParallelGradients.start({ workers, model: { kind: 'four-digit-cnn', options: { width: config.width, downscale: config.downscale, seed: config.seed } } }));
    try {
      const { ms, losses } = await timeSteps(trainer);
      const difference = Math.max(...losses.map((loss, i) => Math.abs(loss - oneThread.losses[i])));
      console.log(`${line(`${workers} worker thread${workers === 1 ? '' : 's'}`, ms)}  max |Δloss| ${difference.toExponential(1)}`);
    } finally {
      trainer.dispose();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
