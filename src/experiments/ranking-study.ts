/**
 * The quick study of the ranking experiment (notebook 03, `bench/quick-study-jobs.ts`): NeuralSort
 * and the logistic odd-even network at n = 5, the baseline and both Newton losses (λ near the scale
 * of each curvature; the network's Hessian also at λ = 1), each on seeds 0–2 (0–1 for the smoke preset).
 */
import { resolveConfig } from './experiment';
import { rankingExperiment } from './ranking';
import type { RankingConfig } from './ranking-presets';

/** The study's methods: relaxation, variant and λ (undefined for the baseline, which has none). */
export const RANKING_STUDY_METHODS = [
  { relaxation: 'neuralsort', variant: 'baseline', lambda: undefined },
  { relaxation: 'neuralsort', variant: 'hessian', lambda: 0.1 },
  { relaxation: 'neuralsort', variant: 'fisher', lambda: 0.01 },
  { relaxation: 'logistic', variant: 'baseline', lambda: undefined },
  { relaxation: 'logistic', variant: 'hessian', lambda: 0.1 },
  { relaxation: 'logistic', variant: 'hessian', lambda: 1 },
  { relaxation: 'logistic', variant: 'fisher', lambda: 0.01 },
] as const;

/** The study's complete configs for `preset` ('smoke', 'quick' or 'paper'): every method on every seed, methods outermost. */
export function rankingStudyConfigs(preset: string): RankingConfig[] {
  const seeds = preset === 'smoke' ? [0, 1] : [0, 1, 2];
  return RANKING_STUDY_METHODS.flatMap((method) => seeds.map((seed) => resolveConfig(rankingExperiment, { ...method, preset, seed })));
}
