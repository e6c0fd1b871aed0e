/**
 * Checks at the public boundary of `src/explore`: every error names the function, the argument and
 * quotes the value it got.
 */

/** A finite number. */
export function assertFiniteNumber(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: ${name} must be a finite number, got ${quote(value)}`);
  }
}

/** A finite number > 0. */
export function assertPositiveNumber(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${name} must be a finite number > 0, got ${quote(value)}`);
  }
}

/** An integer in [min, max]. */
export function assertIntegerIn(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${where}: ${name} must be an integer ${range}, got ${quote(value)}`);
  }
}

/** A non-empty array of finite numbers, of `length` when given. */
export function assertFiniteArray(where: string, name: string, value: unknown, length?: number): asserts value is number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${where}: ${name} must be a non-empty array of finite numbers, got ${quote(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new Error(`${where}: ${name} must have ${length} entries, got ${value.length} (${quote(value)})`);
  }
  value.forEach((entry, k) => {
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      throw new Error(`${where}: ${name}[${k}] must be a finite number, got ${quote(entry)}`);
    }
  });
}

/** A function. */
export function assertFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function') throw new Error(`${where}: ${name} must be a function, got ${quote(value)}`);
}

/** The value as it would be typed: strings quoted, arrays in brackets (at most 8 entries). */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(quote).join(', ');
    return `[${shown}${value.length > 8 ? ', …' : ''}]`;
  }
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
