// %% [markdown]
// # 02 · Differentiable sorting: NeuralSort, SoftSort and sorting networks
//
// The ranking task of the paper: a network gives one score per item, and the only supervision is
// the true order of the items. The loss compares a *relaxed permutation matrix* `P` of the scores
// with the true permutation: `P[i][j]` is the weight with which input `i` lands at ascending
// position `j` (so `sorted = x @ P`), and the ranking loss is the binary cross-entropy between `P`
// and the 0/1 ground truth, averaged over the n² entries (torch's `BCELoss`: logs clamped at −100).
//
// Four relaxations of the paper:
// - **NeuralSort** (Grover et al. 2019): column `k` of `P` is `softmax_i(((2k − n − 1) x_i − Σ_j |x_i − x_j|) / τ)`;
// - **SoftSort** (Prillo & Eisenschlos 2020): `P[i][k] = softmax_i(−|x_i − sort(x)_k| / τ)`;
// - **differentiable sorting networks** (Petersen et al. 2021, 2022): an odd-even or bitonic network
//   whose comparators mix their two wires with weights `σ(steepness · (x_hi − x_lo))`, with a
//   logistic σ (the "logistic DSN") or a heavy-tailed monotonic one such as Cauchy.
//
// All of them match the public reference implementations to float32 precision, first and second
// derivatives included (`test/sorting-reference.test.ts`). This notebook shows what they compute and
// why their losses are hard to optimise — the problem Newton losses address.
// Preset: `NEWTON_LOSSES_PRESET` = smoke (seconds), quick (default), paper (same sizes as quick here).

// %%
import * as tf from '@tensorflow/tfjs';
import * as nl from './src/notebook';
const nb = await nl.setupNotebook();
const smoke = nb.preset === 'smoke';

// %% [markdown]
// ## The comparator sigmoids
// A comparator on wires (lo, hi) keeps `α = σ(x_hi − x_lo)` of each wire's value and takes `1 − α`
// from the other wire. On two inputs `[0, u]` the network is one comparator, so `P[0][0] = σ(u)`:
// we read the six sigmoids of `sortingNetwork` off it (steepness 10).

// %%
const us = nl.analysis.linspace(-0.6, 0.6, smoke ? 41 : 201);
/** σ(u) of a comparator at steepness 10: P[0][0] of the one-comparator network on the inputs [0, u]. */
const comparatorWeights = (sigmoid: nl.ComparatorSigmoid, u: number[]): number[] => tf.tidy(() => {
  const { permutation } = nl.sortingNetwork(tf.tensor2d(u.map((v) => [0, v])), { network: 'odd_even', sigmoid: sigmoid, steepness: 10 });
  return Array.from(permutation.dataSync().filter((_, k) => k % 4 === 0));
});
const sigmoidCurves = nl.COMPARATOR_SIGMOIDS.map((sigmoid) => ({ sigmoid: sigmoid, values: comparatorWeights(sigmoid, us) }));
nl.show(nl.viz.panelsFigure([
  { title: 'σ(u), steepness 10', figure: nl.viz.lineFigure(sigmoidCurves.map((c) => ({ name: c.sigmoid, x: us, y: c.values })), { xTitle: 'u = x_hi − x_lo', yTitle: 'σ(u)' }) },
  {
    title: 'tail σ(−|u|) on a log scale',
    figure: nl.viz.lineFigure(sigmoidCurves.map((c) => ({ name: c.sigmoid, x: us.filter((u) => u < 0), y: c.values.filter((_, k) => us[k] < 0) })), { xTitle: 'u', yTitle: 'σ(u)', logY: true }),
  },
], { height: 400, title: 'the six comparator sigmoids of sortingNetwork', sharedLegend: true }));

