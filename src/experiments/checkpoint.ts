/**
 * Checkpoint files: named tensors plus a JSON record, in one binary file written atomically
 * (temporary file, fsync, rename), so a run killed at any moment leaves either the previous
 * checkpoint or the new one, never a torn file.
 *
 * Layout: the 8 bytes `NLCKPT2\n`, a little-endian uint32 header length, the UTF-8 JSON header
 * `{ meta, tensors: [{ name, dtype, shape, byteOffset, byteLength }], payloadSha256, headerSha256 }`,
 * then the raw tensor bytes (the payload). `payloadSha256` is the SHA-256 of the payload and
 * `headerSha256` that of the header's JSON without this field, so a changed bit anywhere in the
 * file is found when it is read. Files of the first layout (`NLCKPT1\n`, no checksums) are still read.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from './csv';

const MAGIC = 'NLCKPT2\n';
const MAGIC_V1 = 'NLCKPT1\n';

/** A checkpoint file that is damaged or not a checkpoint; names the file and what is wrong. */
export class CheckpointError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`readCheckpoint: ${file} is not a valid checkpoint (${reason})`);
    this.name = 'CheckpointError';
  }
}

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
  const payloadSha256 = sha256(chunks);
  const headerSha256 = sha256([Buffer.from(JSON.stringify({ meta, tensors: entries, payloadSha256 }), 'utf8')]);
  const header = Buffer.from(JSON.stringify({ meta, tensors: entries, payloadSha256, headerSha256 }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  writeFileAtomic(path, Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, header, ...chunks]));
}

/**
 * Reads a checkpoint written by `writeCheckpoint`. A malformed, truncated or altered file (checksum
 * mismatch) is a `CheckpointError` naming the file and what is wrong.
 */
export function readCheckpoint(path: string): Checkpoint {
  const file = fs.readFileSync(path);
  const fail = (why: string): never => {
    throw new CheckpointError(path, why);
  };
  const magic = file.byteLength >= 12 ? file.toString('latin1', 0, 8) : '';
  if (magic !== MAGIC && magic !== MAGIC_V1) fail('bad magic bytes');
  const headerLength = file.readUInt32LE(8);
  if (12 + headerLength > file.byteLength) fail('truncated header');
  let header: { meta: JsonValue; tensors: HeaderEntry[]; payloadSha256?: string; headerSha256?: string };
  try {
    header = JSON.parse(file.toString('utf8', 12, 12 + headerLength));
  } catch (error) {
    return fail(`header is not JSON: ${(error as Error).message}`);
  }
  const dataStart = 12 + headerLength;
  if (magic === MAGIC) {
    const { meta, tensors: entries, payloadSha256 } = header;
    const headerSum = sha256([Buffer.from(JSON.stringify({ meta, tensors: entries, payloadSha256 }), 'utf8')]);
    if (header.headerSha256 !== headerSum) fail(`header checksum mismatch: stored ${header.headerSha256}, computed ${headerSum}; the header was altered`);
  }
  if (!Array.isArray(header.tensors)) fail('header has no tensor list');
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
  if (magic === MAGIC) {
    const payloadSha256 = header.payloadSha256;
    const payloadSum = sha256([file.subarray(dataStart)]);
    if (payloadSha256 !== payloadSum) fail(`payload checksum mismatch: stored ${payloadSha256}, computed ${payloadSum}; the tensor bytes were altered or cut`);
  }
  return { meta: header.meta, tensors };
}

function sha256(chunks: readonly Uint8Array[]): string {
  const hash = crypto.createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}
