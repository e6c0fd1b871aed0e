/**
 * Small dense linear algebra in float64 on typed arrays, for the m × m (or N × N) systems of a
 * Newton step. Matrices are row-major `Float64Array`s; a block of k right-hand sides is k rows of
 * length m (k × m), so each row is solved independently.
 */
import { assertFinite } from '../runtime/checks';

/**
 * Cholesky factor of a symmetric matrix A [m, m]: the lower-triangular L with A = L Lᵀ.
 * Returns null when a pivot falls to `minPivot` or below (A not positive definite to that margin)
 * or is not finite.
 */
export function choleskyFactor(a: Float64Array, m: number, minPivot = 0): Float64Array | null {
  const l = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let pivot = a[j * m + j];
    for (let k = 0; k < j; k++) pivot -= l[j * m + k] * l[j * m + k];
    if (!(pivot > minPivot) || !Number.isFinite(pivot)) return null;
    const diagonal = Math.sqrt(pivot);
    l[j * m + j] = diagonal;
    for (let i = j + 1; i < m; i++) {
      let sum = a[i * m + j];
      for (let k = 0; k < j; k++) sum -= l[i * m + k] * l[j * m + k];
      l[i * m + j] = sum / diagonal;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b in place for every row b of `rows` (k × m), given the Cholesky factor L. */
export function choleskySolveRows(l: Float64Array, m: number, rows: Float64Array): void {
  for (let offset = 0; offset < rows.length; offset += m) {
    for (let i = 0; i < m; i++) {
      let sum = rows[offset + i];
      for (let k = 0; k < i; k++) sum -= l[i * m + k] * rows[offset + k];
      rows[offset + i] = sum / l[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let sum = rows[offset + i];
      for (let k = i + 1; k < m; k++) sum -= l[k * m + i] * rows[offset + k];
      rows[offset + i] = sum / l[i * m + i];
    }
  }
}

/** Eigen-decomposition A = V diag(values) Vᵀ of a symmetric matrix; `vectors` holds V row-major. */
export interface SymmetricEigen {
  values: Float64Array;
  /** V [m, m], row-major: column j (entries vectors[i * m + j]) is the eigenvector of values[j]. */
  vectors: Float64Array;
}

/**
 * Symmetric eigen-decomposition by cyclic Jacobi rotations (Golub & Van Loan §8.5): each rotation
 * zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass is below 1e-15 of the
 * Frobenius norm. Accurate to machine precision for the small m here; `a` is not modified (its
 * upper triangle is read).
 */
export function symmetricEigen(a: Float64Array, m: number): SymmetricEigen {
  if (!Number.isInteger(m) || m < 1 || a.length !== m * m) {
    throw new Error(`symmetricEigen: a must hold an m × m matrix (m = ${m}: length ${m * m}), got length ${a.length}`);
  }
  assertFinite('symmetricEigen', 'a', a, [m, m]);
  const w = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) w[i * m + j] = w[j * m + i] = a[i * m + j];
  }
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  let total = 0;
  for (let i = 0; i < m * m; i++) total += w[i] * w[i];
  const tolerance = 1e-30 * total;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += 2 * w[p * m + q] * w[p * m + q];
    if (off <= tolerance) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = w[p * m + q];
        if (apq === 0) continue;
        const theta = (w[q * m + q] - w[p * m + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(w, v, m, p, q, c, s);
      }
    }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = w[i * m + i];
  return { values, vectors: v };
}

/** Applies the Jacobi rotation J(p, q, c, s): W ← Jᵀ W J, V ← V J. */
function rotate(w: Float64Array, v: Float64Array, m: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < m; k++) {
    const wkp = w[k * m + p];
    const wkq = w[k * m + q];
    w[k * m + p] = c * wkp - s * wkq;
    w[k * m + q] = s * wkp + c * wkq;
  }
  for (let k = 0; k < m; k++) {
    const wpk = w[p * m + k];
    const wqk = w[q * m + k];
    w[p * m + k] = c * wpk - s * wqk;
    w[q * m + k] = s * wpk + c * wqk;
  }
  for (let k = 0; k < m; k++) {
    const vkp = v[k * m + p];
    const vkq = v[k * m + q];
    v[k * m + p] = c * vkp - s * vkq;
    v[k * m + q] = s * vkp + c * vkq;
  }
}