// %% [markdown]
// What to see: all six rise from 0 to 1 with slope ~steepness at u = 0, but their tails differ by
// orders of magnitude (right panel): logistic, ART-logistic (`logistic_phi`) and Gaussian decay
// exponentially, so a comparator that is far from a tie passes almost no gradient; Cauchy and
// reciprocal decay like 1/|u| (the *monotonic* family of Petersen et al. 2022), and the "optimal"
// sigmoid is linear around 0 with a 1/(16|u|) tail. A network multiplies these weights along
// every path through it, which is where vanishing gradients come from.
//
// ## Relaxed permutation matrices
// One set of five scores, each relaxation at three temperatures (NeuralSort, SoftSort: τ; sorting
// networks: steepness). Rows are the inputs `i`, columns the ascending positions `j`.

// %%
const scores = tf.tensor2d([[0.9, -0.2, 0.35, -1.0, 0.1]]);
const hard = nl.groundTruthPermutation(scores);
const settings: { label: string; relax: (x: tf.Tensor2D) => tf.Tensor3D }[] = [];
for (const tau of [2, 0.5, 0.1]) settings.push({ label: `NeuralSort τ = ${tau}`, relax: nl.makeRelaxation('neuralsort', { tau: tau }) });
for (const tau of [2, 0.5, 0.1]) settings.push({ label: `SoftSort τ = ${tau}`, relax: nl.makeRelaxation('softsort', { tau: tau }) });
for (const steepness of [2, 10, 50]) settings.push({ label: `odd-even logistic, s = ${steepness}`, relax: nl.makeRelaxation('logistic', { steepness: steepness }) });
for (const steepness of [2, 10, 50]) settings.push({ label: `odd-even Cauchy, s = ${steepness}`, relax: nl.makeRelaxation('cauchy', { steepness: steepness }) });
const matrices = settings.map((s) => ({ label: s.label, rows: tf.tidy(() => s.relax(scores).arraySync()[0]) }));
const heatmap = (rows: number[][]): nl.viz.Figure => nl.viz.probabilityHeatmap(rows, { xTitle: 'position j', yTitle: 'input i', zTitle: 'P[i][j]' });
nl.show(nl.viz.panelsFigure([{ title: 'hard permutation', figure: heatmap(hard.arraySync()[0]) }], { height: 320, width: 520, title: 'the target: input i at its ascending position' }));
nl.show(nl.viz.panelsFigure(matrices.map((m) => ({ title: m.label, figure: heatmap(m.rows) })), { columns: 3, height: 1150, title: 'P[i][j] for x = [0.9, −0.2, 0.35, −1.0, 0.1]' }));
const deviation = (rows: number[][], byColumn: boolean): number =>
  Math.max(...rows.map((_, a) => Math.abs(rows.reduce((sum, row, b) => sum + (byColumn ? row[a] : rows[a][b]), 0) - 1)));
nl.table(matrices.map((m) => ({ relaxation: m.label, 'max |row sum − 1|': deviation(m.rows, false), 'max |column sum − 1|': deviation(m.rows, true) })), 'stochasticity of P');

// %% [markdown]
// What to see: every relaxation approaches the hard permutation as it is cooled, but along
// different routes. NeuralSort and SoftSort normalise each *column* (a softmax over the inputs for
// each position), so their rows need not sum to 1 — at τ = 2 some input is spread over more than one
// position in total, another over less (table). Sorting networks mix pairs of wires with weights
// that sum to 1, so their P is doubly stochastic at every steepness. The Cauchy network keeps visible
// off-diagonal mass even at s = 50: its heavy tails never let a comparator decide completely.
//
// ## Gradients as one score is swept (the paper's gradient figure)
// Five items whose true order is their index order, scores `[−1, −0.5, x₂, 0.5, 1]`, and the middle
// score x₂ swept from −4 to 4: at x₂ = 0 the ranking is right, beyond ±0.5 it is wrong. For each x₂
// we compute the derivative of the ranking loss with respect to x₂, and the x₂ component of the
// Newton-loss gradient `(M + λI)⁻¹ g` for one sample (curvature 'per-sample', λ = 0.1): M = the
// Hessian (inverted exactly, as in the paper, or with negative curvature clipped to 0) or the
// empirical Fisher g gᵀ. Each curve is divided by its typical magnitude (the 90th percentile of its
// |values|) so that shapes compare; the table gives the scales.

