/**
 * Sum and Mean over LEADING axes on the wasm backend, in JS over the wasm heap. tfjs-wasm reduces
 * only innermost axes, so for these it first transposes the whole tensor (slow: ~75 ms for the
 * bias gradient of a 10⁷-element activation). Training hits this case all the time: bias and
 * batch-norm gradients are sums of dy [N, H, W, C] over [0, 1, 2].
 *
 * With R = product of the reduced (leading) sizes and x viewed as [R, C]:
 *   sum[c] = Σ_r x[r, c],  mean[c] = sum[c] / R  (accumulated in float64).
 * Other cases (inner or mixed axes, int32) go to tfjs-wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, floatView, type KernelArgs } from './wasm-heap';

type Reduction = 'Sum' | 'Mean';

/** The fast path of `kind`, or null when the reduction is not over a proper prefix of float32 axes. */
function leadingAxesReduction(kind: Reduction, { inputs, attrs, backend }: KernelArgs): tf.TensorInfo | null {
  const { x } = inputs;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32') return null;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const count = axes.length;
  if (count === 0 || count >= x.shape.length || axes[count - 1] !== count - 1) return null;
  const rows = x.shape.slice(0, count).reduce((a, b) => a * b, 1);
  const kept = x.shape.slice(count);
  const columns = kept.reduce((a, b) => a * b, 1);
  const out = allocate(backend, keepDims ? [...new Array<number>(count).fill(1), ...kept] : kept, 'float32');
  const [values, result] = [floatView(backend, x), floatView(backend, out)];
  const totals = new Float64Array(columns);
  for (let r = 0, base = 0; r < rows; r++, base += columns) {
    for (let c = 0; c < columns; c++) totals[c] += values[base + c];
  }
  const scale = kind === 'Mean' ? 1 / rows : 1;
  for (let c = 0; c < columns; c++) result[c] = totals[c] * scale;
  return out;
}

/** `kind` on wasm: the leading-axes fast path, else `original` (tfjs-wasm's kernel). */
export function wasmReduction(kind: Reduction, original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: kind,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: ((args: KernelArgs) => leadingAxesReduction(kind, args) ?? original.kernelFunc(args as never)) as unknown as tf.KernelFunc,
  };
}
