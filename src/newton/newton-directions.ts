/**
 * Newton directions d_i = (M + λI)⁻¹ g_i for a batch, in float64, for every variant and curvature
 * mode, with the spectrum and fallback bookkeeping the diagnostics report. Then z*_i = y_i − d_i.
 *
 * - hessian, batch-mean:  M = mean_i H_i (or a supplied batch matrix): one m × m system.
 * - hessian, per-sample:  M_i = H_i: N systems.
 * - fisher, batch-mean:   M = F = GᵀG / N. For m ≤ N one m × m system; for m > N Woodbury,
 *     (λI + GᵀG/N)⁻¹ = (1/λ)(I − Gᵀ(NλI + GGᵀ)⁻¹G), which applied to the rows of G collapses to
 *     D = (GGᵀ/N + λI)⁻¹ G (push-through identity): one N × N system with m right-hand sides.
 * - fisher, per-sample:   M_i = g_i g_iᵀ, so by Sherman–Morrison d_i = g_i / (λ + ‖g_i‖²).
 */
import { solveShifted, SPECTRUM_SIZE_LIMIT, type ShiftedSolveReport } from './shifted-solve';
import type { CurvatureMode, IndefinitePolicy, NewtonVariant, SolveReport } from './types';

/** A batch's curvature in float64: g_i rows [N·m], and Hessians when the variant needs them. */
export interface BatchCurvature {
  n: number;
  m: number;
  /** g_i, row-major [N, m]. */
  gradients: Float64Array;
  /** l_i [N], or null when unknown. */
  losses: Float64Array | null;
  /** H_i, row-major [N, m, m] (hessian, per-sample; or averaged for batch-mean without `hessianMean`). */
  hessians?: Float64Array;
  /** M [m, m] (hessian, batch-mean). */
  hessianMean?: Float64Array;
}

export interface DirectionOptions {
  variant: NewtonVariant;
  curvature: CurvatureMode;
  lambda: number;
  indefinite: IndefinitePolicy;
  /** Exact eigenvalue range of every system (Jacobi, O(size³)); undefined: when size ≤ 32. */
  spectrum?: boolean;
}

/** Directions d_i [N·m] and the bookkeeping over all systems solved. */
export interface NewtonDirections extends SolveReport {
  directions: Float64Array;
}

export function newtonDirections(curvature: BatchCurvature, options: DirectionOptions): NewtonDirections {
  const { variant, curvature: mode } = options;
  if (variant === 'fisher') {
    return mode === 'per-sample' ? perSampleFisher(curvature, options.lambda) : batchFisher(curvature, options);
  }
  return mode === 'per-sample' ? perSampleHessian(curvature, options) : batchHessian(curvature, options);
}

function batchHessian(curvature: BatchCurvature, options: DirectionOptions): NewtonDirections {
  const { n, m, gradients } = curvature;
  const matrix = curvature.hessianMean ?? meanOfMatrices(required(curvature.hessians), n, m);
  const directions = Float64Array.from(gradients);
  const report = solveShifted(matrix, m, options.lambda, directions, options.indefinite, wantsSpectrum(options, m));
  return collect(directions, [report]);
}

function perSampleHessian(curvature: BatchCurvature, options: DirectionOptions): NewtonDirections {
  const { n, m, gradients } = curvature;
  const hessians = required(curvature.hessians);
  const directions = Float64Array.from(gradients);
  const spectrum = wantsSpectrum(options, m);
  const reports: ShiftedSolveReport[] = [];
  for (let i = 0; i < n; i++) {
    const matrix = hessians.subarray(i * m * m, (i + 1) * m * m);
    reports.push(solveShifted(matrix, m, options.lambda, directions.subarray(i * m, (i + 1) * m), options.indefinite, spectrum));
  }
  return collect(directions, reports);
}