// %%
const sweep = nl.analysis.linspace(-4, 4, smoke ? 41 : 161);
const baseScores = [-1, -0.5, 0, 0.5, 1];
const lambda = 0.1;
const sweepMethods: { label: string; relax: nl.Relaxation }[] = [
  { label: 'NeuralSort, τ = 1', relax: nl.makeRelaxation('neuralsort', { tau: 1 }) },
  { label: 'SoftSort, τ = 1', relax: nl.makeRelaxation('softsort', { tau: 1 }) },
  { label: 'logistic DSN, s = 10', relax: nl.makeRelaxation('logistic', { steepness: 10 }) },
  { label: 'Cauchy DSN, s = 10', relax: nl.makeRelaxation('cauchy', { steepness: 10 }) },
];
const sweepResults = sweepMethods.map((m) => ({ label: m.label, ...nl.explore.gradientSweep(m.relax, { scores: baseScores, index: 2, values: sweep, lambda: lambda }) }));
const peak = (values: number[]): number => Math.max(1e-30, ...values.map(Math.abs));
const typical = (values: number[]): number => Math.max(1e-30, values.map(Math.abs).sort((a, b) => a - b)[Math.floor(0.9 * (values.length - 1))]);
const normalised = (values: number[]): number[] => values.map((v) => v / typical(values));

// %%
nl.show(nl.viz.panelsFigure(sweepResults.map((r) => {
  const figure = nl.viz.lineFigure([
    { name: 'loss (scaled)', x: sweep, y: normalised(r.loss), dash: 'dot' },
    { name: 'gradient ∂l/∂x₂', x: sweep, y: normalised(r.gradient) },
    { name: 'NL-Fisher', x: sweep, y: normalised(r.fisher) },
    { name: 'NL-Hessian', x: sweep, y: normalised(r.hessian) },
    { name: 'NL-Hessian, clipped', x: sweep, y: normalised(r.hessianClipped), dash: 'dash' },
  ], { xTitle: 'x₂', yTitle: 'x₂ component (typical = 1)', yRange: [-1.5, 1.5] });
  return { title: r.label, figure: figure };
}), { columns: 2, height: 800, title: `x₂ component of the update, each curve in units of its typical magnitude (λ = ${lambda})`, sharedLegend: true }));
nl.table(sweepResults.map((r) => ({
  relaxation: r.label,
  'gradient: typical | peak': `${typical(r.gradient).toPrecision(3)} | ${peak(r.gradient).toPrecision(3)}`,
  '|gradient| at x₂ = −4': Math.abs(r.gradient[0]),
  'NL-Fisher: typical | peak': `${typical(r.fisher).toPrecision(3)} | ${peak(r.fisher).toPrecision(3)}`,
  'NL-Hessian: typical | peak': `${typical(r.hessian).toPrecision(3)} | ${peak(r.hessian).toPrecision(3)}`,
  'NL-Hessian, clipped: typical | peak': `${typical(r.hessianClipped).toPrecision(3)} | ${peak(r.hessianClipped).toPrecision(3)}`,
})), 'scales of the curves above (typical = 90th percentile of |value|)');

