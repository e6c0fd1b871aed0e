import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import { guardWasmHeap, wasmHeapGuarded } from '../src/runtime/wasm-heap-guard';
import { allocate } from '../src/runtime/wasm-heap';

const HALF_GIB_FLOATS = 2 ** 27;

test('wasm heap guard: a full heap is an out-of-memory Error, and the backend keeps computing right after', async () => {
  await initBackend('wasm');
  assert.ok(wasmHeapGuarded(), 'initBackend installs the guard');
  guardWasmHeap(); // idempotent
  assert.ok(wasmHeapGuarded());
  const backend = tf.backend();
  // Uninitialised 512 MiB tensors (the OS maps untouched pages lazily) until the 4 GiB heap is
  // full. Unguarded, tfjs-wasm places the first one that does not fit at address 0.
  const held: tf.TensorInfo[] = [];
  let failure: Error | null = null;
  try {
    for (let i = 0; i < 12 && failure === null; i++) {
      try {
        held.push(allocate(backend, [HALF_GIB_FLOATS], 'float32'));
      } catch (error) {
        failure = error as Error;
      }
    }
  } finally {
    for (const info of held) backend.disposeData(info.dataId);
  }
  assert.ok(failure, 'the heap filled up within 6 GiB of requests');
  assert.match(failure.message, /wasm backend: out of memory: cannot allocate 512\.0 MiB for a tensor \(wasm heap \d+\.\d MiB, at most 4 GiB\)/);
  assert.ok(held.length >= 4 && held.length <= 8, `about 4 GiB held before the failure (${held.length} × 512 MiB)`);
  // Nothing was overwritten: ops and large allocations work again.
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync());
  assert.deepEqual([...product], [19, 22, 43, 50]);
  const big = tf.fill([HALF_GIB_FLOATS / 4], 2);
  assert.deepEqual([...tf.tidy(() => tf.slice(tf.add(big, 1), HALF_GIB_FLOATS / 4 - 2, 2).dataSync())], [3, 3]);
  big.dispose();
});
