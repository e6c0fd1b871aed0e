/**
 * Checks at the public boundary of the sorting relaxations: every error names the function, the
 * argument and what was expected.
 */
import * as tf from '@tensorflow/tfjs';

/** Scores or targets `[B, n]` with B ≥ 1 and n ≥ 2, all finite (one read of the values). */
export function assertBatchOfVectors(where: string, name: string, value: unknown): asserts value is tf.Tensor2D {
  if (!(value instanceof tf.Tensor)) {
    throw new Error(`${where}: ${name} must be a tf.Tensor2D [B, n], got ${describe(value)}`);
  }
  if (value.rank !== 2) {
    throw new Error(`${where}: ${name} must have rank 2 [B, n], got shape [${value.shape.join(', ')}]`);
  }
  const [batch, n] = value.shape;
  if (batch < 1) throw new Error(`${where}: ${name} must hold at least one row (B ≥ 1), got shape [${value.shape.join(', ')}]`);
  if (n < 2) throw new Error(`${where}: ${name} must have n ≥ 2 entries per row to sort, got n = ${n}`);
  assertFinite(where, name, value);
}

/** Every entry finite: NaN or ±Infinity is an error naming the first bad entry. */
export function assertFinite(where: string, name: string, value: tf.Tensor): void {
  const data = value.dataSync();
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const columns = value.shape[value.rank - 1] ?? 1;
      const at = value.rank === 2 ? `${name}[${Math.floor(k / columns)}][${k % columns}]` : `flat index ${k} of ${name}`;
      throw new Error(`${where}: ${name} must be finite, got ${data[k]} at ${at}`);
    }
  }
}

/** A finite number > 0. */
export function assertPositive(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${name} must be a finite number > 0, got ${describe(value)}`);
  }
}

/** One of `choices`. */
export function assertOneOf<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new Error(`${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
}

/** A float32 tensor (relaxations are differentiated; integer tensors have no gradient). */
export function assertFloat(where: string, name: string, value: tf.Tensor): void {
  if (value.dtype !== 'float32') throw new Error(`${where}: ${name} must have dtype float32, got ${value.dtype}`);
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'an array';
  return String(value);
}
