// %% [markdown]
// # 03 · Ranking supervision on four-digit MNIST
//
// The paper's first benchmark (the setup of diffsort). A network scores images one at a time; a
// relaxed sorting algorithm turns the scores of a set into a relaxed permutation matrix; the loss
// compares it with the true permutation. Only the *order* of the items is supervised, never their
// values.
//
// **What the paper claims.** The relaxed ranking losses are badly conditioned, and replacing them
// by a Newton loss (one regularised Newton step on the loss, in the space of the scores, then a
// squared error towards that target) trains better: e.g. NeuralSort at n = 5 from 71.3% to 83.9%
// exact match (Fisher), the logistic sorting network at n = 10 from 12.3% to 42.1% (Hessian),
// after 100 000 steps of the full-size CNN.
//
// **What this notebook does.** It shows the task and the model, trains baseline, Hessian and Fisher
// variants for NeuralSort and the logistic sorting network at n = 5 over several seeds with the
// preset from `NEWTON_LOSSES_PRESET` (`smoke`: seconds; `quick`, the default: about 2 minutes per
// run on a CPU; `paper`: loads paper-sized runs made with the CLI instead of training), and
// compares the training curves, the final accuracies and the gradient norms.

// %%
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nl from './src/notebook';
const nb = await nl.setupNotebook();
const preset = nb.preset;

// %% [markdown]
// ## The task
// An item is four MNIST digits side by side (28 × 112 pixels); its value is the four-digit number
// they spell. A set holds n items drawn independently; the label of a set is only the ascending
// order of its values. Splits: MNIST train[:55000] for training, train[55000:] for validation, the
// 10 000 test digits for testing, so no digit is shared between splits. Two test sets at n = 5:

// %%
const examples = nl.data.makeEvaluationSets('test', 2, 5, nl.experiments.RANKING_EVALUATION_SEED).batch(0, 2);
const itemPixels = examples.height * examples.width;
const panels = [];
for (let set = 0; set < 2; set++) {
  const values = Array.from(examples.values.subarray(set * 5, set * 5 + 5));
  const ranks = values.map((v) => values.filter((w) => w < v).length);
  for (let item = 0; item < 5; item++) {
    const start = (set * 5 + item) * itemPixels;
    const rows = Array.from({ length: examples.height }, (_, r) => examples.images.subarray(start + r * examples.width, start + (r + 1) * examples.width));
    panels.push({ title: `set ${set + 1}: ${values[item]} (rank ${ranks[item] + 1})`, figure: nl.viz.heatmapFigure(rows, { colorscale: 'Greys', showScale: false, zmin: 0, zmax: 1 }) });
  }
}
const taskFigure = nl.viz.panelsFigure(panels, { columns: 5, height: 330, title: 'Two sets of n = 5 four-digit items, with their values and true ranks' });
for (const key of Object.keys(taskFigure.layout).filter((k) => /^[xy]axis/.test(k))) {
  Object.assign(taskFigure.layout[key] as object, { showticklabels: false, scaleanchor: undefined });
}
nl.show(taskFigure);

// %% [markdown]
// ## The model and the presets
// The per-item CNN of the paper: conv 5×5 (32 channels) → ReLU → max-pool 2 → conv 5×5 (64) →
// ReLU → max-pool 2 → fully connected 64 → ReLU → fully connected 1: one score per item, scores
// `[B, n]` per batch. A training step at the paper's size (100 sets of 5 items) takes seconds on
// this CPU, so the `quick` preset uses half the channels on items pooled 4× (7 × 28 pixels) and
// 2 000 steps of 32 sets; `paper` is the paper's setup, meant for a GPU.

// %%
const presets = [nl.experiments.RANKING_PRESETS.smoke, nl.experiments.RANKING_PRESETS.quick, nl.experiments.RANKING_PRESETS.paper];
nl.table(
  presets.map((p) => {
    const model = nl.models.fourDigitCnn({ width: p.width, downscale: p.downscale });
    const row = {
      preset: p.preset,
      'item pixels': `${model.itemHeight} × ${model.itemWidth}`,
      width: p.width,
      parameters: model.parameterCount(),
      steps: p.steps,
      'batch (sets)': p.batchSize,
      lr: Number(p.lr.toPrecision(3)),
      'eval every': p.evalEvery,
      'validation / test sets': `${p.valSets} / ${p.testSets}`,
    };
    model.dispose();
    return row;
  }),
  'Ranking presets (any option can be overridden from the CLI)',
);

