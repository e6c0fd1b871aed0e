// %% [markdown]
// # 05 · Shortest-path supervision on 12 × 12 terrain maps
//
// The paper's second benchmark (the Warcraft task of Vlastelica et al.). A ResNet18 trunk looks at a
// 96 × 96 terrain map and predicts one cost per tile; Dijkstra on those costs gives a path; the
// loss compares it with the true shortest path. Only the *path* is supervised, never the costs.
// Dijkstra has no useful gradient, so training goes through one of the relaxations of notebook 04:
// relaxed Bellman-Ford (for / while traceback, L1 / L2² loss), stochastic smoothing of the loss or
// of the algorithm, or the perturbed optimizer with the Fenchel-Young loss.
//
// **What the paper claims** (Table 3, 10 seeds, full-size trunk, 50 epochs): the relaxed
// Bellman-Ford baselines are already above 94% perfect matches and the Fisher Newton loss adds a
// little; stochastic smoothing of the loss with 3 samples gets *worse* with Newton losses (62.8% →
// 58.8% with Fisher) because 3-sample curvature estimates are too noisy, and *better* with 10 or
// more samples; the perturbed optimizer gains more than 2 points with the Hessian Newton loss.
//
// **What this notebook does.** It shows the maps and the model, trains one run while watching the
// predicted costs and paths, compares baseline and Newton losses over seeds (accuracy against
// epochs and against wall-clock time), and tabulates every finished run in the layout of the
// paper's table. Preset from `NEWTON_LOSSES_PRESET`: `smoke` (seconds), `quick` (the default;
// about 1–2 minutes per run on a 2-core CPU), `paper` (loads paper-sized runs made with the CLI).

// %%
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nl from './src/notebook';
const nb = await nl.setupNotebook();
const preset = nb.preset;
const G = 12;
const M = G * G;

// %% [markdown]
// ## The maps
// The real Warcraft maps are not in any registry, so the project generates maps with the same
// structure and file layout: 12 × 12 tiles of 8 × 8 pixels, five terrain types in coherent regions,
// each with a hidden cost (0.8 dirt, 1.2 grass, 5.3 forest, 7.7 rock, 9.2 water), textures,
// colour jitter and pixel noise. Three validation maps, their hidden costs and their true paths:

// %%
const baseConfig = nl.experiments.resolveConfig(nl.experiments.shortestPathExperiment, { preset: preset === 'paper' ? 'quick' : preset });
const data = nl.experiments.loadShortestPathData(baseConfig.dataDir, { train: baseConfig.trainMaps, val: baseConfig.valMaps, test: baseConfig.testMaps });
const val = data.splits.val;
const shown = [0, 1, 2];
/** Costs of map k as a heatmap with its colour bar (range 0..10 for the hidden costs, automatic for predictions) and path markers. */
const costFigure = (costs: ArrayLike<number>, k: number, paths: { values: ArrayLike<number>; color: string; size: number }[], range?: [number, number]): nl.viz.Figure => {
  const figure = nl.viz.heatmapFigure(nl.viz.gridRows(costs, G, k), { colorscale: 'YlOrBr', zmin: range ? range[0] : undefined, zmax: range ? range[1] : undefined, zTitle: 'cost' });
  for (const p of paths) figure.data.push(nl.viz.pathMarkers(p.values, G, { k: k, color: p.color, size: p.size }));
  return figure;
};
const pathCost = (k: number): number => nl.analysis.dot(val.paths.subarray(k * M, (k + 1) * M), val.weights.subarray(k * M, (k + 1) * M));
nl.show(nl.viz.panelsFigure(
  shown.flatMap((k) => [
    { title: `map ${k}`, figure: nl.viz.rgbImageFigure(nl.data.terrainMapImage(val, k), val.imageSize) },
    { title: `hidden costs (dark = expensive), true path: cost ${pathCost(k).toFixed(1)}`, figure: costFigure(val.weights, k, [{ values: val.paths, color: 'white', size: 7 }], [0, 10]) },
  ]),
  { columns: 2, height: 1050, title: 'Validation maps with their hidden tile costs and true shortest paths' },
));

