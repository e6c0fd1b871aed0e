/**
 * Cost of the Newton losses in the ranking experiments: one real training step (four-digit batch,
 * model forward and backward — the CNN of `ranking`, or the digit MLP of the loss-bound
 * `digit-ranking` —, relaxation, Newton transform, Adam) per relaxation × variant, measured
 * side by side in one run, with the ratio to the baseline of the same relaxation (the paper: the
 * Fisher variant costs about as much as the baseline, the Hessian variant more).
 * Per cell: median and best wall-clock ms/step over the timed steps (after one warm-up step); on a
 * shared machine the best step is the closest to an idle core, and the ratios use the best steps.
 *
 * The last column is the training time of one whole run of the preset at the best step's pace.
 *
 *   npx tsx bench/ranking-step.ts [--experiment ranking|digit-ranking] [--preset quick|paper] [--n 5] [--steps 10]
 */
import { parseArgs } from 'node:util';
import { describeBackend, initBackend } from '../src/index';
import { getExperiment, resolveConfig, RANKING_VARIANTS } from '../src/experiments/index';

const { values } = parseArgs({
  options: { experiment: { type: 'string', default: 'ranking' }, preset: { type: 'string', default: 'quick' }, n: { type: 'string', default: '5' }, steps: { type: 'string', default: '10' } },
});
const relaxations = ['neuralsort', 'softsort', 'logistic', 'cauchy'];

async function main(): Promise<void> {
  console.log(describeBackend(await initBackend('wasm')));
  const timed = Number(values.steps);
  const experiment = getExperiment(values.experiment!);
  const base = resolveConfig(experiment, { preset: values.preset, n: Number(values.n) });
  const model = experiment.name === 'ranking' ? `CNN width ${base.width}, items ${28 / Number(base.downscale)} × ${112 / Number(base.downscale)}` : `MLP, ${base.hidden} hidden units`;
  console.log(`${experiment.name}, preset ${base.preset}: n = ${base.n}, batch ${base.batchSize} sets, ${model}, ${base.steps} steps per run; ${timed} timed steps`);
  console.log(`${'relaxation'.padEnd(12)}${RANKING_VARIANTS.map((v) => `${v} median / best ms`.padStart(30)).join('')}   hessian/baseline  fisher/baseline   s / run (B / H / F)`);
  for (const relaxation of relaxations) {
    const best: Record<string, number> = {};
    const cells: string[] = [];
    for (const variant of RANKING_VARIANTS) {
      const config = resolveConfig(experiment, { preset: base.preset, n: base.n, relaxation, variant, lambda: variant === 'fisher' ? 0.01 : 0.1 });
      const trainer = await experiment.createTrainer(config);
      await trainer.step(1);
      const times: number[] = [];
      for (let step = 2; step < 2 + timed; step++) {
        const start = performance.now();
        await trainer.step(step);
        times.push(performance.now() - start);
      }
      trainer.dispose();
      times.sort((a, b) => a - b);
      best[variant] = times[0];
      cells.push(`${times[Math.floor(times.length / 2)].toFixed(0)} / ${times[0].toFixed(0)}`.padStart(30));
    }
    const ratio = (variant: string): string => `${(best[variant] / best.baseline).toFixed(2)}×`.padStart(17);
    const run = RANKING_VARIANTS.map((variant) => ((best[variant] * Number(base.steps)) / 1000).toPrecision(2)).join(' / ');
    console.log(`${relaxation.padEnd(12)}${cells.join('')}${ratio('hessian')}${ratio('fisher')}${run.padStart(22)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