function batchFisher(curvature: BatchCurvature, options: DirectionOptions): NewtonDirections {
  const { n, m, gradients } = curvature;
  if (m <= n) {
    const fisher = gram(gradients, n, m, 'columns');
    const directions = Float64Array.from(gradients);
    const report = solveShifted(fisher, m, options.lambda, directions, options.indefinite, wantsSpectrum(options, m));
    return collect(directions, [report]);
  }
  // Woodbury / push-through: solve (GGᵀ/N + λI) D = G column by column (the rows of Gᵀ).
  const kernel = gram(gradients, n, m, 'rows');
  const columns = transpose(gradients, n, m);
  const report = solveShifted(kernel, n, options.lambda, columns, options.indefinite, wantsSpectrum(options, n));
  // F + λI also has the eigenvalue λ on the (m − N)-dimensional null space of G.
  const withNullSpace: ShiftedSolveReport = {
    ...report,
    eigenvalueMin: Math.min(report.eigenvalueMin, options.lambda),
    smallestMagnitude: Math.min(report.smallestMagnitude, options.lambda),
  };
  return collect(transpose(columns, m, n), [withNullSpace]);
}

/** Sherman–Morrison for M_i = g_i g_iᵀ: d_i = g_i / (λ + ‖g_i‖²); eigenvalues λ and λ + ‖g_i‖². */
function perSampleFisher(curvature: BatchCurvature, lambda: number): NewtonDirections {
  const { n, m, gradients } = curvature;
  const directions = new Float64Array(n * m);
  const reports: ShiftedSolveReport[] = [];
  for (let i = 0; i < n; i++) {
    let squaredNorm = 0;
    for (let k = 0; k < m; k++) squaredNorm += gradients[i * m + k] ** 2;
    for (let k = 0; k < m; k++) directions[i * m + k] = gradients[i * m + k] / (lambda + squaredNorm);
    const top = lambda + squaredNorm;
    const bottom = m > 1 ? lambda : top;
    reports.push({ eigenvalueMin: bottom, eigenvalueMax: top, smallestMagnitude: bottom, positiveDefinite: true, changedEigenvalues: false });
  }
  return collect(directions, reports);
}

function wantsSpectrum(options: DirectionOptions, size: number): boolean {
  return options.spectrum ?? size <= SPECTRUM_SIZE_LIMIT;
}

function collect(directions: Float64Array, reports: ShiftedSolveReport[]): NewtonDirections {
  let eigenvalueMin = Infinity;
  let eigenvalueMax = -Infinity;
  let conditionNumber = 0;
  let fallbacks = 0;
  let eigenSolves = 0;
  for (const r of reports) {
    eigenvalueMin = Math.min(eigenvalueMin, r.eigenvalueMin);
    eigenvalueMax = Math.max(eigenvalueMax, r.eigenvalueMax);
    const largest = Math.max(Math.abs(r.eigenvalueMin), Math.abs(r.eigenvalueMax));
    conditionNumber = Math.max(conditionNumber, largest / r.smallestMagnitude);
    if (r.changedEigenvalues) fallbacks++;
    if (!r.positiveDefinite) eigenSolves++;
  }
  // A spectrum that was not computed (NaN) stays NaN through Math.min / Math.max.
  return { directions, eigenvalueMin, eigenvalueMax, conditionNumber, fallbacks, eigenSolves, systems: reports.length };
}

/** mean_i A_i of N row-major m × m matrices. */
function meanOfMatrices(matrices: Float64Array, n: number, m: number): Float64Array {
  const mean = new Float64Array(m * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < m * m; k++) mean[k] += matrices[i * m * m + k];
  for (let k = 0; k < m * m; k++) mean[k] /= n;
  return mean;
}

/** GᵀG / N ('columns', m × m) or GGᵀ / N ('rows', N × N) of G [N, m]. */
function gram(g: Float64Array, n: number, m: number, of: 'columns' | 'rows'): Float64Array {
  const size = of === 'columns' ? m : n;
  const out = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let b = a; b < size; b++) {
      let sum = 0;
      if (of === 'columns') for (let i = 0; i < n; i++) sum += g[i * m + a] * g[i * m + b];
      else for (let k = 0; k < m; k++) sum += g[a * m + k] * g[b * m + k];
      out[a * size + b] = out[b * size + a] = sum / n;
    }
  }
  return out;
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

function required(hessians: Float64Array | undefined): Float64Array {
  if (!hessians) throw new Error('newtonDirections: the hessian variant needs per-sample Hessians or a batch matrix');
  return hessians;
}
