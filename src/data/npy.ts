/**
 * NumPy `.npy` files (format spec: numpy.lib.format). Layout: the magic `\x93NUMPY`, a version
 * byte pair, the header length (uint16 little-endian for v1.0, uint32 for v2.0 / v3.0), then a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
 * spaces and a final '\n' so that the data starts on a multiple of 64 bytes, then the raw data.
 *
 * Written exactly as `np.save` writes it (numpy 1.x and 2.x), byte for byte: version 1.0 (2.0
 * when the header exceeds 65 535 bytes), keys sorted, and numpy's spare space of
 * 21 − digits(shape[0]) spaces after the dict. Read: versions 1.0, 2.0 and 3.0. Dtypes: uint8,
 * bool ('|b1', as 0/1 bytes), int32, int64 (BigInt64Array), float16 (held as a Float32Array:
 * widened exactly on read, rounded to nearest-even on write; the real Warcraft weights appear to
 * be float16), float32, float64; little-endian, C order. Fortran order, big-endian data and
 * structured dtypes are rejected with a clear error.
 *
 * Own implementation rather than the npm package `npyjs` (1.2.0): npyjs depends on
 * `cross-fetch` (a network client), pads headers to 8 rather than 64 bytes, and drops the byte
 * order of the dtype, so big-endian files would be misread silently.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

/** The element types read and written. */
export type NpyDtype = 'uint8' | 'bool' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64';

