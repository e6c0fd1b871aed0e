/**
 * Index kernels the wasm backend lacks or gets wrong, written in plain JS over the backend's
 * buffers (they move little data; XNNPACK has nothing to offer here).
 *
 * - UnsortedSegmentSum (missing on wasm; it is the gradient of `tf.gather`):
 *   out[s, …] = Σ_{i : ids[i] = s} x[i, …], out shape [numSegments, ...x.shape[ids.rank:]].
 * - OneHot (tfjs-wasm 4.22 writes int32 bit patterns whatever the dtype, so
 *   `tf.oneHot(i, n, 1, 0, 'float32')` is all zeros): out[…, j] = onValue if indices[…] = j else offValue.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmKernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  attrs?: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}

function unsortedSegmentSum({ inputs, attrs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const values = backend.readSync(x.dataId) as Float32Array | Int32Array;
  const ids = backend.readSync(segmentIds.dataId) as Int32Array;
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    for (let j = 0, from = i * inner, to = segment * inner; j < inner; j++) out[to + j] += values[from + j];
  }
  return makeOutput(backend, [numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, out);
}

function oneHot({ inputs, attrs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { indices } = inputs;
  const { depth, onValue, offValue, dtype } = attrs as { depth: number; onValue: number; offValue: number; dtype: tf.DataType };
  const ids = backend.readSync(indices.dataId) as Int32Array;
  const out = dtype === 'float32' ? new Float32Array(ids.length * depth) : new Int32Array(ids.length * depth);
  out.fill(offValue);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] >= 0 && ids[i] < depth) out[i * depth + ids[i]] = onValue;
  }
  return makeOutput(backend, [...indices.shape, depth], dtype, out);
}

/** `BackendWasm.makeOutput(shape, dtype, memoryOffset?, values?)` copies `values` into the wasm heap. */
function makeOutput(backend: tf.KernelBackend, shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo {
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array | Int32Array): tf.TensorInfo;
  };
  return wasm.makeOutput(shape, dtype, undefined, values);
}

export const wasmUnsortedSegmentSum: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};

export const wasmOneHot: tf.KernelConfig = {
  kernelName: 'OneHot',
  backendName: 'wasm',
  kernelFunc: oneHot as unknown as tf.KernelFunc,
};