// %% [markdown]
// What to see: the loss is flat at x₂ = 0 (right order) and rises once x₂ passes a neighbour. The
// plain gradient of the sorting networks is largest near the two neighbours and then *vanishes* as
// x₂ moves away — at x₂ = −4 it is a few percent of its peak (table), although the ranking is as
// wrong as it gets — while NeuralSort and SoftSort keep a nearly constant gradient. The logistic
// network's loss is a staircase: flat plateaus joined by steep steps. The Fisher Newton loss
// divides g by λ + ‖g‖², which evens out its magnitude: relatively large where g is small, capped
// where g is large. The Hessian Newton loss divides by the curvature: where the loss is convex it
// takes longer steps along flat stretches, but where the Hessian is indefinite `(H + λI)⁻¹ g` can
// point *uphill* and explode (sign flips and spikes of the solid NL-Hessian curve where an
// eigenvalue of H crosses −λ; see the peaks in the table); clipping negative curvature keeps a
// descent direction of bounded size. In training the paper averages the Hessian over a batch,
// which smooths this out.
//
// ## The sweep under a λ slider
// The same sweep for NeuralSort and the logistic network, at λ from 10⁻³ to 10 (precomputed: move the
// slider, no kernel needed, also in the HTML report). Each curve is again in units of its typical
// magnitude. Large λ turns both Newton losses into the gradient (the curves coincide); small λ shows
// each curvature's own reshaping: the Fisher variant flattens the gradient's magnitude to `g/‖g‖²`,
// the Hessian variant's spikes sharpen where an eigenvalue of H comes close to −λ.

// %%
const sliderLambdas = [1e-3, 1e-2, 0.1, 1, 10];
const sliderMethods = [sweepMethods[0], sweepMethods[2]];
const sweepFrames = sliderLambdas.map((l) => ({
  label: String(l),
  figure: nl.viz.panelsFigure(sliderMethods.map((m) => {
    const r = nl.explore.gradientSweep(m.relax, { scores: baseScores, index: 2, values: sweep, lambda: l });
    return {
      title: m.label,
      figure: nl.viz.lineFigure([
        { name: 'gradient ∂l/∂x₂', x: sweep, y: normalised(r.gradient) },
        { name: 'NL-Fisher', x: sweep, y: normalised(r.fisher) },
        { name: 'NL-Hessian', x: sweep, y: normalised(r.hessian) },
      ], { xTitle: 'x₂', yTitle: 'x₂ component (typical = 1)', yRange: [-1.5, 1.5] }),
    };
  }), { height: 420, title: 'x₂ component of the update as λ changes' }),
}));
nl.show(nl.viz.sliderFigure(sweepFrames, { active: sliderLambdas.indexOf(0.1) }));

// %% [markdown]
// ## The loss landscape over two scores, and the quadratic a Newton loss puts in its place
// Three items with true order 0 < 1 < 2; the third score is fixed at 0 and the first two are free,
// so the loss is a function of (x₀, x₁). At a wrong ranking y₀ = (0.8, −0.6) the Hessian Newton
// step is `z* = y₀ − (H + λI)⁻¹ g` (λ = 0.1, curvature of this one sample). The Newton loss is the
// local quadratic model `l(y₀) + gᵀd + ½ dᵀ(H + λI)d` (same gradient and curvature at y₀), which has
// its stationary point at z\*, and in practice is written `½‖z* − y‖²` with z\* held constant.

// %%
const grid = nl.analysis.linspace(-3, 3, smoke ? 25 : 61);
const start = [0.8, -0.6];
const landscapeMethods: { label: string; relax: nl.Relaxation }[] = [
  { label: 'NeuralSort τ = 1', relax: nl.makeRelaxation('neuralsort', { tau: 1 }) },
  { label: 'logistic DSN s = 5', relax: nl.makeRelaxation('logistic', { steepness: 5 }) },
];
/** Values of f over the grid, one row per x₁. */
const gridOf = (f: (a: number, b: number) => number): number[][] => grid.map((b) => grid.map((a) => f(a, b)));
/** A contour panel over the grid, without its own colour bar (each panel has its own scale: read the shapes), with the step y₀ → z*. */
const marked = (z: number[][], target: number[]): nl.viz.Figure => {
  const figure = nl.viz.contourFigure(grid, grid, z, { xTitle: 'x₀', yTitle: 'x₁', xRange: [grid[0], grid[grid.length - 1]], yRange: [grid[0], grid[grid.length - 1]] });
  figure.data[0].showscale = false;
  figure.data.push({ type: 'scatter', mode: 'lines+markers', x: [start[0], target[0]], y: [start[1], target[1]], showlegend: false, marker: { color: ['white', 'red'], size: 9, line: { color: 'black', width: 1 } }, line: { color: 'black', dash: 'dot' } });
  return figure;
};
/** The loss at the Newton target of `options` from y₀, and where that target lies. */
const lossAfter = (one: nl.PerSampleLoss, options: nl.NewtonOptions): string => tf.tidy(() => {
  const target = nl.newtonTarget(tf.tensor2d([start]), one, options);
  return `${one(target).dataSync()[0].toFixed(3)} at (${Array.from(target.dataSync(), (v) => v.toFixed(2)).join(', ')})`;
});

