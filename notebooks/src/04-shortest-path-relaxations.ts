// %% [markdown]
// # 04 · Shortest-path relaxations: relaxed Bellman-Ford, stochastic smoothing, perturbed optimizers
//
// The Warcraft task of the paper: a network looks at a 12 × 12 terrain map and predicts one cost
// per tile; the loss compares the shortest top-left → bottom-right path under the predicted costs
// with the true path. Dijkstra has no useful gradient (the path is piecewise constant in the
// costs), so the paper trains through four differentiable stand-ins:
//
// - **relaxed Bellman-Ford** (AlgoVision): a soft-min version of the algorithm, differentiable by autodiff;
// - **stochastic smoothing of the loss**: `E loss(dijkstra(θ + σε))`, derivatives by the score-function trick;
// - **stochastic smoothing of the algorithm**: the mean perturbed path, then a differentiable loss on it;
// - **perturbed optimizer + Fenchel-Young loss** (Berthet et al.): gradient `y_true − ŷ`.
//
// This notebook looks at each on one terrain map, then at what the paper reports for the
// smoothing estimators: with 3 samples their curvature estimates are too noisy for Newton losses.
// Preset: `NEWTON_LOSSES_PRESET` = smoke (seconds), quick (default), paper.

// %%
import * as tf from '@tensorflow/tfjs';
import * as nl from './src/notebook';
const nb = await nl.setupNotebook();
const smoke = nb.preset === 'smoke';
const G = 12;
const M = G * G;
const N = smoke ? 6 : 24; // maps in the batch
const rng = new nl.Rng(2024);

// %% [markdown]
// ## A terrain map and its true path
// The project generates Warcraft-like maps (the real data set is not in any registry): five tile
// types with the Warcraft costs 0.8 (dirt), 1.2 (grass), 5.3 (forest), 7.7 (rock), 9.2 (water).
// `dijkstra` finds the cheapest 8-connected path; its tie-breaking is that of the public
// blackbox-backprop solver.

// %%
const maps = nl.data.generateTerrainMaps(N, 7, { split: 'test' });
const probabilityMap = (values: ArrayLike<number>): nl.viz.Figure => nl.viz.probabilityHeatmap(nl.viz.gridRows(values, G), { zTitle: 'on the path' });
const weightsMap = nl.viz.heatmapFigure(nl.viz.gridRows(maps.weights, G), { colorscale: 'YlOrBr', zTitle: 'cost' });
weightsMap.data.push(nl.viz.pathMarkers(maps.paths, G));
nl.show(nl.viz.panelsFigure([
  { title: `terrain map (${maps.imageSize} × ${maps.imageSize} px)`, figure: nl.viz.rgbImageFigure(maps.maps.subarray(0, maps.imageSize ** 2 * 3), maps.imageSize) },
  { title: `tile costs and the shortest path (cost ${maps.costs[0].toFixed(1)})`, figure: weightsMap },
], { height: 420 }));

// %% [markdown]
// What to see: the path (white dots) runs through the cheap dirt and grass and goes around water
// and rock, even when that is longer.
//
// ## Relaxed Bellman-Ford for several β and t-conorms
// `relaxedBellmanFord` runs `nIter` soft-min relaxation steps (inverse temperature β), then traces
// a unit mass back from the target along the soft predecessors and accumulates the cells it
// visits with a t-conorm. It matches AlgoVision's reference to 1e-6. Below, the true costs.

