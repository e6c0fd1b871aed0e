/**
 * Presets and options of the shortest-path experiment (complete configs; any option can be overridden).
 *
 * - `paper`: the paper's Warcraft setup (Vlastelica et al. / Berthet et al.): 10 000 / 1 000 /
 *   1 000 maps, the full-width ResNet18 trunk, Adam 5e-4 with ×0.1 at 60% and 80% of training,
 *   batch 70, 50 epochs. Meant for a GPU (tfjs-node-gpu): hours per run on a 2-core CPU.
 * - `quick`: minutes per run on a 2-core CPU (wasm backend), measured: a narrow trunk, fewer maps
 *   and epochs (see the README's shortest-path section for the timings).
 * - `smoke`: seconds; what the tests run. Learns a little, proves nothing.
 *
 * Not published by the paper, so our choices (options, documented in `--help`): λ, the noise scale
 * σ of stochastic smoothing and of the perturbed optimizer, β and the iteration count of the
 * relaxed Bellman-Ford.
 */
import { INDEFINITE_POLICIES } from '../newton/index';
import type { ConfigOf, OptionSpec } from './experiment';
import { SHORTEST_PATH_METHOD_TABLE, SHORTEST_PATH_METHODS, type ShortestPathMethod } from './shortest-path-methods';

export const SHORTEST_PATH_VARIANTS = ['baseline', 'hessian', 'fisher'] as const;
export type ShortestPathVariant = (typeof SHORTEST_PATH_VARIANTS)[number];

/** Sample counts of the stochastic methods in the paper's table. */
export const PAPER_SAMPLE_COUNTS = [3, 10, 30] as const;

/** The options of the shortest-path experiment, in `--help` order: the one declaration of `ShortestPathConfig`. */
export const SHORTEST_PATH_OPTIONS = [
  { name: 'preset', type: 'string', choices: ['smoke', 'quick', 'paper'], description: 'size preset: smoke (seconds), quick (minutes on a CPU), paper' },
  {
    name: 'method',
    type: 'string',
    choices: SHORTEST_PATH_METHODS,
    description: SHORTEST_PATH_METHOD_TABLE.map((row) => `${row.name}: ${row.description}`).join('; '),
  },
  {
    name: 'variant',
    type: 'string',
    choices: SHORTEST_PATH_VARIANTS,
    description: 'baseline, or Newton loss with the hessian / fisher curvature (rbf-*: baseline and fisher, as in the paper)',
  },
  { name: 'lambda', type: 'number', description: 'Tikhonov strength λ > 0 of the Newton loss (stored as 0 for the baseline)' },
  {
    name: 'indefinite',
    type: 'string',
    choices: INDEFINITE_POLICIES,
    description: "hessian variant, M + λI indefinite (noisy estimates): 'invert' exactly (the paper's (M + λI)⁻¹) or 'clip' eigenvalues below λ to λ (stored as invert otherwise)",
  },
  { name: 'samples', type: 'integer', description: 'noise samples per map of the stochastic methods (paper: 3, 10, 30; stored as 0 for rbf-*)' },
  { name: 'sigma', type: 'number', description: 'Gaussian noise scale σ of the stochastic methods (stored as 0 for rbf-*)' },
  { name: 'beta', type: 'number', description: 'inverse temperature β of the relaxed Bellman-Ford (stored as 0 for the stochastic methods)' },
  {
    name: 'nIter',
    type: 'integer',
    description: 'relaxation and traceback steps of the relaxed Bellman-Ford; 0 = from the map size, 2·g + 1 for g × g maps (stored as 25 for the generated 12 × 12 maps, as 0 for the stochastic methods)',
  },
  { name: 'epochs', type: 'integer', atLeast: 1, description: 'training epochs (lr × 0.1 after 60% and after 80% of them)' },
  { name: 'batchSize', type: 'integer', atLeast: 1, description: 'maps per training batch' },
  { name: 'lr', type: 'number', positive: true, description: 'Adam learning rate at the start' },
  { name: 'trainMaps', type: 'integer', atLeast: 1, description: 'training maps (the first ones of the train split)' },
  { name: 'valMaps', type: 'integer', atLeast: 1, description: 'validation maps evaluated after each epoch' },
  { name: 'testMaps', type: 'integer', atLeast: 1, description: 'test maps evaluated after each epoch' },
  { name: 'width', type: 'number', positive: true, description: 'ResNet18 trunk channel multiplier (1 = 64 channels)' },
  { name: 'spectrum', type: 'boolean', description: 'log the eigenvalue range of M + λI every Newton step (Jacobi: ~60 ms per step for the 144 × 144 Hessian)' },
  { name: 'dataDir', type: 'string', description: "'' = the generated terrain maps; else a folder with {train,val,test}_{maps,vertex_weights,shortest_paths}.npy (e.g. Warcraft)" },
  { name: 'seed', type: 'integer', description: 'seed of the weights, the batch order and the noise' },
] as const satisfies readonly OptionSpec[];

export type ShortestPathConfig = ConfigOf<typeof SHORTEST_PATH_OPTIONS>;

const common = {
  method: 'perturbed-fy',
  variant: 'baseline',
  lambda: 1,
  indefinite: 'invert',
  samples: 3,
  sigma: 0.5,
  beta: 10,
  nIter: 0,
  spectrum: true,
  dataDir: '',
  seed: 0,
} as const;

export const SHORTEST_PATH_PRESETS: Readonly<Record<ShortestPathConfig['preset'], ShortestPathConfig>> = {
  smoke: { ...common, preset: 'smoke', epochs: 2, batchSize: 8, lr: 5e-4, trainMaps: 32, valMaps: 16, testMaps: 16, width: 0.125 },
  quick: { ...common, preset: 'quick', epochs: 10, batchSize: 70, lr: 2e-3, trainMaps: 1400, valMaps: 500, testMaps: 1000, width: 0.125 },
  paper: { ...common, preset: 'paper', epochs: 50, batchSize: 70, lr: 5e-4, trainMaps: 10_000, valMaps: 1000, testMaps: 1000, width: 1 },
};

/** The Newton-loss settings of one method and variant: λ and the indefinite policy (Hessian only). */
export interface NewtonSetting {
  lambda: number;
  indefinite?: 'invert' | 'clip';
}

/**
 * λ (and for the noisy Hessian estimates the indefinite policy) per method and Newton variant,
 * used by the quick study and notebook 05; the paper does not publish its λ. Chosen by the best
 * validation accuracy of a short pilot at the quick scale (3 epochs, one seed; 30 samples for
 * stochastic smoothing, 3 for the perturbed optimizer) over λ ∈ {0.1, 1, 10, 100, 1000} and
 * invert / clip: see the README's shortest-path section. On the CLI: `--lambda`, `--indefinite`.
 */
export const SHORTEST_PATH_NEWTON_SETTINGS: Readonly<Record<ShortestPathMethod, { hessian?: NewtonSetting; fisher: NewtonSetting }>> = {
  'rbf-for-l1': { fisher: { lambda: 100 } },
  'rbf-for-l2': { fisher: { lambda: 100 } },
  'rbf-while-l1': { fisher: { lambda: 100 } },
  'rbf-while-l2': { fisher: { lambda: 100 } },
  'ss-loss': { hessian: { lambda: 100, indefinite: 'clip' }, fisher: { lambda: 100 } },
  'ss-algorithm': { hessian: { lambda: 10 }, fisher: { lambda: 10 } },
  'perturbed-fy': { hessian: { lambda: 10, indefinite: 'clip' }, fisher: { lambda: 10 } },
};
