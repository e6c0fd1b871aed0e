import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/index';
import { decodeNpy, encodeNpy, npyHeader, readNpy, writeNpy, type NpyArray } from '../src/data/index';

const samples: NpyArray[] = [
  { dtype: 'uint8', shape: [2, 3, 4], data: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256) },
  { dtype: 'bool', shape: [5], data: Uint8Array.from([1, 0, 0, 1, 1]) },
  { dtype: 'int32', shape: [3, 2], data: Int32Array.from([-2147483648, 2147483647, 0, -1, 7, 42]) },
  { dtype: 'int64', shape: [2, 2], data: BigInt64Array.from([-(2n ** 62n), 2n ** 62n + 1n, 0n, -5n]) },
  { dtype: 'float16', shape: [2, 4], data: Float32Array.from([0.5, -1.25, 65504, -0, Infinity, Number.NaN, 2 ** -24, 0.80029296875]) },
  { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0.5, -1.25, 3e38, -0, Infinity, Number.NaN]) },
  { dtype: 'float64', shape: [], data: Float64Array.from([Math.PI]) },
  { dtype: 'float64', shape: [0, 3], data: new Float64Array(0) },
];

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function python(script: string): string {
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, `python failed: ${result.stderr}`);
  return result.stdout;
}

test('npy: every dtype round-trips through bytes and files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    for (const [i, array] of samples.entries()) {
      const decoded = decodeNpy(encodeNpy(array));
      assert.equal(decoded.dtype, array.dtype);
      assert.deepEqual(decoded.shape, array.shape);
      assert.deepEqual(decoded.data, array.data);
      assert.equal(decoded.data.constructor, array.data.constructor);
      const path = join(dir, `a${i}.npy`);
      writeNpy(path, array);
      assert.deepEqual(readFileSync(path), Buffer.from(encodeNpy(array)));
      assert.deepEqual(readNpy(path), decoded);
    }
    assert.deepEqual(readdirSync(dir).sort(), samples.map((_, i) => `a${i}.npy`).sort(), 'no temporary files left');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("npy: header matches numpy's layout byte for byte", () => {
  const header = Buffer.from(npyHeader('float32', [2, 3]));
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const expected = Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from('NUMPY', 'latin1'),
    Buffer.from([1, 0, 118, 0]),
    Buffer.from(dict + ' '.repeat(128 - 10 - dict.length - 1) + '\n', 'latin1'),
  ]);
  assert.equal(header.length, 128);
  assert.deepEqual(header, expected);
  assert.equal(Buffer.from(npyHeader('uint8', [5])).toString('latin1', 10, 67), "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
  assert.match(Buffer.from(npyHeader('float64', [])).toString('latin1'), /'shape': \(\), \} +\n$/);
  for (const shape of [[1], [10000, 12, 12], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], [123456789012]]) {
    const bytes = npyHeader('float32', shape);
    assert.equal(bytes.length % 64, 0, `header of (${shape}) is aligned to 64`);
    assert.equal(bytes[bytes.length - 1], 0x0a);
    assert.equal(new DataView(bytes.buffer).getUint16(8, true), bytes.length - 10);
  }
});