// %%
const trueCosts = tf.tensor3d(maps.weights, [N, G, G]);
const truePaths = tf.tensor3d(Float32Array.from(maps.paths), [N, G, G]);
const betas = [0.5, 2, 10];
const variants: { label: string; options: nl.RelaxedBellmanFordOptions }[] = [
  { label: 'probabilistic, for', options: { tConorm: 'probabilistic', loop: 'for' } },
  { label: 'Hamacher (p = 5), for', options: { tConorm: 'hamacher', p: 5, loop: 'for' } },
  { label: 'Yager-1, for', options: { tConorm: 'yager_1', loop: 'for' } },
  { label: 'probabilistic, while', options: { tConorm: 'probabilistic', loop: 'while' } },
];
const relaxedPanels: { title: string; figure: nl.viz.Figure }[] = [];
for (const { label, options } of variants) {
  for (const beta of betas) {
    const relaxed = tf.tidy(() => nl.relaxedBellmanFord(trueCosts.slice([0, 0, 0], [1, G, G]) as tf.Tensor3D, { ...options, beta, nIter: 25 }).dataSync());
    relaxedPanels.push({ title: `${label}, β = ${beta}`, figure: probabilityMap(relaxed) });
  }
}
nl.show(nl.viz.panelsFigure(relaxedPanels, { columns: betas.length, height: 1100, title: 'relaxed path (0..1) on map 0, nIter = 25' }));

// %% [markdown]
// What to see: at β = 10 every variant draws the true path sharply; at small β the soft-min
// spreads the mass over many near-optimal routes and the path blurs. Hamacher and Yager-1
// saturate faster than the probabilistic sum. The `for` loop always takes `nIter` = 25 trace
// steps, more than the path has cells: as in AlgoVision, mass that reaches the source walks on to
// the source's soft predecessors, so cells next to the source can light up as well. The `while`
// loop instead mixes the trace states by the probability that the source has not been reached.
//
// ## Smoothed paths from 3, 10 and 30 samples
// The smoothing estimators only call Dijkstra, on perturbed costs `θ + σε`. Take a "prediction" θ
// that a half-trained network might give — the true costs plus noise — and average the perturbed
// paths (`smoothedShortestPath`).

// %%
const predicted = Float32Array.from(maps.weights, (w) => Math.max(0.1, w + 1.5 * rng.normal()));
const theta = tf.tensor3d(predicted, [N, G, G]);
const sigma = 1;
const sampleCounts = [3, 10, 30];
const smoothedPanels = sampleCounts.map((samples) => {
  const mean = tf.tidy(() => nl.smoothedShortestPath(theta.slice([0, 0, 0], [1, G, G]) as tf.Tensor3D, { sigma, samples, rng: rng.fork(`paths-${samples}`) }).dataSync());
  const figure = probabilityMap(mean);
  figure.data.push(nl.viz.pathMarkers(maps.paths, G));
  return { title: `mean of ${samples} perturbed paths`, figure };
});
nl.show(nl.viz.panelsFigure(smoothedPanels, { height: 380, title: `smoothed path, σ = ${sigma}, under a noisy prediction of the costs (white: true path)` }));

// %% [markdown]
// What to see: with 3 samples the "smoothed" path takes only the values 0, 1/3, 2/3, 1 — three
// paths, not a distribution; 30 samples show where the route is uncertain. Each sample is one
// Dijkstra call (about 20 µs here), so 30 samples × 70 maps per training batch cost tens of
// milliseconds (`bench/shortest-path.ts`).
//
// ## How noisy are the gradient and Hessian estimates?
// For the smoothed loss `E ‖dijkstra(θ + σε) − y‖₁`, `smoothedLossCurvature` estimates per map the
// gradient `E[(f − f(θ)) ε] / σ` and the batch-mean Hessian `E[(f − f(θ))(εεᵀ − I)] / σ²` from S
// samples per map. We compare repeated estimates against a many-sample reference.

// %%
const y = tf.reshape(theta, [N, M]) as tf.Tensor2D;
const referenceChunks = smoke ? 1 : 5; // reference: chunks of 1000 samples per map, averaged
const referenceSamples = 1000 * referenceChunks;
const repeats = smoke ? 3 : 10;
const lossOptions = { sigma: sigma, baseline: true }; // (tslab: no shorthand for variables of earlier cells)
const reference = tf.tidy(() => {
  let gradients: tf.Tensor = tf.zeros([N, M]);
  let hessianMean: tf.Tensor = tf.zeros([M, M]);
  for (let chunk = 0; chunk < referenceChunks; chunk++) {
    const part = nl.smoothedLossCurvature(y, truePaths, { ...lossOptions, samples: 1000, rng: rng.fork(`reference-${chunk}`) });
    gradients = tf.add(gradients, tf.div(part.gradients, referenceChunks));
    hessianMean = tf.add(hessianMean, tf.div(part.hessianMean!, referenceChunks));
  }
  return { gradients: gradients as tf.Tensor2D, hessianMean: hessianMean as tf.Tensor2D };
});
const gReference = reference.gradients.dataSync();
const hReference = reference.hessianMean.dataSync();
/** cos of the rows of map k of two [N, M] arrays. */
const cosineOfMap = (a: Float32Array, b: Float32Array, k: number): number => nl.analysis.cosine(a.subarray(k * M, (k + 1) * M), b.subarray(k * M, (k + 1) * M));

