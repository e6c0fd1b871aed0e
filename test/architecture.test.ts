// The shapes the library is built on: checks at the public boundary and off hot paths, curvature
// providers behind the one Newton step, relaxations and shortest-path methods as table rows, and
// the option tables the experiments validate from.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  makeRelaxation,
  rankingLossPerSample,
  neuralSort,
  newtonStep,
  autodiffCurvature,
  givenCurvature,
  perSampleGradients,
  perSampleHessians,
  lossWithEstimatedGradient,
  estimatedCurvature,
  SORTING_RELAXATIONS,
  RELAXATION_DEFAULTS,
  type CurvatureRequest,
  type IndefinitePolicy,
  type RelaxationName,
} from '../src/index';
import { relativeError } from '../src/analysis/index';
import {
  SHORTEST_PATH_METHOD_TABLE,
  SHORTEST_PATH_METHODS,
  SHORTEST_PATH_PRESETS,
  shortestPathLoss,
  isRelaxedMethod,
  resolveConfig,
  rankingExperiment,
  digitRankingExperiment,
  shortestPathExperiment,
  type DigitRankingConfig,
  type RankingConfig,
  type RankingVariant,
  type ShortestPathConfig,
  type ShortestPathMethod,
  type ShortestPathVariant,
} from '../src/experiments/index';

before(async () => {
  await initBackend('cpu');
});

/** How many times `f` reads a tensor back to the CPU (dataSync). */
function dataSyncCalls(f: () => void): number {
  const original = tf.Tensor.prototype.dataSync;
  let calls = 0;
  tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
    calls += 1;
    return original.call(this);
  } as typeof original;
  try {
    f();
  } finally {
    tf.Tensor.prototype.dataSync = original;
  }
  return calls;
}

test('checks off the hot path: inside a Hessian Newton step the relaxation does not read its scores back (one read per Hessian column, not two); outside, it checks them', () => {
  const count = (n: number): number =>
    tf.tidy(() => {
      const targets = tf.tensor2d(Array.from({ length: 4 }, (_, b) => Array.from({ length: n }, (_, i) => ((i * 7 + b) % n) + 0.5)));
      const scores = tf.tensor2d(Array.from({ length: 4 }, (_, b) => Array.from({ length: n }, (_, i) => Math.sin(3 * i + b))));
      const loss = rankingLossPerSample(makeRelaxation('neuralsort'), targets);
      return dataSyncCalls(() => {
        const step = newtonStep(scores, loss, { variant: 'hessian', lambda: 0.1 });
        tf.dispose([step.loss, step.target]);
      });
    });
  // One read per Hessian column (the product itself), and none inside the relaxation.
  assert.equal(count(8) - count(4), 4);
  // Outside the Newton step, the relaxation (by name or called directly) checks its input.
  tf.tidy(() => {
    assert.throws(() => neuralSort(tf.tensor2d([[1, NaN]])), /neuralSort: scores must be finite, got NaN at scores\[0\]\[1\]/);
    assert.throws(() => makeRelaxation('neuralsort')(tf.tensor2d([[1, NaN]])), /neuralSort: scores must be finite, got NaN at scores\[0\]\[1\]/);
  });
});

test('curvature providers: autodiff gives the per-sample gradients and Hessians, only as much as the request asks; given numbers give the same step', () => {
  tf.tidy(() => {
    const y = tf.tensor2d([[0.3, -0.2, 0.9], [1.1, 0.4, -0.5]]);
    const loss = (x: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.add(tf.mul(tf.sin(x), tf.square(x)), tf.exp(tf.mul(0.3, x))), 1) as tf.Tensor1D;
    const provider = autodiffCurvature(loss);
    const fisherRequest: CurvatureRequest = { hessian: 'none' };
    const fisher = provider.curvature(y, fisherRequest);
    assert.equal(fisher.hessians, undefined, 'no Hessian for the Fisher variant');
    const full = provider.curvature(y, { hessian: 'batch-mean' });
    assert.ok(relativeError(Array.from(full.gradients as Float64Array), perSampleGradients(y, loss).dataSync()) < 1e-5);
    assert.ok(relativeError(Array.from(full.hessians as Float64Array), perSampleHessians(y, loss).dataSync()) < 1e-5);
    for (const variant of ['hessian', 'fisher'] as const) {
      const fromLoss = newtonStep(y, loss, { variant, lambda: 0.5 });
      const fromGiven = newtonStep(y, givenCurvature(provider.curvature(y, { hessian: variant === 'fisher' ? 'none' : 'batch-mean' })), { variant, lambda: 0.5 });
      assert.ok(relativeError(fromLoss.target.dataSync(), fromGiven.target.dataSync()) < 1e-6, variant);
    }
    assert.throws(() => newtonStep(y, { estimate: () => ({}) } as never, { variant: 'fisher', lambda: 1 }), /newtonStep: curvature must be a CurvatureProvider/);
  });
});