test('npy: bad files and bad arrays get clear errors', () => {
  const good = encodeNpy(samples[5]);
  assert.throws(() => decodeNpy(good.subarray(0, good.length - 3), 'x.npy'), /x.npy is truncated: 21 data bytes, shape \(2, 3\) of float32 needs 24/);
  assert.throws(() => decodeNpy(good.subarray(0, 50), 'x.npy'), /x.npy is truncated: 50 bytes, the header alone needs 128/);
  assert.throws(() => decodeNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy'), /x.npy is not a .npy file/);
  const patch = (from: string, to: string): Uint8Array => {
    const text = Buffer.from(good).toString('latin1').replace(from, to.padEnd(from.length, ' '));
    return Buffer.from(text, 'latin1');
  };
  assert.throws(() => decodeNpy(patch("'fortran_order': False", "'fortran_order': True"), 'f.npy'), /f.npy: Fortran-order arrays are not supported/);
  assert.throws(() => decodeNpy(patch("'<f4'", "'>f4'"), 'b.npy'), /b.npy: dtype '>f4' is not supported \(expected little-endian/);
  assert.throws(() => decodeNpy(patch("'<f4'", "'<c8'"), 'c.npy'), /dtype '<c8' is not supported/);
  assert.throws(() => decodeNpy(patch("'descr': '<f4'", "'descr': [('a', '<f4')]"), 's.npy'), /s.npy: unsupported dtype: a structured dtype/);
  const wrongVersion = Uint8Array.from(good);
  wrongVersion[6] = 4;
  assert.throws(() => decodeNpy(wrongVersion, 'v.npy'), /v.npy: .npy version 4.0 is not supported/);
  assert.throws(() => readNpy('/nonexistent/dir/a.npy'), /cannot read .npy file \/nonexistent\/dir\/a.npy/);
  assert.throws(() => encodeNpy({ dtype: 'float32', shape: [2, 2], data: new Float64Array(4) } as unknown as NpyArray), /data for dtype float32 must be a Float32Array, got Float64Array/);
  assert.throws(() => encodeNpy({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) }), /shape \[2, 2\] holds 4 elements, data has 3/);
  assert.throws(() => encodeNpy({ dtype: 'float8', shape: [1], data: new Uint8Array(1) } as unknown as NpyArray), /dtype must be one of uint8, bool, int32, int64, float16, float32, float64, got float8/);
});

test('npy: files cross-check with numpy both ways', { skip: hasNumpy() ? false : 'python3 with numpy is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-numpy-'));
  try {
    // Ours → numpy: numpy loads every file, and np.save of what it loaded gives the same bytes.
    samples.forEach((array, i) => writeNpy(join(dir, `ours${i}.npy`), array));
    const report = python(`
import numpy as np, io, json, sys
out = []
for i in range(${samples.length}):
    path = '${dir}/ours%d.npy' % i
    a = np.load(path)
    buf = io.BytesIO(); np.save(buf, a)
    same = buf.getvalue() == open(path, 'rb').read()
    out.append([str(a.dtype), list(a.shape), same, a.ravel().tolist()[:3] if a.dtype.kind != 'f' else []])
print(json.dumps(out))
`);
    const loaded = JSON.parse(report) as [string, number[], boolean, unknown[]][];
    const numpyDtype = { uint8: 'uint8', bool: 'bool', int32: 'int32', int64: 'int64', float16: 'float16', float32: 'float32', float64: 'float64' };
    loaded.forEach(([dtype, shape, sameBytes], i) => {
      assert.equal(dtype, numpyDtype[samples[i].dtype]);
      assert.deepEqual(shape, samples[i].shape);
      assert.ok(sameBytes, `np.save reproduces our file ${i} byte for byte`);
    });
    assert.deepEqual(loaded[0][3], [0, 37, 74]);
    assert.deepEqual(loaded[1][3], [true, false, false]);
    assert.deepEqual(loaded[2][3], [-2147483648, 2147483647, 0]);

    // Headers of every length (empty arrays with 1..13 dimensions, later dimensions of 1..12 digits)
    // land on every position relative to the 64-byte boundary.
    const numpyHeaders = JSON.parse(python(`
import numpy as np, io, json
out = []
for k in range(1, 14):
    for j in range(12):
        shape = (7,) + (1,) * (k - 1) + (0, 10 ** j)
        b = io.BytesIO(); np.save(b, np.zeros(shape, dtype=np.uint8))
        v = b.getvalue(); n = int.from_bytes(v[8:10], 'little') + 10
        out.append([list(shape), v[:n].hex()])
print(json.dumps(out))
`)) as [number[], string][];
    for (const [shape, hex] of numpyHeaders) {
      assert.equal(Buffer.from(npyHeader('uint8', shape)).toString('hex'), hex, `header of shape (${shape})`);
    }

    // numpy → ours: versions 1.0, 2.0, 3.0, every dtype, a non-contiguous source saved in C order.
    python(`
import numpy as np
from numpy.lib import format as f
a = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 1.5 - 7)
np.save('${dir}/f8.npy', a)
np.save('${dir}/f4.npy', a.astype(np.float32)[:, ::2, :])
np.save('${dir}/u1.npy', (np.arange(300) % 256).astype(np.uint8))
np.save('${dir}/i8.npy', np.array([[-(2**62), 3], [2**40, -1]], dtype=np.int64))
np.save('${dir}/i4.npy', np.array([-7, 8, 2**31 - 1], dtype=np.int32))
np.save('${dir}/b1.npy', np.array([[True, False], [False, True]]))
for version in [(1, 0), (2, 0), (3, 0)]:
    with open('${dir}/v%d.npy' % version[0], 'wb') as fh:
        f.write_array(fh, np.array([1.5, -2.5], dtype=np.float32), version=version)
bits = np.arange(65536, dtype=np.uint32).astype(np.uint16)
finite = bits[(bits & 0x7c00) != 0x7c00]
np.save('${dir}/halves.npy', np.concatenate([finite, np.array([0x7c00, 0xfc00], dtype=np.uint16)]).view(np.float16))
np.save('${dir}/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.save('${dir}/big.npy', np.ones(3, dtype='>f4'))
`);
    const f8 = readNpy(join(dir, 'f8.npy'));
    assert.equal(f8.dtype, 'float64');
    assert.deepEqual(f8.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(f8.data as Float64Array), Array.from({ length: 24 }, (_, i) => i * 1.5 - 7));
    const f4 = readNpy(join(dir, 'f4.npy'));
    assert.deepEqual(f4.shape, [2, 2, 4]);
    assert.deepEqual(Array.from(f4.data as Float32Array).slice(0, 8), [0, 1, 2, 3, 8, 9, 10, 11].map((i) => i * 1.5 - 7));
    assert.deepEqual(readNpy(join(dir, 'u1.npy')).data.slice(254, 258), Uint8Array.from([254, 255, 0, 1]));
    assert.deepEqual(readNpy(join(dir, 'i8.npy')).data, BigInt64Array.from([-(2n ** 62n), 3n, 2n ** 40n, -1n]));
    assert.deepEqual(readNpy(join(dir, 'i4.npy')).data, Int32Array.from([-7, 8, 2147483647]));
    const bools = readNpy(join(dir, 'b1.npy'));
    assert.equal(bools.dtype, 'bool');
    assert.deepEqual(bools.data, Uint8Array.from([1, 0, 0, 1]));
    for (const version of [1, 2, 3]) {
      const v = readNpy(join(dir, `v${version}.npy`));
      assert.deepEqual(v.data, Float32Array.from([1.5, -2.5]), `version ${version}.0`);
    }
    // float16: every finite half and infinity read exactly and written back bit for bit; rounding of
    // float32 values to half agrees with numpy's astype(float16).
    const halves = readNpy(join(dir, 'halves.npy'));
    assert.equal(halves.dtype, 'float16');
    assert.equal(halves.data.length, 65536 - 2048 + 2); // all finite halves, then +inf and -inf
    assert.equal((halves.data as Float32Array)[1], 2 ** -24);
    writeNpy(join(dir, 'halves-ours.npy'), halves);
    const rng = new Rng(4);
    const wide = Float32Array.from({ length: 20000 }, (_, i) => rng.normal() * 2 ** ((i % 60) - 30));
    wide.set([65519, 65520, 2 ** -25, 3 * 2 ** -26, 2 ** -14 - 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11], 0);
    writeNpy(join(dir, 'wide-f4.npy'), { dtype: 'float32', shape: [wide.length], data: wide });
    writeNpy(join(dir, 'wide-f2.npy'), { dtype: 'float16', shape: [wide.length], data: wide });
    assert.equal(python(`
import numpy as np
ok_read = open('${dir}/halves.npy', 'rb').read() == open('${dir}/halves-ours.npy', 'rb').read()
ok_round = np.array_equal(np.load('${dir}/wide-f4.npy').astype(np.float16).view(np.uint16), np.load('${dir}/wide-f2.npy').view(np.uint16))
print(ok_read, ok_round)
`).trim(), 'True True');
    assert.throws(() => readNpy(join(dir, 'fortran.npy')), /fortran.npy: Fortran-order arrays are not supported/);
    assert.throws(() => readNpy(join(dir, 'big.npy')), /big.npy: dtype '>f4' is not supported/);
    writeFileSync(join(dir, 'cut.npy'), readFileSync(join(dir, 'f8.npy')).subarray(0, 200));
    assert.throws(() => readNpy(join(dir, 'cut.npy')), new RegExp(`${join(dir, 'cut.npy')} is truncated`));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

/** A v1.0 .npy file with the header dict `dict` (padded as numpy pads it) and `body`. */
function rawNpy(dict: string, body: Uint8Array): Uint8Array {
  const padding = (64 - ((10 + dict.length + 1) % 64)) % 64;
  const header = Buffer.from(dict + ' '.repeat(padding) + '\n', 'latin1');
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0, header.length & 0xff, header.length >> 8]);
  return new Uint8Array(Buffer.concat([prefix, header, Buffer.from(body)]));
}

