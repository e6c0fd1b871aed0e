// %% [markdown]
// # 00 · Runtime: backend, speed, and one picture of a Newton step
//
// Before the experiments, this notebook checks the machine: which TensorFlow.js backend runs the
// code, how long one training step of the paper's four-digit ranking CNN takes here, and — as a
// first look at the paper's idea — how gradient descent and a regularised Newton step move on the
// same 2-D loss surface.
//
// Every notebook starts with the same line: it picks the backend (`tfjs-node-gpu` > `tfjs-node` >
// `wasm` > `cpu`, or `NEWTON_LOSSES_BACKEND`), reads the preset (`NEWTON_LOSSES_PRESET`: `smoke`,
// `quick` — the default — or `paper`) and loads plotly for the figures.

// %%
import * as tf from '@tensorflow/tfjs';
import * as nl from './src/notebook';
const nb = await nl.setupNotebook();

// %% [markdown]
// ## The backend
// `initBackend` reports what actually registered, not what was asked for. Without the optional
// native packages the project runs on `wasm` (XNNPACK kernels, SIMD, one thread in Node), with the
// project's own conv2d gradient kernels and second-derivative fixes installed on top.

// %%
nl.table([{ ...nb.backend, skipped: nb.backend.skipped.map((s) => `${s.source}: ${s.reason}`).join('; ') || 'none' }]);

// %% [markdown]
// ## One training step
// The ranking benchmark's step: the four-digit CNN scores every item of a batch of sets, NeuralSort
// relaxes the ranking, and one Adam step follows — with the plain loss (baseline) or with the
// Hessian or Fisher Newton loss in its place. Timed here for the `quick` preset's model (width 0.5
// on 7 × 28 items) and for the paper's full-size model on 20 sets × 5 items = 100 images of 28 × 112.
// (The `smoke` preset times only its own tiny model, once.)

// %%
function msPerStep(config: nl.experiments.RankingConfig, repeats: number): number {
  const trainer = new nl.experiments.RankingTrainer(config);
  try {
    trainer.step(0); // warm-up: kernels compile, weights upload
    const started = performance.now();
    for (let k = 1; k <= repeats; k++) trainer.step(k);
    return (performance.now() - started) / repeats;
  } finally {
    trainer.dispose();
  }
}

// %%
const sizes: [string, nl.experiments.RankingPreset, number][] =
  nb.preset === 'smoke'
    ? [['smoke model', nl.experiments.RANKING_PRESETS.smoke, 1]]
    : [
        ['quick model, 32 sets × 5', nl.experiments.RANKING_PRESETS.quick, 5],
        ['paper model, 20 sets × 5', { ...nl.experiments.RANKING_PRESETS.paper, batchSize: 20 }, 2],
      ];