// %% [markdown]
// ## Baseline vs Newton losses
// Each run trains with Adam from the same seed-determined initialisation and data order; only the
// loss differs:
// - **baseline**: the ranking loss `L(Y)` (binary cross-entropy of the relaxed permutation);
// - **Hessian**: the Newton loss `L*(Y) = mean_i ½‖z*_i − y_i‖²` with `z*_i = y_i − (H̄ + λI)⁻¹ ∇ℓ_i`, `H̄` the batch-mean Hessian of the loss w.r.t. the scores;
// - **Fisher**: the same with the empirical Fisher `F = mean_i ∇ℓ_i ∇ℓ_iᵀ` instead of `H̄`.
//
// λ is not published for this benchmark, and it has to match the scale of the curvature: the
// eigenvalues of `H̄` are up to ≈ 0.2–1 for NeuralSort but ≈ 4 for the logistic sorting network,
// those of `F` ≈ 0.01 for NeuralSort and ≈ 0.5 for the sorting network (logged at every step). We
// use λ = 0.1 for the Hessian and λ = 0.01 for the Fisher, and for the sorting network also the
// Hessian with λ = 1: its `H̄` is often indefinite, and with a λ that is small next to its
// eigenvalues `(H̄ + λI)⁻¹` can be nearly singular. Much larger λ turns either variant into the
// baseline (the Newton step becomes the gradient scaled by 1/λ, which Adam undoes).
//
// Runs are stored under `data/results/ranking/` with their logs and checkpoints: a finished run is
// loaded, not retrained, so this cell is fast once the runs exist (e.g. after the CLI commands at
// the end of this notebook). The smoke preset trains into a temporary folder instead. Missing runs
// train as many at once as the machine has free cores, each in its own process (`nl.sweeps.runGridInProcesses`).

// %%
const methods = nl.experiments.RANKING_STUDY_METHODS;
const relaxations = ['neuralsort', 'logistic'];
const resultsRoot = preset === 'smoke' ? fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-03-')) : nl.experiments.DEFAULT_RESULTS_ROOT;
const configs = nl.experiments.rankingStudyConfigs(preset);
const runIds = new Set(configs.map((config) => nl.experiments.runId(nl.experiments.rankingExperiment, config)));
/** 'baseline', 'hessian λ=0.1', … */
const methodName = (row: Record<string, unknown>): string => (row.variant === 'baseline' ? 'baseline' : `${row.variant} λ=${row.lambda}`);

