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

/** `count` ≥ 2 evenly spaced numbers from `from` to `to`, both included (an axis to sweep or a grid side). Throws on a count below 2. */
export function linspace(from: number, to: number, count: number): number[] {
  if (!(Number.isInteger(count) && count >= 2)) throw new Error(`linspace: count must be an integer >= 2, got ${count}`);
  return Array.from({ length: count }, (_, k) => (k === count - 1 ? to : from + ((to - from) * k) / (count - 1)));
}