// %%
/** The loss l₀, gradient g and Hessian h (row-major 2 × 2) at y₀, and the Hessian Newton target z* (λ as above). */
const atStart = (one: nl.PerSampleLoss): { l0: number; g: number[]; h: number[]; z: number[] } => tf.tidy(() => {
  const y0 = tf.tensor2d([start]);
  const at = { l0: one(y0).dataSync()[0], g: Array.from(nl.perSampleGradients(y0, one).dataSync()), h: Array.from(nl.perSampleHessians(y0, one).dataSync()) };
  return { ...at, z: Array.from(nl.newtonTarget(y0, one, { variant: 'hessian', lambda: lambda }).dataSync()) };
});
/** The quadratic model l₀ + gᵀd + ½ dᵀ(H + λI)d of the loss around y₀, d = (a, b) − y₀. */
const quadraticModel = ({ l0, g, h }: { l0: number; g: number[]; h: number[] }) => (a: number, b: number): number => {
  const [d0, d1] = [a - start[0], b - start[1]];
  return l0 + g[0] * d0 + g[1] * d1 + 0.5 * ((h[0] + lambda) * d0 ** 2 + 2 * h[1] * d0 * d1 + (h[3] + lambda) * d1 ** 2);
};

// %%
const landscapePanels: { title: string; figure: nl.viz.Figure }[] = [];
const landscapeRows: Record<string, unknown>[] = [];
for (const m of landscapeMethods) {
  const one = nl.explore.twoScoreRankingLoss(m.relax);
  const surface = nl.explore.lossSurface(one, grid, grid);
  const local = atStart(one);
  const { l0, g, h, z } = local;
  landscapePanels.push(
    { title: `${m.label}: loss`, figure: marked(surface, z) },
    { title: 'quadratic model (H + λI)', figure: marked(gridOf(quadraticModel(local)), z) },
    { title: 'Newton loss ½‖z* − y‖²', figure: marked(gridOf((a, b) => 0.5 * ((a - z[0]) ** 2 + (b - z[1]) ** 2)), z) },
  );
  landscapeRows.push({
    relaxation: m.label,
    'loss at y₀': l0,
    'gradient g': g.map((v) => v.toFixed(3)).join(', '),
    'Hessian eigenvalues': nl.analysis.spectrum(h, 2).values.map((v) => v.toFixed(3)).join(', '),
    [`loss at z* (λ = ${lambda}, as drawn)`]: lossAfter(one, { variant: 'hessian', lambda: lambda }),
    [`… λ = ${lambda}, negative curvature clipped`]: lossAfter(one, { variant: 'hessian', lambda: lambda, indefinite: 'clip' }),
    '… λ = 1': lossAfter(one, { variant: 'hessian', lambda: 1 }),
  });
}

// %%
nl.show(nl.viz.panelsFigure(landscapePanels, { columns: 3, height: 760, title: 'x₀ (horizontal) and x₁ (vertical); dark = low; white: y₀, red: the Newton target z*' }));
nl.table(landscapeRows, `one Hessian Newton step from y₀ = (${start.join(', ')})`);

