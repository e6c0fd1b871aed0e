/**
 * Tile for the wasm backend in JS over the wasm heap. The gradient of batch norm tiles a
 * per-channel vector [1, 1, 1, C] to the whole activation [N, H, W, C]; tfjs-wasm 4.22's kernel
 * computes every output index from scratch (~300 ms for 10⁷ entries), this one copies memory.
 *
 * out[i_0, …, i_{r−1}] = x[i_0 mod n_0, …, i_{r−1} mod n_{r−1}], out shape n_k · reps_k.
 * Built axis by axis from the innermost: the input rows are tiled along the last axis into the
 * output; then each leading axis (inwards → outwards) repeats the blocks already built
 * (`copyWithin`, i.e. memmove).
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, heapView, type KernelArgs } from './wasm-heap';

function tile({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  const reps = (attrs as { reps: number[] }).reps;
  const inShape = x.shape;
  const outShape = inShape.map((n, k) => n * reps[k]);
  const out = allocate(backend, outShape, x.dtype);
  const [source, target] = [heapView(backend, x), heapView(backend, out)];
  const rank = inShape.length;
  if (rank === 0 || source.length === 0) {
    target.set(source);
    return out;
  }
  // Step 1: each input row (last axis), repeated along the last axis, where it belongs in the
  // output with every leading index i_k < n_k (the untiled corner).
  const rowIn = inShape[rank - 1];
  const rowOut = outShape[rank - 1];
  for (let r = 0; r * rowIn < source.length; r++) {
    const at = cornerOffset(r, inShape.slice(0, rank - 1), outShape.slice(0, rank - 1)) * rowOut;
    for (let j = 0; j < rowIn; j++) target[at + j] = source[r * rowIn + j];
    for (let rep = 1; rep < reps[rank - 1]; rep++) target.copyWithin(at + rep * rowIn, at, at + rowIn);
  }
  // Step 2: axis k from the innermost leading axis outwards: within the corner of axes < k, the
  // block of axis k (complete for all axes > k) is copied to the repeats n_k … n_k · reps_k − 1.
  for (let k = rank - 2; k >= 0; k--) {
    if (reps[k] === 1) continue;
    const block = outShape.slice(k + 1).reduce((a, b) => a * b, 1);
    const filled = inShape[k] * block;
    const corner = inShape.slice(0, k).reduce((a, b) => a * b, 1);
    for (let m = 0; m < corner; m++) {
      const base = cornerOffset(m, inShape.slice(0, k), outShape.slice(0, k)) * outShape[k] * block;
      for (let rep = 1; rep < reps[k]; rep++) target.copyWithin(base + rep * filled, base, base + filled);
    }
  }
  return out;
}

/** Index into `outShape` (row-major) of the multi-index that is index `m` into `inShape`. */
function cornerOffset(m: number, inShape: number[], outShape: number[]): number {
  let offset = 0;
  let stride = 1;
  for (let k = inShape.length - 1; k >= 0; k--) {
    offset += (m % inShape[k]) * stride;
    m = Math.floor(m / inShape[k]);
    stride *= outShape[k];
  }
  return offset;
}

export const wasmTile: tf.KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tile as unknown as tf.KernelFunc,
};
