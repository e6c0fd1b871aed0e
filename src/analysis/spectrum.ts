/**
 * Eigen-spectra of small symmetric matrices, for reading curvature (a batch-mean Hessian, an
 * empirical Fisher) in notebooks and reports; the decomposition is `symmetricEigen` (Jacobi).
 */
import { symmetricEigen } from '../newton/linear-algebra';

/** Ascending eigenvalues of a symmetric m × m matrix and their unit eigenvectors (`vectors[k]` belongs to `values[k]`). */
export interface Spectrum {
  values: number[];
  vectors: number[][];
}

/**
 * The spectrum of the symmetric m × m matrix `matrix` (row-major, m² entries; its upper triangle is
 * read), eigenvalues in ascending order. Throws when `m` is not a positive integer or the entry
 * count is not m², naming the argument.
 */
export function spectrum(matrix: ArrayLike<number>, m: number): Spectrum {
  checkMatrix('spectrum', matrix, m);
  const { values, vectors } = symmetricEigen(Float64Array.from(matrix), m);
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  return {
    values: order.map((k) => values[k]),
    vectors: order.map((k) => Array.from({ length: m }, (_, i) => vectors[i * m + k])),
  };
}

/**
 * A function of a symmetric matrix applied to rows: each row b (m entries) of `rows` ↦
 * `V diag(f(μ)) Vᵀ b`, with (μ, V) the eigenpairs of `matrix` (m × m, row-major). E.g.
 * `f = μ ↦ 1 / (μ + λ)` solves `(M + λI) d = b` row by row; `f = μ ↦ μ > ε ? 1 / μ : 0` applies the
 * pseudo-inverse. `rows` holds N·m numbers ([N, m] row-major); returns the same shape.
 * Throws when the sizes do not fit, naming the argument.
 */
export function spectralApply(matrix: ArrayLike<number>, m: number, f: (mu: number) => number, rows: ArrayLike<number>): Float64Array {
  checkMatrix('spectralApply', matrix, m);
  if (rows.length % m !== 0) throw new Error(`spectralApply: rows must hold a multiple of m = ${m} numbers, got ${rows.length}`);
  const { values, vectors } = spectrum(matrix, m);
  const scales = values.map(f);
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length / m; r++) {
    values.forEach((_, k) => {
      let projection = 0;
      for (let i = 0; i < m; i++) projection += vectors[k][i] * rows[r * m + i];
      for (let i = 0; i < m; i++) out[r * m + i] += scales[k] * projection * vectors[k][i];
    });
  }
  return out;
}

function checkMatrix(caller: string, matrix: ArrayLike<number>, m: number): void {
  if (!(Number.isInteger(m) && m >= 1)) throw new Error(`${caller}: m must be a positive integer, got ${m}`);
  if (matrix.length !== m * m) throw new Error(`${caller}: matrix must hold m² = ${m * m} entries, got ${matrix.length}`);
}