// %% [markdown]
// What to see: the ranking loss is small in the wedge x₀ < x₁ < 0 (the right order) and has
// plateaus and ridges elsewhere — far from the decision boundaries it is almost flat (vanishing
// gradients), near them it bends sharply. The quadratic model matches the loss's slope and
// curvature at y₀ only, and the Newton loss replaces the whole landscape by a round bowl centred at
// z\*: regressing the network onto z\* asks for one step scaled by the curvature. For NeuralSort the
// Hessian at y₀ is positive definite, the model is a bowl, and the step lands near the right order
// with a much lower loss. For the logistic network it is indefinite (one eigenvalue below −λ): the
// model is a saddle (hyperbolic level sets), z\* is its saddle point, and the step with λ = 0.1 goes
// far *uphill* (table; z\* lies outside the plotted square). Clipping the negative curvature makes
// the direction a descent direction, but along the clipped direction the curvature is then only
// λ = 0.1, so the step is ten times the gradient there and overshoots just as far; λ = 1 takes a
// moderate step that lowers the loss. λ is not only a regulariser: it decides whether the Newton
// loss helps at all, which is why the paper sweeps it.
//
// ## Eigenvalues of the batch Hessian: why λ > 0
// Every relaxation here is shift invariant, `P(x + c·1) = P(x)`, so the loss is constant along the
// all-ones direction: `H̄ 1 = 0`, and `H̄` is singular. It can also be indefinite. Below, the
// eigenvalues of the batch-mean Hessian `H̄ = mean_i ∇² l_i` for a batch of random scores and orders.

// %%
const rng = new nl.Rng(7);
const eigenBatch = smoke ? 20 : 100;
const eigenPanels: { title: string; figure: nl.viz.Figure }[] = [];
const eigenRows: Record<string, unknown>[] = [];
for (const n of smoke ? [5] : [5, 10]) {
  const batchScores = tf.tensor2d(rng.fillNormal(new Float32Array(eigenBatch * n)), [eigenBatch, n]);
  const batchTargets = tf.tensor2d(Float32Array.from({ length: eigenBatch * n }, () => rng.uniform()), [eigenBatch, n]);
  const series: nl.viz.Series[] = [];
  for (const m of sweepMethods) {
    const { values, vectors } = nl.analysis.spectrum(tf.tidy(() => nl.meanHessian(batchScores, nl.rankingLossPerSample(m.relax, batchTargets)).dataSync()), n);
    series.push({ name: m.label, x: values.map((_, k) => k + 1), y: values, mode: 'lines+markers' });
    const nearest = values.reduce((best, v, k) => (Math.abs(v) < Math.abs(values[best]) ? k : best), 0);
    eigenRows.push({
      n: n,
      relaxation: m.label,
      'smallest eigenvalue': values[0],
      'largest eigenvalue': values[n - 1],
      'eigenvalue nearest 0': values[nearest],
      '|cos(its eigenvector, 1)|': Math.abs(nl.analysis.cosine(vectors[nearest], new Array(n).fill(1))),
    });
  }
  eigenPanels.push({ title: `n = ${n}`, figure: nl.viz.lineFigure(series, { xTitle: 'eigenvalue index (ascending)', yTitle: 'eigenvalue of H̄' }) });
}

// %%
nl.show(nl.viz.panelsFigure(eigenPanels, { height: 420, title: `eigenvalues of the batch-mean Hessian, ${eigenBatch} random samples`, sharedLegend: true }));
nl.table(eigenRows, 'the zero eigenvalue belongs to the all-ones direction');
const indefinite = eigenRows.filter((row) => (row['smallest eigenvalue'] as number) < -1e-4);
nl.markdown(indefinite.length === 0
  ? 'In this batch every batch-mean Hessian is positive semidefinite (up to float32 noise).'
  : `Indefinite in this batch: ${indefinite.map((row) => `${row.relaxation} (n = ${row.n}, smallest eigenvalue ${(row['smallest eigenvalue'] as number).toPrecision(2)})`).join('; ')}.`);

