/**
 * Identity on the wasm backend without a copy. tfjs calls Identity for every tensor a gradient
 * saves (`keep(clone(t))`), and tfjs-wasm 4.22 copies the whole buffer each time (~10 ms per
 * 10⁷-element activation in a training step). Tensors are immutable, so the output can share the
 * input's buffer with one more reference, as the cpu backend and wasm's own Reshape do.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-heap';

function identity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity on wasm: a new reference to the same data; string tensors keep tfjs-wasm's kernel. */
export function wasmIdentity(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo =>
    args.inputs.x.dtype === 'string' ? (original.kernelFunc(args as never) as tf.TensorInfo) : identity(args);
  return { kernelName: 'Identity', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
