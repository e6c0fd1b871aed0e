/**
 * The IDX file format of the MNIST distribution (LeCun et al.): a big-endian header
 * `0x00 0x00 <type> <ndims>`, then `ndims` big-endian uint32 dimension sizes, then the data in
 * row-major order. Only the unsigned-byte type (0x08) is read, the one MNIST uses; its magic
 * number is then 0x0800 + ndims (2049 for labels, 2051 for images). Gzipped files (`.gz`, as
 * distributed by the original site) are recognised by their magic bytes and inflated.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** An IDX array of unsigned bytes: `data.length` = product of `dims`. */
export interface IdxArray {
  /** 2049 for a 1-d array (labels), 2051 for a 3-d array (images). */
  magic: number;
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE_TYPE = 0x08;

/**
 * Parses the bytes of an IDX file of unsigned bytes (inflating them first when gzipped).
 * `name` names the file in errors. Throws on a truncated or damaged gzip stream, a wrong type code, a header that does not fit, and
 * a body shorter (truncated) or longer than the dimensions say. `data` views `bytes` (no copy)
 * unless the file was gzipped.
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = new Uint8Array(gunzipSync(bytes));
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated' : 'the gzip stream is damaged';
      throw new Error(`IDX file ${name}: ${why} (${(error as Error).message}); download it again`);
    }
  }
  if (raw.length < 4) throw new Error(`IDX file ${name} is truncated: ${raw.length} bytes, no header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  const type = (magic >>> 8) & 0xff;
  const ndims = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== UNSIGNED_BYTE_TYPE || ndims < 1) {
    throw new Error(
      `IDX file ${name}: magic number ${magic} is not an unsigned-byte IDX header (expected 0x0800 + ndims, e.g. 2049 or 2051)`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    throw new Error(`IDX file ${name} is truncated: ${raw.length} bytes, the header alone needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const body = raw.length - headerBytes;
  if (body < size) {
    throw new Error(`IDX file ${name} is truncated: ${body} data bytes, dimensions [${dims.join(', ')}] need ${size}`);
  }
  if (body > size) {
    throw new Error(`IDX file ${name} has ${body - size} bytes beyond its dimensions [${dims.join(', ')}]`);
  }
  return { magic, dims, data: raw.subarray(headerBytes) };
}

/** Reads and parses the IDX file at `path`; a missing file gets an error naming the path. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read IDX file ${path}: ${(error as Error).message}`);
  }
  return parseIdx(bytes, path);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
