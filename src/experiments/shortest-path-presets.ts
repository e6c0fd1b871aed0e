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
import type { RunConfig } from './experiment';
import type { ShortestPathMethod } from './shortest-path-methods';

export const SHORTEST_PATH_VARIANTS = ['baseline', 'hessian', 'fisher'] as const;
export type ShortestPathVariant = (typeof SHORTEST_PATH_VARIANTS)[number];

/** Sample counts of the stochastic methods in the paper's table. */
export const PAPER_SAMPLE_COUNTS = [3, 10, 30] as const;

export interface ShortestPathConfig extends RunConfig {
  preset: string;
  method: string;
  variant: string;
  /** Tikhonov strength λ (0 for the baseline). */
  lambda: number;
  /** What the Hessian variant does with an indefinite M + λI: 'invert' (exactly, the paper's formula) or 'clip' (eigenvalues below λ raised to λ). */
  indefinite: string;
  /** Noise samples per map (stochastic methods; 0 for relaxed Bellman-Ford). */
  samples: number;
  /** Noise scale σ (stochastic methods; 0 for relaxed Bellman-Ford). */
  sigma: number;
  /** Inverse temperature of the relaxed Bellman-Ford (0 for the stochastic methods). */
  beta: number;
  /** Relaxation / traceback steps of the relaxed Bellman-Ford; 0 = from the map size (0 for the stochastic methods). */
  nIter: number;
  epochs: number;
  batchSize: number;
  lr: number;
  trainMaps: number;
  valMaps: number;
  testMaps: number;
  width: number;
  /** Compute the eigenvalue range of M + λI every step (diagnostics; O(144³) per step for the Hessian). */
  spectrum: boolean;
  /** '' = the generated terrain dataset; else a folder in the Warcraft layout (e.g. the real maps). */
  dataDir: string;
  seed: number;
}

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

export const SHORTEST_PATH_PRESETS: Readonly<Record<'smoke' | 'quick' | 'paper', ShortestPathConfig>> = {
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
