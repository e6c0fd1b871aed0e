/**
 * Argument checks at the public boundary of the Newton-loss API. Every error names the function,
 * the argument and the expected value.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertOneOf, assertPositive } from '../runtime/checks';
import {
  CURVATURE_MODES,
  INDEFINITE_POLICIES,
  NEWTON_VARIANTS,
  type CurvatureMode,
  type IndefinitePolicy,
  type NewtonOptions,
  type NewtonVariant,
} from './types';

/** Options with defaults filled in. */
export interface ResolvedNewtonOptions {
  variant: NewtonVariant;
  lambda: number;
  curvature: CurvatureMode;
  indefinite: IndefinitePolicy;
  checkPerSample: boolean;
  spectrum: boolean | undefined;
}

const OPTION_KEYS: readonly string[] = ['variant', 'lambda', 'curvature', 'indefinite', 'checkPerSample', 'spectrum'];

/** Checks `options` and fills in the defaults (curvature 'batch-mean', indefinite 'invert'). */
export function resolveNewtonOptions(options: NewtonOptions, caller: string): ResolvedNewtonOptions {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`${caller}: options must be an object { variant, lambda, curvature?, indefinite? }, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new Error(`${caller}: unknown option '${key}'; expected one of ${OPTION_KEYS.join(', ')}`);
    }
  }
  const { variant, lambda } = options;
  const curvature = options.curvature ?? 'batch-mean';
  const indefinite = options.indefinite ?? 'invert';
  assertOneOf(caller, 'options.variant', variant, NEWTON_VARIANTS);
  assertPositive(caller, 'options.lambda', lambda);
  assertOneOf(caller, 'options.curvature', curvature, CURVATURE_MODES);
  assertOneOf(caller, 'options.indefinite', indefinite, INDEFINITE_POLICIES);
  return {
    variant,
    lambda,
    curvature,
    indefinite,
    checkPerSample: optionalBoolean(options.checkPerSample, `${caller}: options.checkPerSample`) ?? false,
    spectrum: optionalBoolean(options.spectrum, `${caller}: options.spectrum`),
  };
}

/**
 * Checks that `y` is a finite float32 tensor [N, m] with N, m ≥ 1 and returns its values.
 */
export function readOutputs(y: unknown, caller: string): Float32Array {
  if (!(y instanceof tf.Tensor) || y.rank !== 2 || y.dtype !== 'float32' || y.size === 0) {
    const got = y instanceof tf.Tensor ? `${y.dtype} tensor of shape [${y.shape.join(', ')}]` : typeof y;
    throw new Error(`${caller}: y must be a non-empty float32 tensor of shape [N, m], got ${got}`);
  }
  const values = y.dataSync() as Float32Array;
  assertFinite(caller, 'y', values, y.shape);
  return values;
}

/**
 * Reads a tensor or nested array of the expected shape into float64, checking shape and finiteness.
 */
export function readArray(value: tf.Tensor | Float64Array | number[] | number[][] | number[][][], shape: number[], caller: string, name: string): Float64Array {
  const what = `${caller}: ${name}`;
  if (value instanceof Float64Array) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (value.length !== size) throw new Error(`${what} must hold ${size} entries (shape [${shape.join(', ')}], row-major), got ${value.length}`);
    assertFinite(caller, name, value, shape);
    return value;
  }
  if (value instanceof tf.Tensor) {
    if (!sameShape(value.shape, shape)) {
      throw new Error(`${what} must have shape [${shape.join(', ')}], got [${value.shape.join(', ')}]`);
    }
    const out = Float64Array.from(value.dataSync());
    assertFinite(caller, name, out, shape);
    return out;
  }
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  const visit = (node: unknown, depth: number, path: string): void => {
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : typeof node;
      throw new Error(`${what}${path} must be an array of length ${shape[depth]} (shape [${shape.join(', ')}]), got ${got}`);
    }
    for (let i = 0; i < node.length; i++) {
      if (depth + 1 < shape.length) {
        visit(node[i], depth + 1, `${path}[${i}]`);
      } else {
        const x = node[i];
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${what}${path}[${i}] must be a finite number, got ${String(x)}`);
        out[offset++] = x;
      }
    }
  };
  visit(value, 0, '');
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value; // two checks: TS 5.0 without strict (tslab) cannot narrow the union
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
}
