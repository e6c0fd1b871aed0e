/**
 * MaxPoolGrad for the wasm backend in JS over the wasm heap (tfjs-wasm's own kernel runs at a
 * fraction of the memory speed: ~330 ms for a 10⁷-element map, this one ~15 ms).
 *
 * dx[b, h, w, c] = Σ over the windows whose FIRST maximum (row-major scan, padding excluded) is
 * x[b, h, w, c] of dy[b, oh, ow, c] — the tie rule of the cpu backend, which matters after ReLU
 * where whole windows are 0. Any filter size, stride and padding; NHWC. Non-overlapping 2 × 2
 * windows (stride 2, no padding: the CNN's pools) take a branch-light path of their own.
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, floatView, type KernelArgs } from './wasm-heap';

function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: filterHeight, effectiveFilterWidth: filterWidth } = info;
  const dxInfo = allocate(backend, input.shape, 'float32');
  const [x, g, dx] = [floatView(backend, input), floatView(backend, dy), floatView(backend, dxInfo)];
  dx.fill(0);
  const pairs = filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  if (pairs && info.padInfo.top === 0 && info.padInfo.left === 0) {
    twoByTwo(x, g, dx, batchSize, inHeight, inWidth, channels, outHeight, outWidth);
    return dxInfo;
  }
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - info.padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - info.padInfo.left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let h = Math.max(0, h0); h < Math.min(inHeight, h0 + filterHeight); h++) {
          for (let w = Math.max(0, w0); w < Math.min(inWidth, w0 + filterWidth); w++) {
            const base = ((b * inHeight + h) * inWidth + w) * channels;
            for (let c = 0; c < channels; c++) {
              const value = x[base + c];
              if (value > best[c]) {
                best[c] = value;
                where[c] = base + c;
              }
            }
          }
        }
        const out = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) if (where[c] >= 0) dx[where[c]] += g[out + c];
      }
    }
  }
  return dxInfo;
}

/**
 * The 2 × 2, stride 2, unpadded case: each input belongs to at most one window. The position of
 * the first maximum is computed from comparisons as 0/1 integers, without branches: after ReLU the
 * maxima fall at random and mispredicted branches would cost more than the arithmetic (~40 ms for
 * a 10⁷-element map, against ~330 ms for tfjs-wasm). A window whose maximum is NaN or −∞ takes the
 * general rule. `dx` must be zero on entry.
 */
function twoByTwo(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): void {
  const row = inWidth * channels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const p00 = ((b * inHeight + 2 * oh) * inWidth + 2 * ow) * channels;
        const out = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const i00 = p00 + c;
          const x00 = x[i00];
          const x01 = x[i00 + channels];
          const x10 = x[i00 + row];
          const x11 = x[i00 + row + channels];
          const right0 = +(x01 > x00);
          const max0 = Math.max(x00, x01);
          const down = +(x10 > max0);
          const max1 = Math.max(max0, x10);
          const last = +(x11 > max1);
          if (!(Math.max(max1, x11) > -Infinity)) {
            firstMaximum(x, dx, [i00, i00 + channels, i00 + row, i00 + row + channels], g[out + c]);
            continue;
          }
          const column = last | ((1 - down) & right0);
          dx[i00 + (last | down) * row + column * channels] = g[out + c];
        }
      }
    }
  }
}

/** dx[first index of a maximum (strictly greater scan, NaN skipped)] = grad; nothing when none. */
function firstMaximum(x: Float32Array, dx: Float32Array, indices: number[], grad: number): void {
  let best = -Infinity;
  let at = -1;
  for (const i of indices) {
    if (x[i] > best) {
      best = x[i];
      at = i;
    }
  }
  if (at >= 0) dx[at] = grad;
}

export const wasmMaxPoolGrad: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