test('estimated losses: the op returns l̂ and backpropagates dy_b · ĝ_b; the curvature has the Hessian only when asked for', () => {
  tf.tidy(() => {
    const theta = tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    let hessianCalls = 0;
    const estimate = () => ({
      losses: [0.5, 1.5],
      gradients: [1, 0, 0, 1, 2, 2, 2, 2],
      hessian: (shape: 'per-sample' | 'batch-mean') => {
        hessianCalls += 1;
        return shape === 'per-sample' ? tf.zeros([2, 4, 4]) : tf.eye(4);
      },
    });
    const op = (x: tf.Tensor) => lossWithEstimatedGradient('test', x, estimate);
    assert.deepEqual(Array.from(op(theta).dataSync()), [0.5, 1.5]);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(op(x), tf.tensor1d([1, 3]))))(theta);
    assert.deepEqual(Array.from(gradient.dataSync()), [1, 0, 0, 1, 6, 6, 6, 6]);
    const none = estimatedCurvature(estimate(), 2, 4, 'none');
    assert.equal(hessianCalls, 0);
    assert.equal(none.hessianMean, undefined);
    const mean = estimatedCurvature(estimate(), 2, 4, 'batch-mean');
    assert.deepEqual(mean.hessianMean?.shape, [4, 4]);
    assert.equal(hessianCalls, 1);
  });
});

test('sorting relaxations are table rows: defaults, ranges and unknown parameters are checked when the relaxation is made', () => {
  assert.deepEqual(
    SORTING_RELAXATIONS.map((row) => row.name),
    Object.keys(RELAXATION_DEFAULTS),
  );
  assert.deepEqual(RELAXATION_DEFAULTS.softsort, { tau: 1, pow: 1 });
  assert.deepEqual(RELAXATION_DEFAULTS.cauchy, { network: 'odd_even', steepness: 10, artLambda: 0.25 });
  for (const row of SORTING_RELAXATIONS) assert.ok(row.description.length > 0 && row.parameters.length > 0, row.name);
  assert.throws(() => makeRelaxation('neuralsort', { tau: 0 }), /makeRelaxation: params.tau must be a finite number > 0, got 0/);
  assert.throws(() => makeRelaxation('softsort', { pow: 0.5 }), /makeRelaxation: params.pow must be a finite number ≥ 1, got 0.5/);
  assert.throws(() => makeRelaxation('logistic', { network: 'bubble' as never }), /makeRelaxation: params.network must be one of 'odd_even', 'bitonic', got 'bubble'/);
});

test('shortest-path methods are table rows: the list, the kind and the options a method reads come from the table', () => {
  assert.deepEqual([...SHORTEST_PATH_METHODS], SHORTEST_PATH_METHOD_TABLE.map((row) => row.name));
  for (const row of SHORTEST_PATH_METHOD_TABLE) {
    assert.equal(isRelaxedMethod(row.name), row.kind === 'relaxed');
    const config = resolveConfig(shortestPathExperiment, { preset: 'smoke', method: row.name });
    assert.equal(shortestPathLoss(config).kind, row.kind, row.name);
    for (const key of ['beta', 'nIter', 'samples', 'sigma'] as const) {
      assert.equal(config[key] !== 0, row.parameters.includes(key), `${row.name}: ${key} = ${config[key]}`);
    }
  }
  // @ts-expect-error a method outside the table is a type error, and at run time (from JavaScript) an error naming the methods
  assert.throws(() => shortestPathLoss({ ...SHORTEST_PATH_PRESETS.smoke, method: 'astar' }), /unknown method 'astar'; expected one of rbf-for-l1/);
});

test('option tables: the range of each option comes from its declaration, for every experiment', () => {
  for (const experiment of [rankingExperiment, digitRankingExperiment, shortestPathExperiment]) {
    for (const spec of experiment.options) {
      const atLeast = spec.atLeast;
      if (atLeast !== undefined) {
        assert.throws(() => resolveConfig(experiment as never, { preset: 'smoke', [spec.name]: atLeast - 1 }), new RegExp(`option '${spec.name}' must be an integer >= ${atLeast}`));
      }
      if (spec.positive) {
        assert.throws(() => resolveConfig(experiment as never, { preset: 'smoke', [spec.name]: 0 }), new RegExp(`option '${spec.name}' must be a finite number > 0, got 0`));
      }
    }
  }
});

/** true when A and B are the same type (a type-level check: `npm run typecheck` fails otherwise). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

test('config types follow from the option tables: a string option with choices is their union, the keys are the options', () => {
  const types: Equal<
    [
      RankingConfig['relaxation'],
      RankingConfig['variant'],
      RankingConfig['n'],
      RankingConfig['preset'],
      DigitRankingConfig['indefinite'],
      DigitRankingConfig['hidden'],
      ShortestPathConfig['method'],
      ShortestPathConfig['variant'],
      ShortestPathConfig['spectrum'],
      ShortestPathConfig['dataDir'],
    ],
    [RelaxationName, RankingVariant, number, 'smoke' | 'quick' | 'paper', IndefinitePolicy, number, ShortestPathMethod, ShortestPathVariant, boolean, string]
  > = true;
  assert.equal(types, true);
  for (const experiment of [rankingExperiment, digitRankingExperiment, shortestPathExperiment]) {
    const config = resolveConfig(experiment as never, { preset: 'smoke' });
    assert.deepEqual(Object.keys(config).sort(), experiment.options.map((spec) => spec.name).sort(), experiment.name);
  }
});

/** The names a module exports at run time (types leave no trace there). */
function exportedNames(module: object): string[] {
  return Object.keys(module)
    .filter((name) => name !== 'default' && name !== '__esModule')
    .sort();
}

