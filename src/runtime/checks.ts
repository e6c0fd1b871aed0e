/**
 * Argument checks at the public boundary, shared by the Newton losses and the relaxations. Every
 * error names the function (`where`), the argument and what was expected, and quotes the value.
 *
 * Reading a tensor's values to check them costs a GPU/wasm → CPU copy. Public functions check
 * their tensors once per call; inside `withInputsChecked` (the Newton step's curvature evaluations:
 * m Hessian-vector products of a loss at outputs the step has checked once) those reads are off.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A value as an error message quotes it: `'text'` quoted, a tensor by its shape, an array by its
 * first 8 entries (`an array [1, 2, …]`), a function or an object by its kind, a number as typed.
 */
export function describeValue(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `an array ${arrayText(value)}`;
  return scalarText(value);
}

function arrayText(values: readonly unknown[]): string {
  const shown = values.slice(0, 8).map((v) => (Array.isArray(v) ? arrayText(v) : scalarText(v))).join(', ');
  return `[${shown}${values.length > 8 ? ', …' : ''}]`;
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** A finite number. */
export function assertFiniteNumber(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: ${name} must be a finite number, got ${describeValue(value)}`);
  }
}

/** A finite number > 0. */
export function assertPositive(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${name} must be a finite number > 0, got ${describeValue(value)}`);
  }
}

/** A finite number ≥ `minimum`. */
export function assertAtLeast(where: string, name: string, value: unknown, minimum: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
    throw new Error(`${where}: ${name} must be a finite number ≥ ${minimum}, got ${describeValue(value)}`);
  }
}

/** An integer ≥ `minimum` (and ≤ `maximum` when given). */
export function assertInteger(where: string, name: string, value: unknown, minimum: number, maximum = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `≥ ${minimum}` : `in [${minimum}, ${maximum}]`;
    throw new Error(`${where}: ${name} must be an integer ${range}, got ${describeValue(value)}`);
  }
}

/** A function. */
export function assertFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function') throw new Error(`${where}: ${name} must be a function, got ${describeValue(value)}`);
}

/** One of `choices`. */
export function assertOneOf<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new Error(`${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(value)}`);
  }
}

/**
 * Every entry finite: NaN or ±Infinity is an error naming the first bad entry by its index in
 * `shape` (row-major; a flat index without a shape), e.g. `scores must be finite, got NaN at scores[0][1]`.
 */
export function assertFinite(where: string, name: string, values: ArrayLike<number>, shape: readonly number[] = [values.length]): void {
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new Error(`${where}: ${name} must be finite, got ${values[k]} at ${name}${indexIn(k, shape)}`);
    }
  }
}

/** A non-empty array of finite numbers, of `length` when given. */
export function assertFiniteArray(where: string, name: string, value: unknown, length?: number): asserts value is number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${where}: ${name} must be a non-empty array of finite numbers, got ${describeValue(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new Error(`${where}: ${name} must have ${length} entries, got ${value.length} (${describeValue(value)})`);
  }
  value.forEach((entry, k) => {
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      throw new Error(`${where}: ${name}[${k}] must be a finite number, got ${describeValue(entry)}`);
    }
  });
}

let inputsChecked = 0;

/**
 * Runs `f` with the finiteness checks of tensors (`assertFiniteTensor`) off: for a caller that has
 * checked the inputs of everything `f` evaluates, and evaluates it many times.
 */
export function withInputsChecked<T>(f: () => T): T {
  inputsChecked += 1;
  try {
    return f();
  } finally {
    inputsChecked -= 1;
  }
}

/** `assertFinite` on a tensor's values (one read back to the CPU; none inside `withInputsChecked`). */
export function assertFiniteTensor(where: string, name: string, value: tf.Tensor): void {
  if (inputsChecked > 0) return;
  assertFinite(where, name, value.dataSync(), value.shape);
}

function indexIn(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(rest % shape[axis]);
    rest = Math.floor(rest / shape[axis]);
  }
  return index.map((i) => `[${i}]`).join('');
}

/**
 * Scores or targets `[B, n]` with B ≥ 1 and n ≥ 2 (no read back); with `finite`, also every entry
 * finite (one read back).
 */
export function assertBatchOfVectors(where: string, name: string, value: unknown, finite: boolean): asserts value is tf.Tensor2D {
  if (!(value instanceof tf.Tensor)) {
    throw new Error(`${where}: ${name} must be a tf.Tensor2D [B, n], got ${describeValue(value)}`);
  }
  if (value.rank !== 2) {
    throw new Error(`${where}: ${name} must have rank 2 [B, n], got shape [${value.shape.join(', ')}]`);
  }
  const [batch, n] = value.shape;
  if (batch < 1) throw new Error(`${where}: ${name} must hold at least one row (B ≥ 1), got shape [${value.shape.join(', ')}]`);
  if (n < 2) throw new Error(`${where}: ${name} must have n ≥ 2 entries per row to sort, got n = ${n}`);
  if (finite) assertFiniteTensor(where, name, value);
}

/** A float32 tensor (what is differentiated; integer tensors have no gradient). */
export function assertFloat(where: string, name: string, value: tf.Tensor): void {
  if (value.dtype !== 'float32') throw new Error(`${where}: ${name} must have dtype float32, got ${value.dtype}`);
}