// %%
const lambda = 10;
const direction = (estimate: nl.CurvatureEstimate, variant: nl.NewtonVariant): Float32Array =>
  tf.tidy(() => tf.sub(y, nl.newtonTarget(y, nl.givenCurvature(estimate), { variant, lambda })).dataSync() as Float32Array);
const referenceDirection = { hessian: direction(reference, 'hessian'), fisher: direction(reference, 'fisher') };
const spread: { samples: number; gradientError: number; hessianError: number; cosGradient: number; cosFisher: number; cosHessian: number }[] = [];
const bar = nl.progress('estimates');
for (const [index, samples] of sampleCounts.entries()) {
  const row = { samples, gradientError: 0, hessianError: 0, cosGradient: 0, cosFisher: 0, cosHessian: 0 };
  for (let r = 0; r < repeats; r++) tf.tidy(() => {
    const estimate = nl.smoothedLossCurvature(y, truePaths, { ...lossOptions, samples, rng: rng.fork(`spread-${samples}-${r}`) });
    const g = estimate.gradients.dataSync();
    const h = estimate.hessianMean!.dataSync();
    row.gradientError += nl.analysis.norm(g.map((v, i) => v - gReference[i])) / nl.analysis.norm(gReference) / repeats;
    row.hessianError += nl.analysis.norm(h.map((v, i) => v - hReference[i])) / nl.analysis.norm(hReference) / repeats;
    const fisher = direction(estimate, 'fisher');
    const hessian = direction(estimate, 'hessian');
    for (let k = 0; k < N; k++) {
      row.cosGradient += cosineOfMap(g as Float32Array, gReference as Float32Array, k) / (repeats * N);
      row.cosFisher += cosineOfMap(fisher, referenceDirection.fisher, k) / (repeats * N);
      row.cosHessian += cosineOfMap(hessian, referenceDirection.hessian, k) / (repeats * N);
    }
  });
  spread.push(row);
  await bar.update((index + 1) / sampleCounts.length, `S = ${samples}`);
}

// %%
nl.show(nl.viz.lineFigure([
  { name: 'gradient (per map)', x: sampleCounts, y: spread.map((s) => s.gradientError), mode: 'lines+markers' },
  { name: 'Hessian (batch mean)', x: sampleCounts, y: spread.map((s) => s.hessianError), mode: 'lines+markers' },
  { name: '∝ 1/√S', x: sampleCounts, y: sampleCounts.map((s) => spread[0].hessianError * Math.sqrt(sampleCounts[0] / s)), dash: 'dot' },
], { title: `relative error of the estimates against ${referenceSamples} samples per map`, xTitle: 'samples S per map', yTitle: '‖estimate − reference‖ / ‖reference‖', logX: true, logY: true }));
nl.table(spread.map((s) => ({
  'samples S': s.samples,
  'gradient rel. error': s.gradientError,
  'Hessian rel. error': s.hessianError,
  'cos(gradient, ref.)': s.cosGradient,
  [`cos(NL-Fisher step, ref.), λ = ${lambda}`]: s.cosFisher,
  [`cos(NL-Hessian step, ref.), λ = ${lambda}`]: s.cosHessian,
})), `${N} maps, σ = ${sigma}, ${repeats} repeats per S`);