// %% [markdown]
// What to see: the true path (white dots) keeps to the cheap dirt and grass and walks around water
// and rock, even when that makes it longer. Many maps have several equally cheap paths (a handful
// of tile costs makes ties common: about 9 maps in 10 here), so we report two accuracies:
// **perfect match** (the predicted path is the stored path, cell for cell: the paper's metric) and
// **optimal** (the predicted path is as cheap as the true one under the hidden costs: perfect match
// up to ties), plus the **cost ratio** (true cost of the predicted path / optimal cost).
//
// ## The model and the presets
// The ResNet18 trunk of the public Warcraft code: conv 7×7/2 → batch norm → ReLU → max-pool →
// two basic blocks of 64 channels → adaptive max-pool to 12 × 12 → mean over channels → |·|.
// Adam with the paper's schedule (lr × 0.1 after 60% and again after 80% of the epochs). One
// training step of the full trunk at batch 70 takes seconds on a 2-core CPU (50 epochs: hours per
// run), so `quick` uses an 8-channel trunk, 1 400 training maps, 10 epochs (200 steps) and a 4×
// higher learning rate.

// %%
nl.table(
  (['smoke', 'quick', 'paper'] as const).map((name) => {
    const p = nl.experiments.SHORTEST_PATH_PRESETS[name];
    const model = nl.models.resnet18Trunk({ width: p.width });
    const row = {
      preset: name,
      channels: model.channels,
      parameters: model.parameterCount(),
      'train / val / test maps': `${p.trainMaps} / ${p.valMaps} / ${p.testMaps}`,
      batch: p.batchSize,
      epochs: p.epochs,
      steps: nl.experiments.shortestPathExperiment.schedule(p).steps,
      lr: p.lr,
    };
    model.dispose();
    return row;
  }),
  'Shortest-path presets (every option can be overridden from the CLI)',
);

// %% [markdown]
// ## Watching one run learn
// One run of the perturbed optimizer + Fenchel-Young loss (3 noise samples, σ = 0.5) with the
// Hessian Newton loss: the predicted costs of two validation maps and the Dijkstra path on them
// (black dots) against the true path (white dots), before training, half-way and at the end.
// (With the `paper` preset this trains the `quick` configuration.)

// %%
const watchConfig = nl.experiments.resolveConfig(nl.experiments.shortestPathExperiment, {
  ...baseConfig,
  method: 'perturbed-fy',
  samples: 3,
  variant: 'hessian',
  ...nl.experiments.SHORTEST_PATH_NEWTON_SETTINGS['perturbed-fy'].hessian,
});

// %%
const trainer = new nl.experiments.ShortestPathTrainer(watchConfig, data);
const watched = [0, 1];
const snapshots: { epoch: number; prediction: nl.experiments.ShortestPathPrediction; optimal: number }[] = [];
const snapshot = (epoch: number): void => {
  snapshots.push({ epoch: epoch, prediction: trainer.predict('val', watched), optimal: trainer.evaluate().val_optimal });
};
snapshot(0);
const watchBar = nl.progress(`training ${nl.experiments.runId(nl.experiments.shortestPathExperiment, watchConfig)}`);
for (let epoch = 1; epoch <= watchConfig.epochs; epoch++) {
  for (let k = 1; k <= trainer.stepsPerEpoch; k++) trainer.step((epoch - 1) * trainer.stepsPerEpoch + k);
  if (epoch === Math.ceil(watchConfig.epochs / 2) || epoch === watchConfig.epochs) snapshot(epoch);
  await watchBar.update(epoch / watchConfig.epochs, `epoch ${epoch}/${watchConfig.epochs}`);
}
trainer.dispose();

// %%
nl.show(nl.viz.panelsFigure(
  watched.flatMap((k) =>
    snapshots.map((s) => ({
      title: `map ${k}, epoch ${s.epoch} (val optimal ${(100 * s.optimal).toFixed(0)}%)`,
      figure: costFigure(s.prediction.costs, k, [{ values: val.paths, color: 'white', size: 9 }, { values: s.prediction.paths, color: 'black', size: 5 }]),
    })),
  ),
  { columns: snapshots.length, height: 700, title: 'Predicted tile costs and paths (black) vs the true path (white) as training goes', colorBars: 'each' },
));

