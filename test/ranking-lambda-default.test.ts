import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RANKING_NEWTON_LAMBDA, RANKING_PRESETS, RankingTrainer, resolveConfig, rankingExperiment, digitRankingExperiment, runCommand, type Experiment, type RankingPreset } from '../src/experiments/index';
import { main } from '../src/cli';

test('ranking λ default: one per variant (Hessian 0.1, Fisher 0.01), for both ranking experiments and every preset', () => {
  assert.deepEqual(RANKING_NEWTON_LAMBDA, { hessian: 0.1, fisher: 0.01 });
  for (const experiment of [rankingExperiment, digitRankingExperiment] as Experiment[]) {
    for (const preset of Object.keys(experiment.presets)) {
      assert.equal(resolveConfig(experiment, { preset, variant: 'fisher' }).lambda, 0.01, `${experiment.name} ${preset} fisher`);
      assert.equal(resolveConfig(experiment, { preset, variant: 'hessian' }).lambda, 0.1, `${experiment.name} ${preset} hessian`);
      assert.equal(resolveConfig(experiment, { preset, variant: 'baseline' }).lambda, 0, `${experiment.name} ${preset} baseline`);
      assert.equal(resolveConfig(experiment, { preset, variant: 'baseline', lambda: 5 }).lambda, 0, 'a baseline has no λ');
      assert.equal(resolveConfig(experiment, { preset, variant: 'fisher', lambda: 1e-4 }).lambda, 1e-4, 'a given λ wins');
    }
  }
});

test('ranking λ: a bad value is refused quoting it; the default needs no --lambda in the resume command', () => {
  assert.throws(() => resolveConfig(rankingExperiment, { variant: 'fisher', lambda: -1 }), /ranking: option 'lambda' must be a finite number > 0, got -1/);
  assert.throws(() => resolveConfig(digitRankingExperiment, { variant: 'hessian', lambda: 0 }), /digit-ranking: option 'lambda' must be a finite number > 0, got 0/);
  const fisher = resolveConfig(rankingExperiment, { preset: 'smoke', variant: 'fisher' });
  assert.doesNotMatch(runCommand(rankingExperiment, fisher), /--lambda/);
  const other = resolveConfig(rankingExperiment, { preset: 'smoke', variant: 'fisher', lambda: 0.1 });
  assert.match(runCommand(rankingExperiment, other), /--lambda 0\.1/);
});

test('ranking --help states the λ default by variant', async () => {
  let out = '';
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } };
  assert.equal(await main(['ranking', '--help'], io as never), 0);
  assert.match(out, /--lambda <number> +Tikhonov strength .* \[default: by variant: hessian 0\.1, fisher 0\.01\]/);
});

test('a ranking preset keeps its typed fields (npm run typecheck fails otherwise): preset + variant + λ is a RankingConfig', () => {
  const preset: RankingPreset = RANKING_PRESETS.smoke;
  const width: number = preset.width;
  const make = (): RankingTrainer => new RankingTrainer({ ...preset, variant: 'fisher', lambda: RANKING_NEWTON_LAMBDA.fisher });
  assert.equal(width, 0.25);
  assert.equal(typeof make, 'function');
});
