/**
 * Kernels that make training fast and correct on the wasm backend (and only there). Each replaces
 * or extends tfjs-wasm 4.22's kernel of the same name:
 * - Conv2DBackpropInput, Conv2DBackpropFilter: as forward convolutions on XNNPACK (`./wasm-conv2d-gradients`);
 * - MaxPoolGrad, Transpose, Tile: in JS at memory speed (`./wasm-max-pool-gradient`, `./wasm-transpose`, `./wasm-tile`);
 * - Identity: shares the buffer instead of copying it (`./wasm-identity`);
 * - Sum, Mean over leading axes; BatchMatMul with transposes: fast paths in front of tfjs-wasm's
 *   kernels (`./wasm-reductions`, `./wasm-batch-matmul`);
 * - UnsortedSegmentSum (missing: the gradient of gather), OneHot (float output broken): `./wasm-index-kernels`.
 * Measured effect: bench/train-step.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmConv2dBackpropFilter, wasmConv2dBackpropInput } from './wasm-conv2d-gradients';
import { wasmOneHot, wasmUnsortedSegmentSum } from './wasm-index-kernels';
import { wasmMaxPoolGrad } from './wasm-max-pool-gradient';
import { wasmTranspose } from './wasm-transpose';
import { wasmReduction } from './wasm-reductions';
import { wasmBatchMatMul } from './wasm-batch-matmul';
import { wasmIdentity } from './wasm-identity';
import { wasmTile } from './wasm-tile';

/** Builds our kernel from tfjs-wasm's kernel of the same name (absent for missing kernels). */
type KernelFactory = (original: tf.KernelConfig | undefined) => tf.KernelConfig;

const requireOriginal =
  (wrap: (original: tf.KernelConfig) => tf.KernelConfig, name: string): KernelFactory =>
  (original) => {
    if (!original) throw new Error(`installWasmTrainingKernels: tfjs-wasm has no '${name}' kernel to extend`);
    return wrap(original);
  };

const FACTORIES: Record<string, KernelFactory> = {
  Conv2DBackpropInput: () => wasmConv2dBackpropInput,
  Conv2DBackpropFilter: () => wasmConv2dBackpropFilter,
  MaxPoolGrad: () => wasmMaxPoolGrad,
  Transpose: () => wasmTranspose,
  Tile: () => wasmTile,
  Sum: requireOriginal((original) => wasmReduction('Sum', original), 'Sum'),
  Mean: requireOriginal((original) => wasmReduction('Mean', original), 'Mean'),
  BatchMatMul: requireOriginal(wasmBatchMatMul, 'BatchMatMul'),
  Identity: requireOriginal(wasmIdentity, 'Identity'),
  UnsortedSegmentSum: () => wasmUnsortedSegmentSum,
  OneHot: () => wasmOneHot,
};

/** Names of the wasm kernels this module registers. */
export const WASM_TRAINING_KERNELS: readonly string[] = Object.keys(FACTORIES);

const installed = new Set<tf.KernelConfig>();

/**
 * Registers our kernels for the 'wasm' backend in place of tfjs-wasm's (which the wrapping ones
 * keep as their fallback). Idempotent. Called by `initBackend('wasm')`; loads
 * `@tensorflow/tfjs-backend-wasm` first, so that its own registrations cannot override ours later.
 */
export function installWasmTrainingKernels(): void {
  require('@tensorflow/tfjs-backend-wasm');
  for (const name of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(name, 'wasm');
    if (current && installed.has(current)) continue;
    const config = FACTORIES[name](current);
    if (current) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    installed.add(config);
  }
}

/** True when every kernel of `WASM_TRAINING_KERNELS` is ours. */
export function wasmTrainingKernelsInstalled(): boolean {
  return WASM_TRAINING_KERNELS.every((name) => {
    const kernel = tf.getKernel(name, 'wasm');
    return kernel !== undefined && installed.has(kernel);
  });
}
