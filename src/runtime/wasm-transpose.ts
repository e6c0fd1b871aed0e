/**
 * Transpose for the wasm backend in JS over the wasm heap. tfjs-wasm 4.22's kernel takes about
 * 2 µs per element on 2-D matrices of 10⁶ entries (seconds per call); this one runs at memory
 * speed: axes that stay neighbours are merged, an unmoved last axis is copied in rows (memmove), otherwise
 * the input's and the output's innermost axes are transposed in cache-sized tiles.
 *
 * out[i_0, …, i_{r−1}] = x[j] with j_{perm[k]} = i_k (as `tf.transpose(x, perm)`).
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, heapView, type HeapArray, type KernelArgs } from './wasm-heap';

const TILE = 32;

function transpose({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  const perm = (attrs as { perm: number[] }).perm;
  const out = allocate(backend, perm.map((axis) => x.shape[axis]), x.dtype);
  const [source, target] = [heapView(backend, x), heapView(backend, out)];
  const { shape, order } = mergeAxes(x.shape, perm);
  permute(source, target, shape, order);
  return out;
}

/**
 * Drops axes of size 1 and merges runs of axes that are consecutive in both x and the output.
 * Returns the reduced input shape and permutation (rank ≥ 1).
 */
function mergeAxes(inShape: number[], perm: number[]): { shape: number[]; order: number[] } {
  const kept = perm.filter((axis) => inShape[axis] !== 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  if (groups.length === 0) return { shape: [1], order: [0] };
  const byInputPosition = [...groups].sort((a, b) => a[0] - b[0]);
  const shape = byInputPosition.map((group) => group.reduce((size, axis) => size * inShape[axis], 1));
  const order = groups.map((group) => byInputPosition.indexOf(group));
  return { shape, order };
}

/** Writes x (shape `shape`) permuted by `order` into `out`. */
function permute(x: HeapArray, out: HeapArray, shape: number[], order: number[]): void {
  const rank = shape.length;
  if (rank === 1) {
    out.set(x);
    return;
  }
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let k = rank - 2; k >= 0; k--) inStrides[k] = inStrides[k + 1] * shape[k + 1];
  const outShape = order.map((axis) => shape[axis]);
  const outStrides = new Array<number>(rank);
  outStrides[rank - 1] = 1;
  for (let k = rank - 2; k >= 0; k--) outStrides[k] = outStrides[k + 1] * outShape[k + 1];
  // The two axes handled by the tile loop: x's innermost (a) and the output's innermost (b).
  // (a = b: the last axis did not move, rows of x are copied whole.)
  const a = rank - 1;
  const b = order[rank - 1];
  const outPosA = order.indexOf(a);
  const outer = order
    .map((axis, k) => ({ size: shape[axis], inStride: inStrides[axis], outStride: outStrides[k] }))
    .filter((_, k) => k !== rank - 1 && k !== outPosA);
  const sizeA = shape[a];
  const sizeB = shape[b];
  const strideBIn = inStrides[b];
  const strideAOut = outStrides[outPosA];
  const index = new Array<number>(outer.length).fill(0);
  let inBase = 0;
  let outBase = 0;
  // Whole rows move with memmove: x and out are views of the same heap buffer.
  const heap = new (x.constructor as new (buffer: ArrayBufferLike) => HeapArray)(x.buffer);
  const [inStart, outStart] = [x.byteOffset / x.BYTES_PER_ELEMENT, out.byteOffset / out.BYTES_PER_ELEMENT];
  for (;;) {
    if (a === b) {
      heap.copyWithin(outStart + outBase, inStart + inBase, inStart + inBase + sizeA);
    } else {
      transposeTiles(x, out, inBase, outBase, sizeA, sizeB, strideBIn, strideAOut);
    }
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      index[k]++;
      inBase += outer[k].inStride;
      outBase += outer[k].outStride;
      if (index[k] < outer[k].size) break;
      inBase -= outer[k].size * outer[k].inStride;
      outBase -= outer[k].size * outer[k].outStride;
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

/** out[outBase + ia·strideAOut + ib] = x[inBase + ib·strideBIn + ia], in TILE × TILE blocks. */
function transposeTiles(
  x: HeapArray,
  out: HeapArray,
  inBase: number,
  outBase: number,
  sizeA: number,
  sizeB: number,
  strideBIn: number,
  strideAOut: number,
): void {
  for (let b0 = 0; b0 < sizeB; b0 += TILE) {
    const b1 = Math.min(sizeB, b0 + TILE);
    for (let a0 = 0; a0 < sizeA; a0 += TILE) {
      const a1 = Math.min(sizeA, a0 + TILE);
      for (let ia = a0; ia < a1; ia++) {
        const o = outBase + ia * strideAOut;
        const i = inBase + ia;
        for (let ib = b0; ib < b1; ib++) out[o + ib] = x[i + ib * strideBIn];
      }
    }
  }
}

export const wasmTranspose: tf.KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transpose as unknown as tf.KernelFunc,
};