// %% [markdown]
// What to see: both errors fall like 1/√S (parallel to the dotted line) and stay far above 1 —
// at these sample counts a single estimate is mostly noise — and the Hessian's is the larger:
// a 144 × 144 matrix from S·N samples, with variance growing like 1/σ⁴ against the gradient's
// 1/σ². The table shows what that does to the Newton-loss step `(M + λI)⁻¹ g`: with S = 3 the
// Hessian step agrees with the step the reference curvature would give far less than the plain
// gradient agrees with the reference gradient — the curvature estimate turns the step at random,
// which is why the paper's Newton losses *lose* accuracy for smoothing with 3 samples. With more
// samples the gap closes. (The Fisher step, built from the gradients alone, tracks the gradient.)
// The paper's batches hold 70 maps, about 3× this notebook's, so its batch-mean Hessian is less
// noisy at the same S.
//
// ## Gradient maps: original loss vs Newton losses
// Finally the direction each method pushes the predicted costs of map 0, `∂loss/∂θ` for the
// original loss and `(M + λI)⁻¹ g` for its Newton loss (red: positive, so a descent step lowers
// that cost; blue: raises it; each map scaled to its largest entry). The Fisher variant uses the batch's gradients only; the
// Hessian variant of the perturbed optimizer uses `−sym(E[y* Zᵀ])/σ`.

// %%
const relaxedLoss: nl.PerSampleLoss = (outputs) =>
  nl.pathL1Loss(nl.relaxedBellmanFord(tf.reshape(outputs, [N, G, G]) as tf.Tensor3D, { beta: 10, nIter: 25 }), truePaths);
const relaxedGradient = tf.tidy(() => tf.grad((outputs: tf.Tensor) => tf.sum(relaxedLoss(outputs as tf.Tensor2D)))(y).dataSync());
const relaxedNewtonDirection = tf.tidy(() => tf.sub(y, nl.newtonTarget(y, relaxedLoss, { variant: 'fisher', lambda: 1 })).dataSync());


// %%
const poSamples = smoke ? 10 : 30;
const { poGradient, poNewton } = tf.tidy(() => {
  const fenchelYoung = nl.perturbedFenchelYoungCurvature(y, truePaths, { sigma: sigma, samples: poSamples, rng: rng.fork('po'), baseline: true });
  return { poGradient: fenchelYoung.gradients.dataSync(), poNewton: tf.sub(y, nl.newtonTarget(y, nl.givenCurvature(fenchelYoung), { variant: 'hessian', lambda: 1 })).dataSync() };
});


// %%
const scaled = (values: ArrayLike<number>): number[][] => {
  let peak = 1e-12;
  for (let j = 0; j < M; j++) peak = Math.max(peak, Math.abs(values[j]));
  return nl.viz.gridRows(Array.from({ length: M }, (_, j) => values[j] / peak), G);
};
const gradientPanel = (title: string, values: ArrayLike<number>) => {
  const figure = nl.viz.heatmapFigure(scaled(values), { colorscale: 'RdBu', zmin: -1, zmax: 1, zTitle: 'share of peak' });
  figure.data.push(nl.viz.pathMarkers(maps.paths, G));
  return { title, figure };
};
nl.show(nl.viz.panelsFigure([
  gradientPanel('relaxed BF (L1): gradient', relaxedGradient),
  gradientPanel('relaxed BF: NL-Fisher, λ = 1', relaxedNewtonDirection),
  gradientPanel(`PO + FY (S = ${poSamples}): gradient y − ŷ`, poGradient),
  gradientPanel('PO + FY: NL-Hessian, λ = 1', poNewton),
], { columns: 2, height: 800, title: 'update direction on map 0 (white: true path)' }));

// %% [markdown]
// What to see: the original gradients act on few cells — the relaxed Bellman-Ford gradient
// concentrates where the soft path and the true path disagree; the Fenchel-Young gradient is
// `y − ŷ`: positive (cheaper) along the true path, negative (dearer) along the predicted paths.
// The Newton losses keep that pattern but re-weight it by the curvature, and spread small
// corrections to neighbouring cells: the Fisher variant damps the directions that vary most
// across the batch; the Hessian variant of the perturbed optimizer divides by how strongly the
// solver's use of the cells reacts to their costs.
