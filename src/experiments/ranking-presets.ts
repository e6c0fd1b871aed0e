/**
 * Presets of the ranking experiment (complete configs; any option can be overridden).
 *
 * - `paper`: the paper's setup (diffsort's): 100 000 steps of Adam at lr 10^-3.5, 100 sets per
 *   batch, the full-width CNN on full 28 × 112 items, evaluated on 5 000 validation and 10 000
 *   test sets (as many sets as the splits have digits). Meant for a GPU (tfjs-node-gpu). The
 *   evaluation interval, λ, τ and the steepness are not published: our choices.
 * - `quick`: minutes per run on a 2-core CPU (wasm backend): the CNN at width 0.5 on items
 *   downscaled 4× (7 × 28), 2 000 steps of 32 sets at lr 1e-3 — the largest model and images
 *   whose steps stay in tens of ms on one core (the README's ranking section has the timings and
 *   the accuracies reached).
 * - `smoke`: seconds; what the tests run. Learns a little, proves nothing.
 */
import { RELAXATION_NAMES } from '../relaxations/sorting/index';
import type { OptionSpec, RunConfig } from './experiment';

export const RANKING_VARIANTS = ['baseline', 'hessian', 'fisher'] as const;
export type RankingVariant = (typeof RANKING_VARIANTS)[number];

/** What every set-ranking experiment's config has (`ranking` on pixels, `digit-ranking` on digits). */
export interface SetRankingConfig extends RunConfig {
  preset: string;
  relaxation: string;
  variant: string;
  lambda: number;
  n: number;
  steps: number;
  batchSize: number;
  lr: number;
  evalEvery: number;
  valSets: number;
  testSets: number;
  tau: number;
  steepness: number;
  seed: number;
}

/** The options of `SetRankingConfig` (all but the preset, whose choices are the experiment's), by name. */
export const SET_RANKING_OPTIONS = {
  relaxation: { name: 'relaxation', type: 'string', choices: RELAXATION_NAMES, description: 'relaxed sort: neuralsort, softsort, or a sorting network named by its sigmoid (nl.SORTING_RELAXATIONS)' },
  variant: { name: 'variant', type: 'string', choices: RANKING_VARIANTS, description: 'baseline (plain loss) or Newton loss with the hessian / fisher curvature' },
  lambda: { name: 'lambda', type: 'number', description: 'Tikhonov strength λ > 0 of the Newton loss (stored as 0 for the baseline)' },
  n: { name: 'n', type: 'integer', atLeast: 2, description: 'items per set to rank' },
  steps: { name: 'steps', type: 'integer', atLeast: 1, description: 'training steps' },
  batchSize: { name: 'batchSize', type: 'integer', atLeast: 1, description: 'sets per training batch' },
  lr: { name: 'lr', type: 'number', positive: true, description: 'Adam learning rate (10^-3.5 is accepted)' },
  evalEvery: { name: 'evalEvery', type: 'integer', atLeast: 1, description: 'steps between evaluations (and checkpoints)' },
  valSets: { name: 'valSets', type: 'integer', atLeast: 1, description: 'validation sets per evaluation' },
  testSets: { name: 'testSets', type: 'integer', atLeast: 1, description: 'test sets per evaluation' },
  tau: { name: 'tau', type: 'number', positive: true, description: 'temperature of NeuralSort / SoftSort' },
  steepness: { name: 'steepness', type: 'number', positive: true, description: 'steepness of the sorting networks' },
  seed: { name: 'seed', type: 'integer', description: 'seed of the weights and the training batches' },
} as const satisfies Record<string, OptionSpec>;

export interface RankingConfig extends SetRankingConfig {
  width: number;
  downscale: number;
}

const common = { relaxation: 'neuralsort', variant: 'baseline', lambda: 0.1, n: 5, tau: 1, steepness: 10, seed: 0 } as const;

export const RANKING_PRESETS: Readonly<Record<'smoke' | 'quick' | 'paper', RankingConfig>> = {
  smoke: { ...common, preset: 'smoke', steps: 12, batchSize: 8, lr: 1e-3, evalEvery: 6, valSets: 32, testSets: 32, width: 0.25, downscale: 4 },
  quick: { ...common, preset: 'quick', steps: 2000, batchSize: 32, lr: 1e-3, evalEvery: 250, valSets: 500, testSets: 1000, width: 0.5, downscale: 4 },
  paper: { ...common, preset: 'paper', steps: 100_000, batchSize: 100, lr: Math.pow(10, -3.5), evalEvery: 1000, valSets: 5000, testSets: 10_000, width: 1, downscale: 1 },
};