const defaultLambda = nl.experiments.RANKING_NEWTON_LAMBDA;
const timings = sizes.map(([label, base, repeats]) => {
  const ms = (variant: nl.experiments.RankingVariant): number => msPerStep({ ...base, variant, lambda: variant === 'baseline' ? 0 : defaultLambda[variant] }, repeats);
  const [baseline, fisher, hessian] = [ms('baseline'), ms('fisher'), ms('hessian')];
  return { model: label, baseline, fisher: fisher / baseline, hessian: hessian / baseline, images: base.batchSize * base.n };
});
nl.table(timings.map((t) => ({
  model: t.model,
  'baseline ms/step': t.baseline,
  'images/s': (1000 * t.images) / t.baseline,
  'Fisher / baseline': `${t.fisher.toFixed(2)}×`,
  'Hessian / baseline': `${t.hessian.toFixed(2)}×`,
})), `Training step on ${nb.backend.name} (NeuralSort, n = 5, Hessian λ = ${defaultLambda.hessian}, Fisher λ = ${defaultLambda.fisher})`);
nl.markdown(`What to see (this run, ${nb.preset} preset): ${timings.map((t) => `for the ${t.model} the Fisher step costs ${t.fisher.toFixed(2)}× and the Hessian step ${t.hessian.toFixed(2)}× the baseline's`).join('; ')}.`);

// %% [markdown]
// Why: the Fisher Newton loss needs only the gradient the baseline computes anyway, plus one n × n
// solve; the Hessian variant adds n Hessian-vector products through the relaxation. How much either
// adds depends on how much the CNN costs next to them: on the paper's full-size model the network
// dominates the step and both ratios come close to 1; on the small smoke and quick models the
// relaxation's share is larger. Timings of single steps on a shared machine vary by tens of percent
// between runs (`bench/ranking-step.ts` repeats them). The wasm backend uses one core; `tfjs-node`
// would use them all.

// %% [markdown]
// ## A loss surface, gradient descent vs Newton
// Take a curved valley, `f(a, b) = (1 − a)² + 5 (b − a²)²`. Gradient descent with a step size
// small enough to be stable crawls along the valley floor; the regularised Newton step
// `x ← x − (∇²f + λI)⁻¹ ∇f` uses the curvature and walks down it in a few steps. Newton losses make
// exactly this move, but in the space of the network's outputs. `nl.explore.descentPath` runs both rules from
// the same start; its Newton step is the library's (`newtonTarget` on a batch of one), whose Hessian
// comes from double backward, checked in the tests against finite differences.

// %%
/** f of each row (a, b) of Y [B, 2]: a per-sample loss, as the library's Newton step expects. */
const f: nl.PerSampleLoss = (y) => tf.tidy(() => {
  const [a, b] = tf.unstack(y, 1);
  return tf.add(tf.square(tf.sub(1, a)), tf.mul(5, tf.square(tf.sub(b, tf.square(a)))));
});
const lambda = 0.5;
const steps = nb.preset === 'smoke' ? 5 : 12;
const start = [-1.2, 1.4];
const gdPath = nl.explore.descentPath(f, start, { kind: 'gradient', learningRate: 0.04 }, steps).points;
const newtonPath = nl.explore.descentPath(f, start, { kind: 'newton', variant: 'hessian', lambda: lambda }, steps).points;

// %%
const size = nb.preset === 'smoke' ? 25 : 80;
const axisA = Array.from({ length: size }, (_, i) => -1.6 + (2.8 * i) / (size - 1));
const axisB = Array.from({ length: size }, (_, i) => -0.6 + (2.4 * i) / (size - 1));
const z = axisB.map((b) => axisA.map((a) => Math.log1p((1 - a) ** 2 + 5 * (b - a * a) ** 2)));
const surface = nl.viz.contourFigure(axisA, axisB, z, { title: 'log(1 + f): gradient descent vs regularised Newton', xTitle: 'a', yTitle: 'b', zTitle: 'log(1 + f)', height: 480 });
surface.data.push(
  { type: 'scatter', mode: 'lines+markers', name: `gradient descent (lr 0.04), ${steps} steps`, x: gdPath.map((p) => p[0]), y: gdPath.map((p) => p[1]), line: { color: '#9ecae1', width: 2.5 }, marker: { color: nl.viz.VARIANT_COLORS.baseline, size: 9, line: { color: 'white', width: 2 } } },
  { type: 'scatter', mode: 'lines+markers', name: `Newton, λ = ${lambda}, ${steps} steps`, x: newtonPath.map((p) => p[0]), y: newtonPath.map((p) => p[1]), line: { color: nl.viz.VARIANT_COLORS.hessian, width: 2 }, marker: { color: nl.viz.VARIANT_COLORS.hessian, size: 9, symbol: 'square', line: { color: 'white', width: 2 } } },
);
nl.show(surface);

// %%
const ends = [
  { method: 'gradient descent', at: gdPath[steps] },
  { method: `Newton (λ = ${lambda})`, at: newtonPath[steps] },
].map((e) => ({ ...e, f: (1 - e.at[0]) ** 2 + 5 * (e.at[1] - e.at[0] ** 2) ** 2, distance: Math.hypot(e.at[0] - 1, e.at[1] - 1) }));
nl.table(ends.map((e) => ({ method: e.method, steps: steps, 'final (a, b)': `(${e.at.map((v) => v.toFixed(2)).join(', ')})`, 'final f': e.f, 'distance to (1, 1)': e.distance })));
nl.markdown(`What to see (this run, ${steps} steps): gradient descent ends at (${ends[0].at.map((v) => v.toFixed(2)).join(', ')}), f = ${ends[0].f.toPrecision(2)}, ` +
  `${ends[0].distance.toFixed(2)} from the minimum (1, 1); the Newton path ends at (${ends[1].at.map((v) => v.toFixed(2)).join(', ')}), f = ${ends[1].f.toPrecision(2)}, ` +
  `${ends[1].distance < 0.05 ? 'at the minimum' : `${ends[1].distance.toFixed(2)} from it, still walking down the valley`}.`);

// %% [markdown]
// Gradient descent with a stable step size zigzags across the steep valley wall and creeps towards
// the floor (after 12 steps, the quick preset, it is at about (−0.66, 0.59)); the Newton steps follow
// the curvature down the valley (12 steps end within 0.02 of the minimum; the 5 steps of the smoke
// preset stop on the way, near (0.77, 0.50)). The λ term
// keeps the step finite where the Hessian is indefinite (upper left of the plot).
