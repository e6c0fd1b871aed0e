/**
 * newton-losses: the public API (Node, no optional peer dependencies). Notebooks import
 * `./notebook`, which adds the display helpers.
 */
export * from './runtime/index';
export * from './newton/index';
export * from './relaxations/sorting/index';
export * from './relaxations/shortest-path/index';
export * from './perturbations/index';
export * from './data/index';
export * from './models/index';
export * from './experiments/index';
export * from './sweeps/index';
export * from './analysis/index';
export * from './viz/index';
export * from './explore/index';