test('.npy: double-quoted keys and values (numpy reads them) are accepted; a structured dtype is an unsupported dtype', () => {
  const values = Float32Array.from([1.5, -2, 3.25, 0]);
  const body = new Uint8Array(values.buffer);
  const decoded = decodeNpy(rawNpy('{"descr": "<f4", "fortran_order": False, "shape": (2, 2), }', body), 'quoted.npy');
  assert.equal(decoded.dtype, 'float32');
  assert.deepEqual(decoded.shape, [2, 2]);
  assert.deepEqual(Array.from(decoded.data as Float32Array), Array.from(values));
  assert.throws(
    () => decodeNpy(rawNpy("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2,), }", body), 'points.npy'),
    /^Error: points\.npy: unsupported dtype: a structured dtype \(a list of fields\)/,
  );
});

test('.npy: a write that fails (full disk) names the file and leaves no temporary file', (t) => {
  const realFs = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'nl-npy-'));
  t.mock.method(realFs, 'writeSync', () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  });
  const file = join(dir, 'maps.npy');
  assert.throws(() => writeNpy(file, samples[0]), new RegExp(`^Error: cannot write ${file.replace(/[.]/g, '\\.')}: ENOSPC, ENOSPC: no space left on device, write$`));
  t.mock.restoreAll();
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true });
});