// %% [markdown]
// What to see (quick preset, 10 epochs; the smoke preset's 2 epochs barely move the costs): at
// epoch 0 the costs are noise and the path is a straight diagonal; as training goes the trunk
// learns which textures are expensive (water and rock get dark), and the black path settles onto
// the white one (the panel titles give the validation share of optimal paths of this run). The costs only need to be *relatively* right: the loss never
// sees them, only the path they produce.
//
// ## Baseline vs Newton losses over seeds
// Two methods, each variant with 3 seeds (2 for `smoke`): the perturbed optimizer (3 samples;
// baseline, Hessian and Fisher Newton losses) and the relaxed Bellman-Ford (for loop, L1 loss;
// baseline and Fisher, as in the paper). λ is not published; ours per method and variant are in
// `SHORTEST_PATH_NEWTON_SETTINGS` (chosen on a short pilot at the `quick` scale, see the README). Runs are
// stored under `data/results/shortest-path/` and a finished run is loaded instead of retrained,
// so after the CLI's quick study this cell only reads CSV files (`smoke` trains into a
// temporary folder instead). Missing runs train as many at once as the machine has free cores,
// each in its own process (`nl.sweeps.runGridInProcesses`).

// %%
const seeds = preset === 'smoke' ? [0, 1] : [0, 1, 2];
const resultsRoot = preset === 'smoke' ? fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-05-')) : nl.experiments.DEFAULT_RESULTS_ROOT;
const compared: { method: nl.experiments.ShortestPathMethod; samples: number; variants: ('baseline' | 'hessian' | 'fisher')[] }[] = [
  { method: 'perturbed-fy', samples: 3, variants: ['baseline', 'hessian', 'fisher'] },
  { method: 'rbf-for-l1', samples: 0, variants: ['baseline', 'fisher'] },
];
const configs = compared.flatMap((c) =>
  c.variants.flatMap((variant) =>
    seeds.map((seed) =>
      nl.experiments.resolveConfig(nl.experiments.shortestPathExperiment, {
        preset: preset,
        method: c.method,
        variant: variant,
        seed: seed,
        ...(c.samples ? { samples: c.samples } : {}),
        ...(variant === 'baseline' ? {} : nl.experiments.SHORTEST_PATH_NEWTON_SETTINGS[c.method][variant]),
      }),
    ),
  ),
);

