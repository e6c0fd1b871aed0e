/**
 * Noise for stochastic smoothing and perturbed optimizers: draws, and the score terms of the
 * estimators.
 *
 * For i.i.d. noise with density mu(e) ∝ exp(-nu(e)) per coordinate and f_sigma(t) = E f(t + sigma e),
 * integration by parts gives (Petersen et al. 2024, "Generalizing stochastic smoothing"):
 *   grad f_sigma(t)    = E[f(t + sigma e) s(e)] / sigma,                 s = nu'(e)
 *   hessian f_sigma(t) = E[f(t + sigma e) (s s^T - diag(nu''(e)))] / sigma^2
 * - gaussian: nu = e^2/2, s = e, nu'' = 1 (the familiar E[f eps]/sigma, E[f (eps eps^T - I)]/sigma^2);
 * - cauchy:   nu = log(1 + e^2), s = 2e / (1 + e^2), nu'' = 2(1 - e^2) / (1 + e^2)^2. Heavy tails,
 *   but bounded scores, so the estimates have finite variance.
 * Both terms have mean zero, which is why subtracting a baseline f(t) keeps the estimates unbiased.
 */
import { assertFinite, assertInteger, assertOneOf, assertPositive } from '../runtime/checks';
import { Rng } from '../runtime/random';

export type SmoothingDistribution = 'gaussian' | 'cauchy';
export const SMOOTHING_DISTRIBUTIONS: readonly SmoothingDistribution[] = ['gaussian', 'cauchy'];

/** Where the noise of an estimator comes from, and how much of it. */
export interface NoiseOptions {
  /** Noise scale sigma > 0. */
  sigma: number;
  /** Samples S per input (drawn noise); with `noise` it must equal noise.length / (B m) when given. */
  samples?: number;
  /** Default 'gaussian'. */
  distribution?: SmoothingDistribution;
  /**
   * Draw S/2 pairs (e, -e) instead of S independent samples (S even). Default false. Lowers the
   * variance of gradient (Jacobian) estimates, whose score is odd in e; not of Hessian estimates
   * (their weight is even in e): use `baseline` there.
   */
  antithetic?: boolean;
  /** Source of the drawn noise (the project's seeded generator). */
  rng?: Rng;
  /**
   * Explicit noise `[B, S, m]` row-major (per input b, its S noise vectors of length m), used as
   * given: pins an estimator for tests. Excludes `rng` and `antithetic`.
   */
  noise?: Float32Array | Float64Array;
}

/** Validated noise: `values` `[B, S, m]`. */
export interface ResolvedNoise {
  sigma: number;
  samples: number;
  distribution: SmoothingDistribution;
  values: Float64Array;
}

/**
 * Validates `options` and returns the noise for `batch` inputs of dimension `dimension`, drawn
 * from `options.rng` (per input b, S vectors in order; antithetic: e_{2k+1} = -e_{2k}) or copied
 * from `options.noise`.
 */
export function resolveNoise(options: NoiseOptions, batch: number, dimension: number, where: string): ResolvedNoise {
  if (typeof options !== 'object' || options === null) throw new Error(`${where}: options must be an object with sigma, got ${String(options)}`);
  const { sigma, distribution = 'gaussian', antithetic = false, rng, noise } = options;
  assertPositive(where, 'sigma', sigma);
  assertOneOf(where, 'distribution', distribution, SMOOTHING_DISTRIBUTIONS);
  const perSample = batch * dimension;
  if (noise !== undefined) {
    if (rng !== undefined || antithetic) throw new Error(`${where}: pass either noise, or rng (with samples, antithetic), not both`);
    if (!(noise instanceof Float32Array || noise instanceof Float64Array) || noise.length === 0 || noise.length % perSample !== 0) {
      throw new Error(`${where}: noise must be a Float32Array/Float64Array of length S * ${batch} * ${dimension} ([B, S, m]), got length ${noise?.length}`);
    }
    const samples = noise.length / perSample;
    if (options.samples !== undefined && options.samples !== samples) {
      throw new Error(`${where}: samples = ${options.samples} but noise holds ${samples} samples per input`);
    }
    const values = Float64Array.from(noise);
    assertFinite(where, 'noise', values);
    return { sigma, samples, distribution, values };
  }
  const count = options.samples as number;
  assertInteger(where, 'samples', count, 1);
  if (!(rng instanceof Rng)) throw new Error(`${where}: rng must be an Rng (or pass explicit noise), got ${String(rng)}`);
  if (antithetic && count % 2 !== 0) throw new Error(`${where}: antithetic sampling needs an even number of samples, got ${count}`);
  return { sigma, samples: count, distribution, values: drawSmoothingNoise(rng, batch, count, dimension, distribution, antithetic) };
}

/**
 * Draws noise `[batch, samples, dimension]` row-major from `rng`: per input b, its S vectors in
 * order. Gaussian: `rng.normal()`; Cauchy: tan(pi (u - 1/2)) for uniform u. Antithetic: sample
 * 2k+1 is minus sample 2k (samples must be even).
 */
export function drawSmoothingNoise(
  rng: Rng,
  batch: number,
  samples: number,
  dimension: number,
  distribution: SmoothingDistribution = 'gaussian',
  antithetic = false,
): Float64Array {
  const where = 'drawSmoothingNoise';
  if (!(rng instanceof Rng)) throw new Error(`${where}: rng must be an Rng, got ${String(rng)}`);
  for (const [name, value] of [['batch', batch], ['samples', samples], ['dimension', dimension]] as const) assertInteger(where, name, value, 1);
  assertOneOf(where, 'distribution', distribution, SMOOTHING_DISTRIBUTIONS);
  if (antithetic && samples % 2 !== 0) throw new Error(`${where}: antithetic sampling needs an even number of samples, got ${samples}`);
  const values = new Float64Array(batch * samples * dimension);
  const draw = distribution === 'gaussian' ? () => rng.normal() : () => Math.tan(Math.PI * (rng.uniform() - 0.5));
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < samples; s++) {
      const offset = (b * samples + s) * dimension;
      if (antithetic && s % 2 === 1) {
        for (let j = 0; j < dimension; j++) values[offset + j] = -values[offset - dimension + j];
      } else {
        for (let j = 0; j < dimension; j++) values[offset + j] = draw();
      }
    }
  }
  return values;
}

/** Score s(e) = nu'(e) of one coordinate (see the file comment). */
export function noiseScore(distribution: SmoothingDistribution, e: number): number {
  return distribution === 'gaussian' ? e : (2 * e) / (1 + e * e);
}

/** nu''(e) of one coordinate: the diagonal subtracted in the Hessian weight s s^T - diag(nu''). */
export function noiseCurvature(distribution: SmoothingDistribution, e: number): number {
  if (distribution === 'gaussian') return 1;
  const q = 1 + e * e;
  return (2 * (1 - e * e)) / (q * q);
}