// %%
let trained = 0;
let reused = 0;
if (preset === 'paper') {
  nl.markdown('Preset `paper`: nothing is trained here (100 000 steps per run); the sections below load the runs made with the CLI, if any.');
} else {
  const bar = nl.progress(`${configs.length} runs (${preset})`);
  const started = Date.now();
  const jobs = nl.sweeps.freeCores();
  const grid = await nl.sweeps.runGridInProcesses(nl.experiments.rankingExperiment, configs, {
    jobs: jobs,
    resultsRoot: resultsRoot,
    progress: 'none',
    onProgress: (p) => bar.update(p.stepsDone / p.steps, `${p.finished}/${p.runs} runs finished, ${p.running} training (up to ${jobs} at once)`),
  });
  if (grid.failures.length + grid.held.length) throw new Error([...grid.failures, ...grid.held].map((f) => f.error.message).join('\n'));
  reused = grid.outcomes.filter((outcome) => outcome.status === 'already-finished').length;
  trained = grid.outcomes.length - reused;
  bar.update(1, `done: ${trained} trained, ${reused} loaded from earlier runs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// %% [markdown]
// ## Training curves
// Test exact match (the whole ranking right) at each evaluation, mean ± one standard deviation
// over the seeds.

// %%
const evalRows = nl.experiments.loadRunLogs('ranking', 'eval', { resultsRoot: resultsRoot, where: { preset: preset } }).filter((row) => runIds.has(String(row.run_id)));
if (evalRows.length === 0) nl.markdown(`No ${preset} runs found under \`${resultsRoot}\`.`);
for (const relaxation of relaxations) {
  const rows = evalRows.filter((row) => row.relaxation === relaxation);
  if (rows.length === 0) continue;
  const curves = nl.experiments.curvesOverRuns(rows, { x: 'step', y: 'test_exact', by: ['variant', 'lambda'] }).map((curve) => ({ ...curve, name: methodName(curve.group) }));
  nl.show(nl.viz.bandFigure(curves, { title: `${relaxation}, n = 5: test exact match during training (${preset})`, xTitle: 'step', yTitle: 'exact match', bounds: [0, 1], height: 380 }));
}

// %% [markdown]
// ## Results
// The reported number of a run is its test accuracy at the evaluation with the best validation
// exact match (as in the paper); mean ± std over seeds, in %. Beside ours, the paper's exact match
// where it gives one for n = 5 (full-size CNN, 100 000 steps, 10 seeds; λ tuned per method): the
// levels are not comparable with a short run of a half-width CNN, the direction of the differences is.

// %%
const results = nl.experiments.loadResults('ranking', { resultsRoot: resultsRoot, where: { preset: preset } }).filter((row) => runIds.has(String(row.run_id)));
const summary = nl.experiments.summarizeResults(results, ['relaxation', 'variant', 'lambda'], ['test_exact', 'test_elementwise', 'wall_s']);
/** The paper's test exact match (%) at n = 5, where it gives one. */
const paperExact = (relaxation: string, variant: string): number | undefined =>
  nl.experiments.PAPER_RANKING_EXACT_MATCH[`${relaxation}/5`]?.[variant as 'baseline' | 'hessian' | 'fisher'];
nl.table(
  nl.experiments.formatSummary(summary, ['test_exact', 'test_elementwise']).map((row, i) => ({
    relaxation: row.relaxation,
    method: methodName(row),
    seeds: row.runs,
    'exact match %': row.test_exact,
    'paper: exact match %': paperExact(String(row.relaxation), String(row.variant)) ?? '–',
    'element-wise %': row.test_elementwise,
    'wall s / run': Math.round(Number(summary[i].wall_s_mean)),
  })),
  `Four-digit MNIST ranking, n = 5, preset ${preset}`,
);

// %%
const exactMean = (relaxation: string, name: string): number | undefined => {
  const row = summary.find((r) => r.relaxation === relaxation && methodName(r) === name);
  return row ? 100 * Number(row.test_exact_mean) : undefined;
};
nl.markdown(
  methods
    .filter((m) => m.variant !== 'baseline')
    .map((m) => {
      const [base, other] = [exactMean(m.relaxation, 'baseline'), exactMean(m.relaxation, methodName(m))];
      const diff = base === undefined || other === undefined ? 'n/a' : `${other >= base ? '+' : ''}${(other - base).toFixed(1)} points`;
      const [paperBase, paperOther] = [paperExact(m.relaxation, 'baseline'), paperExact(m.relaxation, m.variant)];
      const paper =
        paperBase === undefined || paperOther === undefined
          ? 'the paper gives no n = 5 number for this pair'
          : `the paper: ${paperOther >= paperBase ? '+' : ''}${(paperOther - paperBase).toFixed(1)} points (${paperBase} → ${paperOther}); ${
              base === undefined || other === undefined ? 'no runs of ours to compare' : (other - base) * (paperOther - paperBase) > 0 ? 'same direction' : 'not the same direction'
            }`;
      return `- **${m.relaxation}**, ${methodName(m)}: ${diff} exact match against the baseline (${configs.length / methods.length} seeds each); ${paper}`;
    })
    .join('\n'),
);

// %% [markdown]
// ## Gradient norms over training
// The norm of the loss gradient w.r.t. the scores, before (`‖∇L‖`, solid) and after (`‖∇L*‖`,
// dashed) the Newton transform, averaged over seeds in bins of steps. For the baseline the two
// coincide. The Hessian step rescales directions by the inverse curvature (large where the loss is
// flat); the Fisher step with a small λ divides by the small scale of `F`, so its norm is larger.
// Adam normalises the overall scale per parameter, so what changes training is the *direction* of
// the gradient in the n-dimensional score space of each set, and how samples are weighted.

// %%
const trainRows = nl.experiments.loadRunLogs('ranking', 'train', { resultsRoot: resultsRoot, where: { preset: preset } }).filter((row) => runIds.has(String(row.run_id)));
for (const relaxation of relaxations) {
  const rows = trainRows.filter((row) => row.relaxation === relaxation);
  if (rows.length === 0) continue;
  const every = Math.max(1, Math.round(Number(rows[rows.length - 1].step) / 40));
  const before = nl.experiments.curvesOverRuns(rows, { x: 'step', y: 'grad_norm', by: ['variant', 'lambda'], every });
  const after = nl.experiments.curvesOverRuns(rows, { x: 'step', y: 'newton_grad_norm', by: ['variant', 'lambda'], every });
  const series = before.flatMap((curve, k) => [
    { name: `${methodName(curve.group)}: ‖∇L‖`, x: curve.x, y: curve.mean },
    { name: `${methodName(curve.group)}: ‖∇L*‖`, x: after[k].x, y: after[k].mean, dash: 'dash' as const },
  ]);
  nl.show(nl.viz.lineFigure(series, { title: `${relaxation}: gradient norm w.r.t. the scores (${preset})`, xTitle: 'step', yTitle: 'norm', logY: true, height: 380 }));
}

// %% [markdown]
// ## The curvature the Newton losses see
// Every step logs the extreme eigenvalues of `M + λI` (M = `H̄` or `F`). The Fisher is positive
// semidefinite by construction; the Hessian of a relaxed ranking loss need not be. Where `H̄ + λI`
// has a negative eigenvalue, the Newton step points uphill along that direction, and where an
// eigenvalue is close to zero it is huge.

// %%
const curvatureRows = methods
  .filter((m) => m.variant !== 'baseline')
  .map((m) => {
    const rows = trainRows.filter((row) => row.relaxation === m.relaxation && methodName(row) === methodName(m));
    const smallest = rows.map((row) => Number(row.eig_min));
    const largest = rows.map((row) => Number(row.eig_max)).sort((a, b) => a - b);
    return {
      relaxation: m.relaxation,
      method: methodName(m),
      steps: rows.length,
      'steps with an eigenvalue < 0': rows.length ? `${((100 * smallest.filter((e) => e < 0).length) / rows.length).toFixed(1)}%` : '',
      'smallest eigenvalue': rows.length ? Number(Math.min(...smallest).toPrecision(3)) : '',
      'median largest eigenvalue': rows.length ? Number(largest[Math.floor(largest.length / 2)].toPrecision(3)) : '',
    };
  });
nl.table(curvatureRows, `Spectrum of M + λI over all training steps and seeds (${preset})`);

// %% [markdown]
// ## What we see (quick preset, 3 seeds, on the project's 2-core machine)
// - **No gain at this scale.** NeuralSort: baseline 40.3 ± 1.0% exact match, Hessian (λ = 0.1)
//   40.7 ± 1.2%, Fisher (λ = 0.01) 40.8 ± 0.3%; logistic sorting network: baseline 41.4 ± 3.0%,
//   Hessian (λ = 1) 40.8 ± 0.6%, Fisher 41.4 ± 0.9%. The differences are within one standard
//   deviation. The same holds for SoftSort and the Cauchy network (README), for 10 000 instead of
//   2 000 steps (NeuralSort, one seed: baseline 48.3%, Fisher 48.9%) and at n = 10 (logistic
//   network, 2 000 steps: every variant ≈ 3.5% exact, 52% element-wise). The small CNN on 7 × 28
//   items is limited by what it has learned about the digits, not by the conditioning of the
//   ranking loss; the paper's gains were measured after 100 000 steps of the full model, which
//   this machine cannot run (≈ 4.4 s per step: about five days per run).
// - **λ must match the curvature.** With λ = 0.1 the Hessian variant of the sorting network is
//   worse than the baseline and unstable (22 ± 17%: one seed never learns): its `H̄` is indefinite
//   at a few percent of the steps and has eigenvalues near −λ (table above), where the Newton step
//   explodes or points uphill. λ = 1, about a quarter of its largest eigenvalue, removes the damage.
//   The Fisher variant has no such failure mode: `F` is positive semidefinite.
// - **Cost.** The Fisher variant costs what the baseline costs; the Hessian variant adds n
//   Hessian-vector products through the relaxation per step, which matters for the small model
//   (×1.2 for NeuralSort, ×1.7 for the sorting networks at the quick size) and not at the paper's
//   size (≤ ×1.05: the CNN dominates); see `bench/ranking-step.ts`.
//
// ## Paper-sized runs
// Run the paper's grid from the command line (on a GPU: install `@tensorflow/tfjs-node-gpu`; each
// run is 100 000 steps; runs resume when interrupted and finished runs are skipped):
//
// ```
// npx newton-losses ranking --grid --preset paper --relaxation neuralsort,softsort,logistic,cauchy \
//     --variant baseline,hessian,fisher --n 5,10 --seed 0,1,2,3,4,5,6,7,8,9 --backend tfjs-node-gpu
// npx newton-losses results ranking --where preset=paper
// ```
//
// On a CPU with the wasm backend, add `--workers K` to split every batch over K worker threads (one
// per free core: wasm runs on one core; the results equal a one-thread run's up to float rounding).
// Their CSV files land in `data/results/ranking/`; the next cell loads whatever is there.

// %%
const paperRuns = nl.experiments.loadResults('ranking', { where: { preset: 'paper' } });
if (paperRuns.length === 0) {
  nl.markdown('No finished `paper` runs under `data/results/ranking/` yet.');
} else {
  const paperSummary = nl.experiments.summarizeResults(paperRuns, ['relaxation', 'n', 'variant', 'lambda'], ['test_exact', 'test_elementwise']);
  nl.table(nl.experiments.formatSummary(paperSummary, ['test_exact', 'test_elementwise']), 'Paper-sized runs: test accuracy at the best validation step, mean ± std over seeds (%)');
}
