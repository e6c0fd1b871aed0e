/**
 * The Tikhonov-regularised solve of a Newton step, (M + λI) x = b, in float64, robust to
 * indefinite and singular curvature M.
 *
 * With A = (M + Mᵀ)/2 + λI:
 * - fast path: when A has every eigenvalue above a margin τ (certified exactly by a Cholesky
 *   factorisation of A − τI), solve by Cholesky. τ = 1e-3·λ for policy 'invert', (1 − 1e-3)·λ for
 *   'clip' (i.e. M is positive semidefinite up to 1e-3·λ);
 * - otherwise: A = V diag(μ) Vᵀ by Jacobi and x = V diag(1/μ') Vᵀ b with
 *   'invert': μ' = μ, except μ' = λ where |μ| < 1e-3·λ (zero to working precision);
 *   'clip':   μ' = max(μ, λ) (M projected onto the positive semidefinite cone).
 * The result is always finite for finite input.
 */
import { choleskyFactor, choleskySolveRows, symmetricEigen } from './linear-algebra';
import type { IndefinitePolicy } from './types';

/** Eigenvalues of A with |μ| below this fraction of λ count as zero. */
export const SINGULAR_FRACTION = 1e-3;

/** Largest system size whose exact spectrum the diagnostics compute by default (Jacobi is O(m³)). */
export const SPECTRUM_SIZE_LIMIT = 32;

/** How one system was solved. */
export interface ShiftedSolveReport {
  /** Extreme eigenvalues of A = M + λI (NaN when the spectrum was not computed). */
  eigenvalueMin: number;
  eigenvalueMax: number;
  /** Smallest |μ| over the eigenvalues of A (NaN when not computed): the condition number's denominator. */
  smallestMagnitude: number;
  /** A passed the fast-path test (every eigenvalue above the policy's margin τ): solved by Cholesky. */
  positiveDefinite: boolean;
  /** Eigenvalues were changed by the policy (a fallback). */
  changedEigenvalues: boolean;
}

/**
 * Solves (M + λI) x = b in place for every row b of `rows` (k × m, row-major).
 *
 * @param matrix M [m, m] row-major, finite (symmetrised here).
 * @param lambda λ > 0.
 * @param spectrum compute the exact eigenvalue range for the report even on the Cholesky path.
 */
export function solveShifted(
  matrix: Float64Array,
  m: number,
  lambda: number,
  rows: Float64Array,
  policy: IndefinitePolicy,
  spectrum: boolean,
): ShiftedSolveReport {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) a[i * m + j] = 0.5 * (matrix[i * m + j] + matrix[j * m + i]);
    a[i * m + i] += lambda;
  }
  const margin = policy === 'clip' ? (1 - SINGULAR_FRACTION) * lambda : SINGULAR_FRACTION * lambda;
  const factor = aboveMargin(a, m, margin) ? choleskyFactor(a, m) : null;
  if (factor) {
    choleskySolveRows(factor, m, rows);
    const values = spectrum ? symmetricEigen(a, m).values : null;
    return { ...summarise(values), positiveDefinite: true, changedEigenvalues: false };
  }
  const { values, vectors } = symmetricEigen(a, m);
  const inverse = new Float64Array(m);
  let changedEigenvalues = false;
  for (let k = 0; k < m; k++) {
    const mu = values[k];
    const adjusted = policy === 'clip' ? Math.max(mu, lambda) : Math.abs(mu) < SINGULAR_FRACTION * lambda ? lambda : mu;
    if (adjusted !== mu) changedEigenvalues = true;
    inverse[k] = 1 / adjusted;
  }
  applyEigenInverse(vectors, inverse, m, rows);
  return { ...summarise(values), positiveDefinite: false, changedEigenvalues };
}

/** True when every eigenvalue of A exceeds `margin`, i.e. A − margin·I is positive definite. */
function aboveMargin(a: Float64Array, m: number, margin: number): boolean {
  const shifted = Float64Array.from(a);
  for (let i = 0; i < m; i++) shifted[i * m + i] -= margin;
  return choleskyFactor(shifted, m) !== null;
}

/** rows ← rows · V diag(inverse) Vᵀ (each row b becomes V diag(inverse) Vᵀ b; V diag Vᵀ is symmetric). */
function applyEigenInverse(vectors: Float64Array, inverse: Float64Array, m: number, rows: Float64Array): void {
  const coefficients = new Float64Array(m);
  for (let offset = 0; offset < rows.length; offset += m) {
    for (let k = 0; k < m; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += vectors[i * m + k] * rows[offset + i];
      coefficients[k] = dot * inverse[k];
    }
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += vectors[i * m + k] * coefficients[k];
      rows[offset + i] = sum;
    }
  }
}

function summarise(values: Float64Array | null): Pick<ShiftedSolveReport, 'eigenvalueMin' | 'eigenvalueMax' | 'smallestMagnitude'> {
  if (!values) return { eigenvalueMin: NaN, eigenvalueMax: NaN, smallestMagnitude: NaN };
  let min = Infinity;
  let max = -Infinity;
  let smallestMagnitude = Infinity;
  for (const mu of values) {
    min = Math.min(min, mu);
    max = Math.max(max, mu);
    smallestMagnitude = Math.min(smallestMagnitude, Math.abs(mu));
  }
  return { eigenvalueMin: min, eigenvalueMax: max, smallestMagnitude };
}
