/**
 * Stochastic smoothing of any function f: R^m → R^k at one point, by Monte Carlo:
 *
 *   f_sigma(theta) = E f(theta + sigma e)            ≈ (1/S) sum_s f_s,     f_s = f(theta + sigma e_s)
 *   J f_sigma(theta) = E[f(..) s(e)^T] / sigma       ≈ (1/(S sigma)) sum_s (f_s - b) s(e_s)^T      (k × m)
 *   hess f_sigma(theta) = E[f(..)(s s^T - diag nu''(e))] / sigma^2
 *                                                   ≈ (1/(S sigma^2)) sum_s (f_s - b)(s_s s_s^T - diag nu''(e_s))   (k = 1)
 *
 * with the score s and nu'' of the noise distribution (`smoothing-noise.ts`) and the baseline
 * b = f(theta) (option `baseline`) or 0; both choices are unbiased, the baseline lowers the variance.
 * f needs no derivatives: it can be a black-box solver such as Dijkstra.
 *
 * This is the direct, unbatched form (float64 loops): the reference that the batched
 * shortest-path estimators are tested against, and the tool for smoothing a small function.
 */
import { assertFinite } from '../runtime/checks';
import { resolveNoise, noiseScore, noiseCurvature, type NoiseOptions } from './smoothing-noise';

export interface SmoothingOptions extends NoiseOptions {
  /** Subtract b = f(theta) (one more evaluation) in the derivative estimates. Default false. */
  baseline?: boolean;
  /** Also estimate the Hessian (scalar f only). Default false. */
  hessian?: boolean;
}

export interface SmoothingEstimate {
  samples: number;
  /** (1/S) sum_s f_s, length k. */
  value: Float64Array;
  /** Jacobian estimate, k × m row-major (k = 1: the gradient). */
  jacobian: Float64Array;
  /** Hessian estimate m × m (symmetric), when `hessian` was asked for. */
  hessian?: Float64Array;
}

/**
 * @param f the function; it may reuse its output buffer (each result is read before the next call).
 * @param theta the point, length m.
 * @param options sigma; samples + rng, or noise `[S, m]`; distribution, antithetic, baseline, hessian.
 */
export function smoothingEstimate(
  f: (point: Float64Array) => number | ArrayLike<number>,
  theta: ArrayLike<number>,
  options: SmoothingOptions,
): SmoothingEstimate {
  const where = 'smoothingEstimate';
  const m = theta.length;
  if (m < 1) throw new Error(`${where}: theta must have at least one entry, got ${m}`);
  assertFinite(where, 'theta', theta);
  const noise = resolveNoise(options, 1, m, where);
  const { sigma, samples, distribution } = noise;
  const point = Float64Array.from(theta);
  const evaluate = (at: Float64Array): Float64Array => {
    const out = f(at);
    return typeof out === 'number' ? Float64Array.of(out) : Float64Array.from(out);
  };
  const base = options.baseline ? evaluate(point) : null;
  const k = base ? base.length : -1;
  let value: Float64Array | null = null;
  let jacobian: Float64Array | null = null;
  let hessian: Float64Array | null = null;
  const score = new Float64Array(m);
  for (let s = 0; s < samples; s++) {
    const e = noise.values.subarray(s * m, (s + 1) * m);
    for (let j = 0; j < m; j++) point[j] = theta[j] + sigma * e[j];
    const fs = evaluate(point);
    if (value === null) {
      if (k >= 0 && fs.length !== k) throw new Error(`${where}: f must return the same length at every point (${k} vs ${fs.length})`);
      value = new Float64Array(fs.length);
      jacobian = new Float64Array(fs.length * m);
      if (options.hessian) {
        if (fs.length !== 1) throw new Error(`${where}: hessian needs a scalar f, got ${fs.length} outputs`);
        hessian = new Float64Array(m * m);
      }
    } else if (fs.length !== value.length) {
      throw new Error(`${where}: f must return the same length at every point (${value.length} vs ${fs.length})`);
    }
    for (let j = 0; j < m; j++) score[j] = noiseScore(distribution, e[j]);
    for (let i = 0; i < value.length; i++) {
      value[i] += fs[i] / samples;
      const weight = (fs[i] - (base ? base[i] : 0)) / (samples * sigma);
      for (let j = 0; j < m; j++) (jacobian as Float64Array)[i * m + j] += weight * score[j];
    }
    if (hessian) {
      const weight = (fs[0] - (base ? base[0] : 0)) / (samples * sigma * sigma);
      for (let r = 0; r < m; r++) {
        const row = weight * score[r];
        for (let c = 0; c < m; c++) hessian[r * m + c] += row * score[c];
        hessian[r * m + r] -= weight * noiseCurvature(distribution, e[r]);
      }
    }
  }
  return {
    samples,
    value: value as Float64Array,
    jacobian: jacobian as Float64Array,
    ...(hessian ? { hessian } : {}),
  };
}