/** Typed array holding each dtype (`bool` as 0/1 bytes, `float16` widened to float32). */
export interface NpyDataTypes {
  uint8: Uint8Array;
  bool: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
  float16: Float32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** An n-dimensional array in C (row-major) order: `data.length` = product of `shape`. */
export interface NpyArray<D extends NpyDtype = NpyDtype> {
  dtype: D;
  shape: number[];
  data: NpyDataTypes[D];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

const DESCR: Record<NpyDtype, string> = {
  uint8: '|u1',
  bool: '|b1',
  int32: '<i4',
  int64: '<i8',
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
};

/** Accepted descr strings (a one-byte type has no byte order: '|', '<', '>' and '=' all mean the same). */
const DTYPE_OF_DESCR: Record<string, NpyDtype> = {
  '|u1': 'uint8', '<u1': 'uint8', '>u1': 'uint8', '=u1': 'uint8',
  '|b1': 'bool', '<b1': 'bool', '>b1': 'bool', '=b1': 'bool',
  '<i4': 'int32',
  '<i8': 'int64',
  '<f2': 'float16',
  '<f4': 'float32',
  '<f8': 'float64',
};

const CONSTRUCTORS = {
  uint8: Uint8Array,
  bool: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  float16: Float32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** The header bytes np.save writes for `dtype` and `shape` (magic through the final '\n'). */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const build = (lengthBytes: number): Uint8Array | null => {
    const prefix = MAGIC.length + 2 + lengthBytes;
    const padding = ARRAY_ALIGN - ((prefix + dict.length + 1) % ARRAY_ALIGN);
    const headerLength = dict.length + padding + 1;
    if (lengthBytes === 2 && headerLength > 0xffff) return null;
    const bytes = new Uint8Array(prefix + headerLength);
    bytes.set(MAGIC, 0);
    bytes[6] = lengthBytes === 2 ? 1 : 2;
    bytes[7] = 0;
    const view = new DataView(bytes.buffer);
    if (lengthBytes === 2) view.setUint16(8, headerLength, true);
    else view.setUint32(8, headerLength, true);
    for (let i = 0; i < dict.length; i++) bytes[prefix + i] = dict.charCodeAt(i);
    bytes.fill(0x20, prefix + dict.length, bytes.length - 1);
    bytes[bytes.length - 1] = 0x0a;
    return bytes;
  };
  return build(2) ?? (build(4) as Uint8Array);
}

/** The bytes of a `.npy` file holding `array`, as np.save writes them. */
export function encodeNpy(array: NpyArray): Uint8Array {
  checkArray(array);
  const header = npyHeader(array.dtype, array.shape);
  const body = storedBytes(array);
  const bytes = new Uint8Array(header.length + body.length);
  bytes.set(header, 0);
  bytes.set(body, header.length);
  return bytes;
}

/**
 * Parses `.npy` bytes; `name` names the file in errors. The data views `bytes` when it is aligned
 * for its element type (np.save aligns it to 64 bytes) and is copied otherwise. Throws on a bad magic string, an unknown version, an unsupported dtype, Fortran order,
 * a malformed header, and data shorter or longer than the shape says.
 */
export function decodeNpy(bytes: Uint8Array, name = '.npy data'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${name} is not a .npy file: it does not start with the magic string \\x93NUMPY`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3 || bytes[7] !== 0) {
    throw new Error(`${name}: .npy version ${major}.${bytes[7]} is not supported (expected 1.0, 2.0 or 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new Error(`${name} is truncated: ${bytes.length} bytes, no header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new Error(`${name} is truncated: ${bytes.length} bytes, the header alone needs ${dataStart}`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const header = Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.length).toString(
    major === 3 ? 'utf8' : 'latin1',
  );
  const { dtype, shape } = parseHeader(header, name);
  const size = shape.reduce((a, b) => a * b, 1);
  const Storage = dtype === 'float16' ? Uint16Array : CONSTRUCTORS[dtype];
  const expectedBytes = size * Storage.BYTES_PER_ELEMENT;
  const dataBytes = bytes.length - dataStart;
  if (dataBytes < expectedBytes) {
    throw new Error(`${name} is truncated: ${dataBytes} data bytes, shape (${shape.join(', ')}) of ${dtype} needs ${expectedBytes}`);
  }
  if (dataBytes > expectedBytes) {
    throw new Error(`${name} has ${dataBytes - expectedBytes} bytes beyond its shape (${shape.join(', ')}) of ${dtype}`);
  }
  const aligned = (bytes.byteOffset + dataStart) % Storage.BYTES_PER_ELEMENT === 0;
  const source = aligned ? bytes : bytes.slice(dataStart);
  const stored = new Storage(source.buffer, aligned ? bytes.byteOffset + dataStart : 0, size);
  const data = stored instanceof Uint16Array ? Float32Array.from(stored, halfToFloat) : stored;
  return { dtype, shape, data } as NpyArray;
}

/** Reads the `.npy` file at `path`; errors name the path. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read .npy file ${path}: ${(error as Error).message}`);
  }
  return decodeNpy(bytes, path);
}

/**
 * Writes `array` to `path` as np.save would. The file appears atomically (written to
 * `path.tmp-<pid>` and renamed), so a killed writer never leaves a truncated file behind. A failed
 * write (full disk, read-only folder) removes the temporary file and is an error naming `path`.
 */
export function writeNpy(path: string, array: NpyArray): void {
  checkArray(array);
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeAll(fd, npyHeader(array.dtype, array.shape));
      writeAll(fd, storedBytes(array));
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the original error says what went wrong
    }
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot write ${path}: ${code ? `${code}, ` : ''}${(error as Error).message}`);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** The data bytes as stored in the file (float16 rounded from the Float32Array). */
function storedBytes(array: NpyArray): Uint8Array {
  const stored = array.dtype === 'float16' ? Uint16Array.from(array.data as Float32Array, floatToHalf) : array.data;
  return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
}

/** IEEE half-precision bits → number (exact). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const float32Scratch = new Float32Array(1);
const float32Bits = new Uint32Array(float32Scratch.buffer);

/** number → IEEE half-precision bits, rounding the float32 value to nearest, ties to even (as numpy). */
function floatToHalf(value: number): number {
  float32Scratch[0] = value;
  const x = float32Bits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  let shift = 13;
  let base = e << 10;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    shift = 14 - e;
    base = 0;
  }
  let half = base | (mantissa >>> shift);
  const remainder = mantissa & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (remainder > halfway || (remainder === halfway && half & 1)) half++; // a carry may reach the exponent: correct
  return sign | half;
}

/**
 * The dtype and shape from a header's Python dict literal. Keys and string values may be quoted
 * with ' or " (numpy reads both). A structured dtype (`'descr': [('x', '<f4'), …]`) is refused
 * as an unsupported dtype.
 */
function parseHeader(header: string, name: string): { dtype: NpyDtype; shape: number[] } {
  const key = (k: string): string => `(?:'${k}'|"${k}")\\s*:\\s*`;
  if (new RegExp(`${key('descr')}\\[`).test(header)) {
    throw new Error(`${name}: unsupported dtype: a structured dtype (a list of fields) in ${header.trim()}; expected one of ${Object.values(DESCR).join(', ')}`);
  }
  const descr = new RegExp(`${key('descr')}(?:'([^']*)'|"([^"]*)")`).exec(header)?.slice(1).find((group) => group !== undefined);
  const fortran = new RegExp(`${key('fortran_order')}(True|False)`).exec(header)?.[1];
  const shapeText = new RegExp(`${key('shape')}\\(([^)]*)\\)`).exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${name}: malformed .npy header (need 'descr' as a string, 'fortran_order' and 'shape'): ${header.trim()}`);
  }
  if (fortran === 'True') {
    throw new Error(`${name}: Fortran-order arrays are not supported (expected fortran_order False; save with np.ascontiguousarray)`);
  }
  const dtype = DTYPE_OF_DESCR[descr];
  if (dtype === undefined) {
    throw new Error(
      `${name}: dtype '${descr}' is not supported (expected little-endian ${Object.values(DESCR).join(', ')})`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const dim = Number(s);
      if (!Number.isInteger(dim) || dim < 0) throw new Error(`${name}: bad dimension '${s}' in shape (${shapeText})`);
      return dim;
    });
  return { dtype, shape };
}

function checkArray(array: NpyArray): void {
  const { dtype, shape, data } = array;
  if (!Object.prototype.hasOwnProperty.call(DESCR, dtype)) {
    throw new Error(`dtype must be one of ${Object.keys(DESCR).join(', ')}, got ${String(dtype)}`);
  }
  if (!(data instanceof CONSTRUCTORS[dtype])) {
    throw new Error(`data for dtype ${dtype} must be a ${CONSTRUCTORS[dtype].name}, got ${data?.constructor?.name}`);
  }
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`shape must hold non-negative integers, got [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`shape [${shape.join(', ')}] holds ${size} elements, data has ${data.length}`);
}
