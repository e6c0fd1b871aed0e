/**
 * Kernels that make training fast and correct on the wasm backend (and only there):
 * conv2d gradients as forward convolutions (`./wasm-conv2d-gradients`), and the index kernels
 * wasm lacks or gets wrong (`./wasm-index-kernels`). Other backends are untouched.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmConv2dBackpropFilter, wasmConv2dBackpropInput } from './wasm-conv2d-gradients';
import { wasmOneHot, wasmUnsortedSegmentSum } from './wasm-index-kernels';

/** Every kernel this module registers for the 'wasm' backend. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  wasmConv2dBackpropInput,
  wasmConv2dBackpropFilter,
  wasmUnsortedSegmentSum,
  wasmOneHot,
];

/**
 * Registers `WASM_TRAINING_KERNELS`, replacing tfjs-wasm's own kernels of those names. Idempotent.
 * Called by `initBackend('wasm')`; requires `@tensorflow/tfjs-backend-wasm` (loaded here first, so
 * that its own registrations cannot override ours later).
 */
export function installWasmTrainingKernels(): void {
  require('@tensorflow/tfjs-backend-wasm');
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === config) continue;
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

/** True when every kernel of `WASM_TRAINING_KERNELS` is the one the wasm backend runs. */
export function wasmTrainingKernelsInstalled(): boolean {
  return WASM_TRAINING_KERNELS.every((config) => tf.getKernel(config.kernelName, 'wasm') === config);
}
