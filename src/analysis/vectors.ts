/** Dot products, norms and cosines of plain number arrays (gradients and Newton directions read back from tensors). */

/** `Σ_k a_k b_k`. Throws when the lengths differ. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: a and b must have the same length, got ${a.length} and ${b.length}`);
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

/** The Euclidean norm `‖a‖ = √(aᵀa)`. */
export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** `cos(a, b) = aᵀb / (‖a‖ ‖b‖)`, in [−1, 1]; NaN when either vector is zero. Throws when the lengths differ. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? Number.NaN : dot(a, b) / denominator;
}
