/**
 * Presets of the ranking experiment (complete configs but for λ, whose default depends on the
 * variant: `RANKING_NEWTON_LAMBDA`; any option can be overridden).
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
import type { ConfigOf, OptionSpec } from './experiment';

export const RANKING_VARIANTS = ['baseline', 'hessian', 'fisher'] as const;
export type RankingVariant = (typeof RANKING_VARIANTS)[number];

/**
 * The default Tikhonov strength λ of the ranking experiments' Newton losses, by variant: the one
 * source of the default for the presets, the CLI (`--lambda`), the README and the notebooks.
 * λ has to be of the order of the curvature it regularises (the paper does not publish its λ):
 * NeuralSort's batch-mean Hessian `H̄` has its largest eigenvalues at ≈ 0.2–1 and the empirical
 * Fisher `F` at ≈ 0.01 (notebooks 01 and 03). So Hessian λ = 0.1 and Fisher λ = 0.01 — the quick
 * study's choices; at Fisher λ = 0.1 the Newton step is already the gradient scaled by 1/λ, which
 * Adam undoes: in the loss-bound ablation (NeuralSort, n = 10) Fisher λ = 0.1 gives the baseline's
 * 80.9% vs 81.0%, while λ ≤ 0.01 gains (README, notebook 06).
 */
export const RANKING_NEWTON_LAMBDA: Readonly<Record<'hessian' | 'fisher', number>> = { hessian: 0.1, fisher: 0.01 };

/**
 * `config` with its λ settled: 0 for the baseline (it has none), the given λ, else the variant's
 * default (`RANKING_NEWTON_LAMBDA`). Checking the value is left to the experiment's validation.
 */
export function withRankingLambda<T extends Record<string, unknown>>(config: T): T {
  const lambda = config.variant === 'baseline' ? 0 : (config.lambda ?? RANKING_NEWTON_LAMBDA[config.variant as 'hessian' | 'fisher']);
  return { ...config, lambda };
}

/** The options both set-ranking experiments have (`ranking` on pixels, `digit-ranking` on digits), by name; the preset is each experiment's own. */
export const SET_RANKING_OPTIONS = {
  relaxation: { name: 'relaxation', type: 'string', choices: RELAXATION_NAMES, description: 'relaxed sort: neuralsort, softsort, or a sorting network named by its sigmoid (nl.SORTING_RELAXATIONS)' },
  variant: { name: 'variant', type: 'string', choices: RANKING_VARIANTS, description: 'baseline (plain loss) or Newton loss with the hessian / fisher curvature' },
  lambda: {
    name: 'lambda',
    type: 'number',
    description: 'Tikhonov strength λ > 0 of the Newton loss (stored as 0 for the baseline)',
    defaultText: `by variant: hessian ${RANKING_NEWTON_LAMBDA.hessian}, fisher ${RANKING_NEWTON_LAMBDA.fisher}`,
  },
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

/** What every set-ranking experiment's config has. */
export type SetRankingConfig = ConfigOf<typeof SET_RANKING_OPTIONS>;

/** The options of the ranking experiment, in `--help` order: the one declaration of `RankingConfig`. */
export const RANKING_OPTIONS = [
  { name: 'preset', type: 'string', choices: ['smoke', 'quick', 'paper'], description: 'size preset: smoke (seconds), quick (minutes on a CPU), paper' },
  ...(['relaxation', 'variant', 'lambda', 'n', 'steps', 'batchSize', 'lr', 'evalEvery', 'valSets', 'testSets'] as const).map((name) => SET_RANKING_OPTIONS[name]),
  { name: 'width', type: 'number', positive: true, description: 'CNN channel multiplier (1 = 32/64 conv channels, 64 hidden units)' },
  { name: 'downscale', type: 'integer', description: 'input pooling factor: items are 28/f × 112/f pixels' },
  ...(['tau', 'steepness', 'seed'] as const).map((name) => SET_RANKING_OPTIONS[name]),
] as const satisfies readonly OptionSpec[];

export type RankingConfig = ConfigOf<typeof RANKING_OPTIONS>;

/** A preset of the ranking experiment: its config but for λ, whose default depends on the variant (`RANKING_NEWTON_LAMBDA`). */
export type RankingPreset = Omit<RankingConfig, 'lambda'>;

const common = { relaxation: 'neuralsort', variant: 'baseline', n: 5, tau: 1, steepness: 10, seed: 0 } as const;

export const RANKING_PRESETS: Readonly<Record<RankingConfig['preset'], RankingPreset>> = {
  smoke: { ...common, preset: 'smoke', steps: 12, batchSize: 8, lr: 1e-3, evalEvery: 6, valSets: 32, testSets: 32, width: 0.25, downscale: 4 },
  quick: { ...common, preset: 'quick', steps: 2000, batchSize: 32, lr: 1e-3, evalEvery: 250, valSets: 500, testSets: 1000, width: 0.5, downscale: 4 },
  paper: { ...common, preset: 'paper', steps: 100_000, batchSize: 100, lr: Math.pow(10, -3.5), evalEvery: 1000, valSets: 5000, testSets: 10_000, width: 1, downscale: 1 },
};
