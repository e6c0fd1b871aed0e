/**
 * Direct access to the wasm backend's memory for kernels written in JS: views (no copy) of a
 * tensor's buffer on the wasm heap, and freshly allocated outputs. A view is valid until the next
 * allocation (the heap may grow and move), so allocate every output first, then take views.
 */
import type * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-wasm's `BackendWasm` used here. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array | Int32Array): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Arguments tfjs passes to a kernel function. */
export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  attrs?: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}

/** A new, UNINITIALISED tensor on the wasm heap (pass `values` to copy them in). */
export function allocate(backend: tf.KernelBackend, shape: number[], dtype: tf.DataType, values?: Float32Array | Int32Array): tf.TensorInfo {
  return (backend as unknown as WasmBackend).makeOutput(shape, dtype, undefined, values);
}

/** A view of a float32 tensor's data on the wasm heap. */
export function floatView(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`floatView: expected a float32 tensor, got ${info.dtype}`);
  return (backend as unknown as WasmBackend).typedArrayFromHeap(info) as Float32Array;
}

/** Tensor data on the heap: float32, int32 or bool (one byte per value). */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** A view of a float32, int32 or bool tensor's data on the wasm heap. */
export function heapView(backend: tf.KernelBackend, info: tf.TensorInfo): HeapArray {
  return (backend as unknown as WasmBackend).typedArrayFromHeap(info);
}