// %% [markdown]
// What to see: each spectrum contains one eigenvalue at 0 (to float32 precision) whose eigenvector
// is the all-ones direction (|cos| = 1 in the table): moving every score by the same amount changes
// nothing, so `H̄` cannot be inverted and the Newton step `(H̄ + λI)⁻¹ g` needs λ > 0. NeuralSort's and
// SoftSort's batch Hessians are otherwise positive semidefinite; the sorting networks' can reach
// below zero even after averaging over the batch (the line under the table names them for this
// batch). The Cauchy network is the typical case: its heavy tails make the loss of a wrongly ordered
// pair grow only like log|u| with their distance u, a concave function. Then λ must exceed the most
// negative eigenvalue for `H̄ + λI` to be positive definite (or the negative part is clipped, the
// `indefinite: 'clip'` option). The scales differ by orders of magnitude between relaxations, which
// is why the paper tunes λ per method.
//
// ## Exercises
// Each exercise has a cell for your answer and a check cell that says ✓ or what is still off (with a
// hint). Run the notebook top to bottom first.
//
// **1. The Fisher Newton step of one sample.** With per-sample curvature `F = g gᵀ`, the Sherman–Morrison
// formula gives `(g gᵀ + λI)⁻¹ g = g / (λ + ‖g‖²)`. For NeuralSort (τ = 1) at the scores
// `[−1, −0.5, −4, 0.5, 1]` (true order 0 < 1 < 2 < 3 < 4), compute the x₂ component of the NL-Fisher
// direction for λ = 0.1 from the gradient alone (`nl.perSampleGradients`).
//
// **2. Tails of two sigmoids.** σ(−0.5) at steepness 10 for the logistic and the Cauchy comparator
// (two numbers, from their formulas: logistic `1 / (1 + e^(−10u))`, Cauchy `atan(10u) / π + 1/2`). How
// many times larger is the Cauchy weight?
//
// **3. How large must λ be?** From the eigenvalue table above: the smallest λ ≥ 0 for which `H̄ + λI`
// is positive semidefinite for the Cauchy network at n = 5.

// %%
let answer1: number | undefined; // x₂ component of g / (λ + ‖g‖²)
let answer2: number[] | undefined; // [σ_logistic(−0.5), σ_Cauchy(−0.5)]
let answer3: number | undefined; // λ

// %%
const exerciseScores = tf.tensor2d([[-1, -0.5, -4, 0.5, 1]]);
const exerciseLoss = nl.rankingLossPerSample(nl.makeRelaxation('neuralsort', { tau: 1 }), tf.tensor2d([[0, 1, 2, 3, 4]]));
const expected1 = tf.tidy(() => tf.sub(exerciseScores, nl.newtonTarget(exerciseScores, exerciseLoss, { variant: 'fisher', lambda: 0.1, curvature: 'per-sample' })).dataSync()[2]);
nl.checkAnswer('1. NL-Fisher, x₂ component', answer1, expected1, { hint: 'g = nl.perSampleGradients(scores, loss); divide g[2] by 0.1 + ‖g‖².' });
nl.checkAnswer('2. σ(−0.5), logistic and Cauchy', answer2, ['logistic', 'cauchy'].map((sigmoid) => comparatorWeights(sigmoid as nl.ComparatorSigmoid, [-0.5])[0]), { hint: 'u = −0.5, so v = 10u = −5.' });
const cauchyRow = eigenRows.find((row) => row.n === 5 && String(row.relaxation).startsWith('Cauchy'))!;
nl.checkAnswer('3. the smallest λ', answer3, Math.max(0, -(cauchyRow['smallest eigenvalue'] as number)), { hint: 'λ shifts every eigenvalue up by λ.' });
