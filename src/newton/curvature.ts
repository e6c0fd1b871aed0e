/**
 * Curvature of a per-sample loss by automatic differentiation.
 *
 * The per-sample assumption: sample i's loss l_i depends on row y_i of Y only. Then the batch sum
 * S(Y) = Σ_i l_i(y_i) has a block-diagonal Hessian (∂²S/∂y_i∂y_k = 0 for i ≠ k), so
 * - one backward pass of S gives every g_i = ∇ l_i(y_i) as row i of ∇_Y S, and
 * - one Hessian-vector product of S with V = 1_N e_jᵀ (every row e_j) gives H_i e_j as row i, so
 *   m double-backward passes give all N per-sample Hessians H_i [m, m] (not N·m passes).
 * `assertPerSampleLoss` checks the assumption on probes; a loss with batch statistics breaks it.
 *
 * Double backward is correct for exp / sigmoid / tanh / softmax only with the project's
 * second-order gradients installed (`initBackend` does it).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { assertFinite } from '../runtime/checks';
import { readOutputs } from './validation';
import type { PerSampleLoss } from './types';
import { withoutEnclosingTape } from './without-enclosing-tape';

/** Losses l_i [N] and gradients g_i [N·m] in float64, from one backward pass. */
export interface LossesAndGradients {
  losses: Float64Array;
  gradients: Float64Array;
}

/**
 * g_i = ∇ l_i(y_i) for every sample, as rows of ∇_Y Σ_i l_i(y_i): one backward pass.
 * @param y outputs [N, m]; @param lossPerSample Y ↦ [N]. @returns G [N, m].
 */
export function perSampleGradients(y: tf.Tensor2D, lossPerSample: PerSampleLoss): tf.Tensor2D {
  readOutputs(y, 'perSampleGradients');
  const [n, m] = y.shape;
  const { gradients } = lossesAndGradients(y, lossPerSample, 'perSampleGradients');
  return tf.tensor2d(Float32Array.from(gradients), [n, m]);
}

/**
 * Exact per-sample Hessians H_i = ∇² l_i(y_i) by m Hessian-vector products on the whole batch
 * (see the module comment). Entries are float32 autodiff values, not symmetrised.
 * @returns H [N, m, m] with H[i][k][j] = ∂² l_i / ∂y_ik ∂y_ij.
 */
export function perSampleHessians(y: tf.Tensor2D, lossPerSample: PerSampleLoss): tf.Tensor3D {
  readOutputs(y, 'perSampleHessians');
  const [n, m] = y.shape;
  return tf.tensor3d(Float32Array.from(hessiansByColumns(y, lossPerSample, 'perSampleHessians')), [n, m, m]);
}

/** Hbar = mean_i H_i [m, m], the Hessian variant's batch curvature (m Hessian-vector products). */
export function meanHessian(y: tf.Tensor2D, lossPerSample: PerSampleLoss): tf.Tensor2D {
  readOutputs(y, 'meanHessian');
  const [n, m] = y.shape;
  const hessians = hessiansByColumns(y, lossPerSample, 'meanHessian');
  const mean = new Float32Array(m * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < m * m; k++) mean[k] += hessians[i * m * m + k] / n;
  return tf.tensor2d(mean, [m, m]);
}

/** Empirical Fisher F = mean_i g_i g_iᵀ = GᵀG / N [m, m] of per-sample gradients G [N, m]. */
export function empiricalFisher(gradients: tf.Tensor2D): tf.Tensor2D {
  if (!(gradients instanceof tf.Tensor) || gradients.rank !== 2) {
    throw new Error(`empiricalFisher: gradients must be a tensor of shape [N, m], got ${String(gradients)}`);
  }
  return tf.tidy(() => tf.div(tf.matMul(gradients, gradients, true, false), gradients.shape[0]));
}

/** l_i and g_i in float64 from one backward pass of Σ_i l_i; checks the loss's shape and values. */
export function lossesAndGradients(y: tf.Tensor2D, lossPerSample: PerSampleLoss, caller: string): LossesAndGradients {
  const n = y.shape[0];
  let losses = new Float64Array(0);
  const gradient = tf.grad((w: tf.Tensor) => {
    const l = callLoss(lossPerSample, w as tf.Tensor2D, n, caller);
    losses = Float64Array.from(l.dataSync());
    return tf.sum(l);
  });
  const gradients = readAndDispose(tf.tidy(() => gradient(y)));
  assertFinite(caller, 'lossPerSample(y)', losses);
  assertFinite(caller, 'the gradient of lossPerSample', gradients);
  return { losses, gradients };
}

/**
 * All H_i, row-major [N, m, m] in float64, from m Hessian-vector products: product j is
 * ∇_Y Σ_i ⟨g_i(Y), e_j⟩, whose row i is H_i e_j (column j of H_i). Runs off any enclosing
 * gradient tape (the result is plain numbers): recorded on one, the m products' intermediates
 * stay alive until that tape's backward pass (for a 12 × 12 relaxed Bellman-Ford, enough to fill
 * the 4 GiB wasm heap).
 */
