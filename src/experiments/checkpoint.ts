/**
 * Checkpoint files: named tensors plus a JSON record, in one binary file written atomically
 * (temporary file, fsync, rename), so a run killed at any moment leaves either the previous
 * checkpoint or the new one, never a torn file.
 *
 * Layout: the 8 bytes `NLCKPT1\n`, a little-endian uint32 header length, the UTF-8 JSON header
 * `{ meta, tensors: [{ name, dtype, shape, byteOffset, byteLength }] }`, then the raw tensor bytes.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from './csv';

const MAGIC = 'NLCKPT1\n';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A tensor as stored: dtype, shape and its values in row-major order. */
export interface StoredTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface Checkpoint {
  meta: JsonValue;
  tensors: Record<string, StoredTensor>;
}

interface HeaderEntry {
  name: string;
  dtype: StoredTensor['dtype'];
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

/** Saves `tensors` (read, not disposed) and `meta` to `path` atomically. */
export function writeCheckpoint(path: string, meta: JsonValue, tensors: Record<string, tf.Tensor>): void {
  const entries: HeaderEntry[] = [];
  const chunks: Uint8Array[] = [];
  let byteOffset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new Error(`writeCheckpoint: tensor '${name}' has dtype ${tensor.dtype}, expected float32 or int32`);
    }
    const values = tensor.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, dtype: tensor.dtype, shape: tensor.shape, byteOffset, byteLength: bytes.byteLength });
    chunks.push(bytes);
    byteOffset += bytes.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ meta, tensors: entries }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  writeFileAtomic(path, Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, header, ...chunks]));
}

/** Reads a checkpoint written by `writeCheckpoint`; a malformed or truncated file is an error naming it. */
export function readCheckpoint(path: string): Checkpoint {
  const file = fs.readFileSync(path);
  const fail = (why: string): never => {
    throw new Error(`readCheckpoint: ${path} is not a valid checkpoint (${why})`);
  };
  if (file.byteLength < 12 || file.toString('latin1', 0, 8) !== MAGIC) fail('bad magic bytes');
  const headerLength = file.readUInt32LE(8);
  if (12 + headerLength > file.byteLength) fail('truncated header');
  let header: { meta: JsonValue; tensors: HeaderEntry[] };
  try {
    header = JSON.parse(file.toString('utf8', 12, 12 + headerLength));
  } catch (error) {
    return fail(`header is not JSON: ${(error as Error).message}`);
  }
  const dataStart = 12 + headerLength;
  const tensors: Record<string, StoredTensor> = {};
  for (const entry of header.tensors) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.byteLength !== size * 4) fail(`tensor '${entry.name}' has ${entry.byteLength} bytes for shape [${entry.shape}]`);
    const start = dataStart + entry.byteOffset;
    if (start + entry.byteLength > file.byteLength) fail(`tensor '${entry.name}' runs past the end of the file`);
    const copy = new Uint8Array(entry.byteLength);
    copy.set(file.subarray(start, start + entry.byteLength));
    const values = entry.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    tensors[entry.name] = { dtype: entry.dtype, shape: entry.shape, values };
  }
  return { meta: header.meta, tensors };
}