const NAMESPACES = ['analysis', 'data', 'experiments', 'explore', 'models', 'runtime', 'sweeps', 'viz'];

test('the public API: the top level is the method (backend, Newton losses, relaxations, perturbations, metrics) and one namespace per idea', async () => {
  const nl = await import('../src/index');
  // prettier-ignore
  const expected = [
    'BACKEND_CHOICES', 'BACKEND_ENV_VAR', 'COMPARATOR_SIGMOIDS', 'CURVATURE_MODES', 'INDEFINITE_POLICIES', 'NEWTON_VARIANTS',
    'RELAXATION_DEFAULTS', 'RELAXATION_NAMES', 'Rng', 'SMOOTHING_DISTRIBUTIONS', 'SORTING_NETWORKS', 'SORTING_RELAXATIONS',
    'UNREACHED', 'activeBackend', 'assertPerSampleLoss', 'autodiffCurvature', 'bitonicLayers', 'checkCurvatureRequest',
    'costRatio', 'curvatureRequest', 'defaultNIter', 'describeBackend', 'dijkstra', 'dijkstraBatch', 'dijkstraGrid',
    'drawSmoothingNoise', 'empiricalFisher', 'estimatedCurvature', 'givenCurvature', 'groundTruthPermutation',
    'hammingDistance', 'initBackend', 'lossWithEstimatedGradient', 'makeRelaxation', 'meanHessian', 'minimumNIter',
    'neuralSort', 'newtonLoss', 'newtonStep', 'newtonTarget', 'oddEvenLayers', 'pathL1Loss', 'pathL2SquaredLoss',
    'perSampleGradients', 'perSampleHessians', 'perfectMatch', 'perturbedFenchelYoungCurvature', 'perturbedFenchelYoungLoss',
    'rankingLoss', 'rankingLossPerSample', 'rankingMetrics', 'relaxedBellmanFord', 'smoothedLossCurvature',
    'smoothedPathCurvature', 'smoothedShortestPath', 'smoothedShortestPathLoss', 'smoothingEstimate', 'softSort',
    'sortingNetwork', 'symmetricEigen', 'trainingLoss', 'withFisherNewtonGradient',
    ...NAMESPACES,
  ].sort();
  assert.deepEqual(exportedNames(nl), expected);
  // No name is in two places: nothing of a namespace is also at the top or in another namespace.
  const seen = new Map<string, string>(exportedNames(nl).map((name) => [name, 'the top level']));
  for (const namespace of NAMESPACES) {
    const names = exportedNames((nl as unknown as Record<string, object>)[namespace]);
    assert.ok(names.length > 0, `nl.${namespace} is empty`);
    for (const name of names) {
      assert.ok(!seen.has(name), `${name} is in nl.${namespace} and in ${seen.get(name)}`);
      seen.set(name, `nl.${namespace}`);
    }
  }
  // Types leave no trace at run time: the barrel's own lines say where its top-level types come from.
  const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'index.ts'), 'utf8');
  const sources = [...source.matchAll(/^export (?:type )?(?:\*|\{[^}]*\}) from '([^']+)';$/gm)].map((m) => m[1]);
  assert.deepEqual(sources, [
    './runtime/backend',
    './runtime/backend',
    './runtime/random',
    './newton/index',
    './relaxations/sorting/index',
    './relaxations/shortest-path/index',
    './perturbations/index',
  ]);
  const namespaces = [...source.matchAll(/^export \* as (\w+) from '\.\/(\w+)\/index';$/gm)].map(([, name, folder]) => {
    assert.equal(name, folder, `namespace ${name} is not its folder`);
    return name;
  });
  assert.deepEqual(namespaces.sort(), NAMESPACES);
});

test('the notebook entry: the public API plus the display helpers at its top level', async () => {
  const nl = await import('../src/index');
  const notebook = await import('../src/notebook');
  const added = exportedNames(notebook).filter((name) => !(name in nl));
  assert.deepEqual(added, ['FIGURES_DIR_ENV_VAR', 'SMOKE_BANNER', 'checkAnswer', 'figureHtml', 'markdown', 'progress', 'setupNotebook', 'show', 'table', 'toDataFrame', 'writeFigureHtml']);
  for (const name of exportedNames(nl)) assert.equal((notebook as Record<string, unknown>)[name], (nl as Record<string, unknown>)[name], name);
});