// %%
const runIds = new Set(configs.map((config) => nl.experiments.runId(nl.experiments.shortestPathExperiment, config)));
if (preset === 'paper') {
  nl.markdown('Preset `paper`: nothing is trained here (50 epochs of the full trunk per run); the sections below load the runs made with the CLI, if any.');
} else {
  const bar = nl.progress(`${configs.length} runs (${preset})`);
  const started = Date.now();
  const jobs = nl.sweeps.freeCores();
  const grid = await nl.sweeps.runGridInProcesses(nl.experiments.shortestPathExperiment, configs, {
    jobs: jobs,
    resultsRoot: resultsRoot,
    progress: 'none',
    onProgress: (p) => bar.update(p.stepsDone / p.steps, `${p.finished}/${p.runs} runs finished, ${p.running} training (up to ${jobs} at once)`),
  });
  if (grid.failures.length + grid.held.length) throw new Error([...grid.failures, ...grid.held].map((f) => f.error.message).join('\n'));
  const trained = grid.outcomes.filter((outcome) => outcome.status === 'completed').length;
  bar.update(1, `done: ${trained} trained, ${configs.length - trained} loaded from earlier runs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// %% [markdown]
// Test accuracy after every epoch, mean ± one standard deviation over the seeds: optimal paths
// (top) and the paper's perfect match (bottom), against the epoch (left) and against the mean
// wall-clock time of the runs (right; the runs shared a busy 2-core CPU with other work, so small
// time differences mean little).

// %%
const evalRows = nl.experiments.loadRunLogs('shortest-path', 'eval', { resultsRoot: resultsRoot, where: { preset: preset } }).filter((row) => runIds.has(String(row.run_id)));
if (evalRows.length === 0) nl.markdown(`No ${preset} runs found under \`${resultsRoot}\`.`);
const stepsPerEpoch = Math.floor(Number(nl.experiments.SHORTEST_PATH_PRESETS[preset].trainMaps) / Number(nl.experiments.SHORTEST_PATH_PRESETS[preset].batchSize));
for (const c of compared) {
  const rows = evalRows.filter((row) => row.method === c.method).map((row) => ({ ...row, epoch: Number(row.step) / stepsPerEpoch }));
  if (rows.length === 0) continue;
  const wall = nl.experiments.curvesOverRuns(rows, { x: 'epoch', y: 'wall_s', by: ['variant'] });
  const panels = [];
  for (const [metric, name] of [['test_optimal', 'optimal'], ['test_match', 'perfect match']]) {
    const curves = nl.experiments.curvesOverRuns(rows, { x: 'epoch', y: metric, by: ['variant'] });
    const byTime = nl.viz.bandFigure(curves.map((curve, i) => ({ ...curve, x: wall[i].mean })), { xTitle: 'seconds', yTitle: name, bounds: [0, 1] });
    const byEpoch = nl.viz.bandFigure(curves, { xTitle: 'epoch', yTitle: name, bounds: [0, 1] });
    for (const trace of [...byTime.data, ...(panels.length ? byEpoch.data : [])]) trace.showlegend = false;
    panels.push({ title: `${name} vs epoch`, figure: byEpoch }, { title: `${name} vs wall-clock time`, figure: byTime });
  }
  const label = `${c.method}${c.samples ? `, ${c.samples} samples` : ''}`;
  nl.show(nl.viz.panelsFigure(panels, { columns: 2, height: 720, title: `${label}: test accuracy during training, ${seeds.length} seeds (${preset})` }));
}

// %% [markdown]
// What to see: whether a Newton-loss curve runs above the baseline's band (it learns faster or
// better per epoch) and whether that survives the change of x-axis to seconds (its extra cost per
// step: the Fisher variant costs one small solve per step, the Hessian variant of the perturbed
// optimizer a 144 × 144 Jacobian estimate and solve). The table below gives the numbers.
//
// ## Results in the layout of the paper's table
// Every finished run of this preset under the results folder (this notebook's and the CLI's), as
// the paper reports them: test accuracy at the epoch with the best validation accuracy, mean ± std
// over seeds in %. Where several λ were run for a variant, the λ with the best mean validation
// accuracy is shown. Beside the perfect-match table, what the paper reports for the same method
// (full-size trunk, 50 epochs, 10 seeds; exact numbers where our notes have them, else the direction
// of the effect): compare the direction of the Newton-loss effect, not the levels.

// %%
type CsvKey = string | number | boolean;
const results = nl.experiments.loadResults('shortest-path', { resultsRoot: resultsRoot, where: { preset: preset } });
const summary = nl.experiments.summarizeResults(results, ['method', 'samples', 'variant', 'lambda', 'indefinite'], ['test_match', 'test_optimal', 'test_cost_ratio', 'val_optimal', 'wall_s']);
const best = new Map<string, nl.experiments.SummaryRow>();
for (const row of summary) {
  const key = JSON.stringify([row.method, row.samples, row.variant]);
  const current = best.get(key);
  if (!current || Number(row.val_optimal_mean) > Number(current.val_optimal_mean)) best.set(key, row);
}
const cell = (method: string, samples: CsvKey, variant: string, metric: string): string => {
  const row = best.get(JSON.stringify([method, samples, variant]));
  if (!row) return '–';
  const std = Number(row[`${metric}_std`]);
  const digits = nl.experiments.metricUnit(metric) === '%' ? 1 : 2; // accuracies in %, the cost ratio as a multiple
  const text = `${nl.experiments.formatMetric(metric, Number(row[`${metric}_mean`]), digits)}${Number.isNaN(std) ? '' : ` ± ${nl.experiments.formatMetric(metric, std, digits)}`}`;
  return variant === 'baseline' ? text : `${text} (λ ${row.lambda}${row.indefinite === 'clip' ? ', clip' : ''})`;
};

// %%
const methods = [...new Map(summary.map((row) => [JSON.stringify([row.method, row.samples]), [row.method, row.samples] as [string, CsvKey]])).values()].sort((a, b) =>
  nl.experiments.SHORTEST_PATH_METHODS.indexOf(a[0] as nl.experiments.ShortestPathMethod) - nl.experiments.SHORTEST_PATH_METHODS.indexOf(b[0] as nl.experiments.ShortestPathMethod) || Number(a[1]) - Number(b[1]),
);
for (const [metric, caption] of [
  ['test_match', 'perfect match (%)'],
  ['test_optimal', 'optimal path, perfect match up to ties (%)'],
  ['test_cost_ratio', 'cost ratio (true cost of the predicted path / optimal cost, ×; 1 = optimal)'],
]) {
  nl.table(
    methods.map(([method, samples]) => ({
      method: method,
      samples: samples ? samples : '–',
      baseline: cell(method, samples, 'baseline', metric),
      'NL (Hessian)': cell(method, samples, 'hessian', metric),
      'NL (Fisher)': cell(method, samples, 'fisher', metric),
      seeds: best.get(JSON.stringify([method, samples, 'baseline']))?.runs ?? 0,
      ...(metric === 'test_match' ? { 'the paper (perfect match, full size)': nl.experiments.paperShortestPathNote(method, Number(samples)) ?? '–' } : {}),
    })),
    `Test ${caption}, preset ${preset}`,
  );
}

// %%
const gain = (method: string, samples: CsvKey, variant: string): number | null => {
  const base = best.get(JSON.stringify([method, samples, 'baseline']));
  const other = best.get(JSON.stringify([method, samples, variant]));
  return base && other ? 100 * (Number(other.test_optimal_mean) - Number(base.test_optimal_mean)) : null;
};
nl.markdown(
  methods
    .map(([method, samples]) => {
      const parts = ['hessian', 'fisher']
        .map((variant) => ({ variant: variant, value: gain(method, samples, variant) }))
        .filter((g) => g.value !== null)
        .map((g) => `${g.variant} ${g.value! >= 0 ? '+' : ''}${g.value!.toFixed(1)} points`);
      const paper = nl.experiments.paperShortestPathNote(method, Number(samples));
      return parts.length ? `- **${method}${samples ? ` (${samples} samples)` : ''}**: ${parts.join(', ')} (optimal paths vs the baseline)${paper ? `; the paper: ${paper}` : ''}.` : '';
    })
    .filter((line) => line)
    .join('\n') || 'No Newton-loss runs with a matching baseline yet.',
);

// %% [markdown]
// The paper's findings, and what the `quick` scale shows here, are in the README's shortest-path
// section (3 seeds of every method at 3 and 30 samples).
//
// ## Paper-sized runs
// From the command line (on a GPU: install `@tensorflow/tfjs-node-gpu`; runs resume when
// interrupted and finished runs are skipped):
//
// ```
// npx newton-losses shortest-path --grid --preset paper --method perturbed-fy,ss-loss,ss-algorithm \
//     --samples 3,10,30 --variant baseline,hessian,fisher --seed 0,1,2,3,4,5,6,7,8,9 --backend tfjs-node-gpu
// npx newton-losses shortest-path --grid --preset paper --method rbf-for-l1,rbf-for-l2,rbf-while-l1,rbf-while-l2 \
//     --variant baseline,fisher --seed 0,1,2,3,4,5,6,7,8,9 --backend tfjs-node-gpu
// npx newton-losses results shortest-path --where preset=paper
// ```
//
// (add `--lambda` per method and variant as in `SHORTEST_PATH_NEWTON_SETTINGS`). Their CSV files land in
// `data/results/shortest-path/`; running this notebook with `NEWTON_LOSSES_PRESET=paper` tabulates
// them above.
