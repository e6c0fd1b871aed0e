/**
 * A failed wasm heap allocation becomes an Error instead of silent memory corruption.
 *
 * tfjs-wasm 4.22 allocates every tensor with `BackendWasm.move`, which does not check the result
 * of `_malloc`. When the heap cannot grow any more (wasm32: 4 GiB at most, in practice it stops
 * at 3–4 GiB), malloc returns 0; tfjs then places the tensor at address 0 and writes its data over
 * the allocator's own state. The next kernel or `dispose` dies with "RuntimeError: memory access
 * out of bounds", and every op after it fails ("Aborted()", "divide by zero") until the process
 * restarts (upstream: github.com/tensorflow/tfjs/issues/4208). Hundreds of Hessian-vector products
 * of a relaxed Bellman-Ford loss recorded on an enclosing gradient tape reach that size.
 *
 * The guard wraps the module's `_malloc`: a null result for a non-empty request throws, before
 * anything is written, so the kernel that asked fails with a clear message, `tf.tidy` frees its
 * scope, and the backend keeps working. tfjs-wasm's own C++ scratch allocations (XNNPACK) do not
 * go through `_malloc` from JS and are not covered.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of the emscripten module (`BackendWasm.wasm`) used here. */
interface WasmModule {
  _malloc: (bytes: number) => number;
  HEAPU8: Uint8Array;
}

const guarded = new WeakSet<WasmModule>();

/**
 * Installs the guard on the registered 'wasm' backend (a no-op when it is absent or already
 * guarded). Called by `initBackend('wasm')`.
 */
export function guardWasmHeap(): void {
  const module = (tf.findBackend('wasm') as unknown as { wasm?: WasmModule } | null)?.wasm;
  if (!module || guarded.has(module)) return;
  // emscripten's `_malloc` replaces itself with the raw export on its first call (it assigns
  // `Module._malloc`): the setter keeps that replacement as the inner function instead.
  let malloc = module._malloc;
  const checkedMalloc = (bytes: number): number => {
    const address = malloc(bytes);
    if (address === 0 && bytes > 0) {
      throw new Error(
        `wasm backend: out of memory: cannot allocate ${mebibytes(bytes)} for a tensor (wasm heap ${mebibytes(module.HEAPU8.length)}, ` +
          `at most 4 GiB); dispose tensors you no longer need (tf.tidy), use a smaller batch, or do not record ` +
          `large computations on an enclosing gradient tape`,
      );
    }
    return address;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    get: () => checkedMalloc,
    set: (next: (bytes: number) => number) => {
      malloc = next;
    },
  });
  guarded.add(module);
}

/** Whether the registered 'wasm' backend's allocations are checked. */
export function wasmHeapGuarded(): boolean {
  const module = (tf.findBackend('wasm') as unknown as { wasm?: WasmModule } | null)?.wasm;
  return module !== undefined && guarded.has(module);
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