export function hessiansByColumns(y: tf.Tensor2D, lossPerSample: PerSampleLoss, caller: string): Float64Array {
  return withoutEnclosingTape(() => hessiansByColumnsOnOwnTape(y, lossPerSample, caller));
}

function hessiansByColumnsOnOwnTape(y: tf.Tensor2D, lossPerSample: PerSampleLoss, caller: string): Float64Array {
  const [n, m] = y.shape;
  const hessians = new Float64Array(n * m * m);
  const gradient = tf.grad((w: tf.Tensor) => tf.sum(callLoss(lossPerSample, w as tf.Tensor2D, n, caller)));
  for (let j = 0; j < m; j++) {
    const column = readAndDispose(
      tf.tidy(() => {
        const direction = tf.oneHot(tf.tensor1d([j], 'int32'), m).toFloat();
        const directional = (w: tf.Tensor): tf.Scalar => tf.sum(tf.mul(gradient(w), direction));
        return tf.grad(directional)(y);
      }),
    );
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) hessians[(i * m + k) * m + j] = column[i * m + k];
  }
  assertFinite(caller, 'the Hessian of lossPerSample', hessians);
  return hessians;
}

/**
 * Checks the per-sample assumption on probes: perturbing a subset S of rows (the even rows, the
 * odd rows, then two random halves) must leave l_i and g_i of every row outside S unchanged (to
 * `tolerance`, relative to the largest |l| and |g|). Throws an Error naming the coupled sample.
 *
 * @param seed seeds the probes (default 0); @param tolerance default 1e-5 (float32).
 */
export function assertPerSampleLoss(
  y: tf.Tensor2D,
  lossPerSample: PerSampleLoss,
  { seed = 0, tolerance = 1e-5 }: { seed?: number; tolerance?: number } = {},
): void {
  const caller = 'assertPerSampleLoss';
  const values = readOutputs(y, caller);
  const [n, m] = y.shape;
  if (n < 2) return;
  const base = lossesAndGradients(y, lossPerSample, caller);
  const rng = new Rng(seed).fork('per-sample-probe');
  const subsets = [(i: number) => i % 2 === 0, (i: number) => i % 2 === 1];
  for (let probe = 0; probe < 2; probe++) {
    const half = new Set(rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.ceil(n / 2)));
    subsets.push((i: number) => half.has(i));
  }
  const lossScale = Math.max(1e-12, maxAbs(base.losses));
  const gradientScale = Math.max(1e-12, maxAbs(base.gradients));
  for (const inSubset of subsets) {
    const perturbed = Float32Array.from(values);
    for (let i = 0; i < n; i++) {
      if (!inSubset(i)) continue;
      for (let k = 0; k < m; k++) perturbed[i * m + k] += 0.5 * rng.normal() * (1 + Math.abs(values[i * m + k]));
    }
    const probeY = tf.tensor2d(perturbed, [n, m]);
    const probe = lossesAndGradients(probeY, lossPerSample, caller);
    probeY.dispose();
    for (let i = 0; i < n; i++) {
      if (inSubset(i)) continue;
      const lossChange = Math.abs(probe.losses[i] - base.losses[i]);
      let gradientChange = 0;
      for (let k = 0; k < m; k++) gradientChange = Math.max(gradientChange, Math.abs(probe.gradients[i * m + k] - base.gradients[i * m + k]));
      if (lossChange > tolerance * lossScale || gradientChange > tolerance * gradientScale) {
        throw new Error(
          `${caller}: lossPerSample is not per-sample: sample ${i}'s loss changed by ${lossChange.toExponential(2)} ` +
            `and its gradient by ${gradientChange.toExponential(2)} when only other rows of y changed ` +
            `(batch statistics?); batched per-sample Hessians and gradients would be wrong`,
        );
      }
    }
  }
}

/** Calls the loss and checks that it returns a tensor of shape [N]. */
function callLoss(lossPerSample: PerSampleLoss, y: tf.Tensor2D, n: number, caller: string): tf.Tensor1D {
  if (typeof lossPerSample !== 'function') {
    throw new Error(`${caller}: lossPerSample must be a function (y: Tensor2D [N, m]) => Tensor1D [N], got ${typeof lossPerSample}`);
  }
  const l = lossPerSample(y);
  if (!(l instanceof tf.Tensor) || l.rank !== 1 || l.shape[0] !== n) {
    const got = l instanceof tf.Tensor ? `shape [${l.shape.join(', ')}]` : typeof l;
    throw new Error(`${caller}: lossPerSample(y) must return a tensor of shape [N] = [${n}], got ${got}`);
  }
  return l;
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max;
}

function readAndDispose(t: tf.Tensor): Float64Array {
  const values = Float64Array.from(t.dataSync());
  t.dispose();
  return values;
}
