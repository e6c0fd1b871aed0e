/**
 * Index kernels the wasm backend lacks or gets wrong, written in plain JS over the wasm heap
 * (they move little data; XNNPACK has nothing to offer here).
 *
 * - UnsortedSegmentSum (missing on wasm; it is the gradient of `tf.gather`):
 *   out[s, …] = Σ_{i : ids[i] = s} x[i, …], out shape [numSegments, ...x.shape[ids.rank:]].
 * - OneHot (tfjs-wasm 4.22 writes int32 bit patterns whatever the dtype, so
 *   `tf.oneHot(i, n, 1, 0, 'float32')` is all zeros): out[…, j] = onValue if indices[…] = j else offValue.
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, heapView, type KernelArgs } from './wasm-heap';

function unsortedSegmentSum({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = allocate(backend, [numSegments, ...innerShape], x.dtype);
  const [values, ids, sums] = [heapView(backend, x), heapView(backend, segmentIds), heapView(backend, out)];
  sums.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    for (let j = 0, from = i * inner, to = segment * inner; j < inner; j++) sums[to + j] += values[from + j];
  }
  return out;
}

function oneHot({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { indices } = inputs;
  const { depth, onValue, offValue, dtype } = attrs as { depth: number; onValue: number; offValue: number; dtype: tf.DataType };
  const out = allocate(backend, [...indices.shape, depth], dtype);
  const [ids, values] = [heapView(backend, indices), heapView(backend, out)];
  values.fill(offValue);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] >= 0 && ids[i] < depth) values[i * depth + ids[i]] = onValue;
  }
  return out;
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
