/**
 * newton-losses: the public API (Node, no optional peer dependencies). Notebooks import
 * `./notebook`, which adds the display helpers.
 *
 * At the top level, what a user of the method needs:
 * - the backend: `initBackend` (call it first), `describeBackend`, `activeBackend`;
 * - Newton losses and curvature (`newtonStep`, `newtonTarget`, `newtonLoss`, curvature providers,
 *   per-sample gradients and Hessians, the empirical Fisher, `trainingLoss`);
 * - the sorting relaxations (`makeRelaxation` and the table `SORTING_RELAXATIONS`, NeuralSort,
 *   SoftSort, sorting networks) with the ranking loss and its metrics (exact match, element-wise
 *   accuracy);
 * - the shortest-path relaxations (relaxed Bellman-Ford, stochastic smoothing, perturbed
 *   Fenchel-Young, Dijkstra) with their path losses and metrics (perfect match, cost ratio);
 * - perturbations: smoothing noise, the stochastic-smoothing estimator and its loss op, and the
 *   seeded `Rng` they draw from.
 *
 * Named namespaces for the rest, one idea each:
 * - `data`: MNIST (idx files, splits, downscaled digits), the four-digit sets, terrain maps and the
 *   shortest-path dataset, `.npy` files;
 * - `models`: the four-digit CNN, the ResNet-18 trunk, the digit MLP, named weights;
 * - `experiments`: the ranking, digit-ranking and shortest-path experiments with their option tables
 *   and presets, trainers and Adam, the run store, grids, checkpoints, CSV, results and summaries,
 *   studies, paired comparisons, the paper's numbers;
 * - `sweeps`: grids over worker processes and Slurm, free cores, run states;
 * - `runtime`: internals of running on tfjs: run-size presets, second-order-safe gradients,
 *   wasm training kernels, missing optional packages;
 * - `analysis`: finite-difference checks, spectra, vectors, means over series;
 * - `viz`: plotly figures (lines, bands, heatmaps, panels, sliders, grid maps);
 * - `explore`: the interactive explorations shared by the notebooks and the playground.
 */
export { initBackend, activeBackend, describeBackend, BACKEND_ENV_VAR, BACKEND_CHOICES } from './runtime/backend';
export type { BackendInfo, BackendChoice } from './runtime/backend';
export { Rng } from './runtime/random';
export * from './newton/index';
export * from './relaxations/sorting/index';
export * from './relaxations/shortest-path/index';
export * from './perturbations/index';
export * as data from './data/index';
export * as models from './models/index';
export * as experiments from './experiments/index';
export * as sweeps from './sweeps/index';
export * as runtime from './runtime/index';
export * as analysis from './analysis/index';
export * as viz from './viz/index';
export * as explore from './explore/index';
