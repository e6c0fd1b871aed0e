/**
 * conv2d gradients for the wasm backend, expressed as FORWARD convolutions so that they run on
 * XNNPACK (tens of GFLOP/s) instead of tfjs-wasm's scalar backprop loop (~1 GFLOP/s) or, for the
 * filter gradient, tfjs's missing kernel. NHWC only (as the wasm forward conv2d).
 *
 * Forward (stride s, padding top/left p): y[b,o,q,c'] = Σ x[b, o·s − p + i, q·s − p + j, c] f[i,j,c,c'].
 *
 * - input gradient: dx = conv(pad(spread_s(dy)), f̃), stride 1, where spread_s puts s − 1 zeros
 *   between the entries of dy, f̃[i,j,c',c] = f[K−1−i, K−1−j, c, c'] (spatially flipped, channels
 *   swapped), and the padding is K − 1 − p before and whatever gives the input size after.
 * - filter gradient: df[i,j,c,c'] = Σ_{b,o,q} x[b, i − p + o·s, j − p + q·s, c] dy[b,o,q,c'], i.e. a
 *   conv of xᵀ = x as [c, H, W, b] (input channels become the batch, the batch becomes channels)
 *   with dyᵀ = dy as [o, q, b, c'] as the filter, dilated by s, stride 1, giving [c, K, K, c'].
 *   When the filter has no more taps K·K·C than output channels C' (a first layer on grey
 *   images), one GEMM is faster: df as [(i,j,c), c'] = T · dy as [(b,o,q), c'], where
 *   T[(i,j,c), (b,o,q)] = x[b, i − p + o·s, j − p + q·s, c] (0 in the padding) is written in JS
 *   straight from x; T is then no larger than dy (faster than the convolution for the four-digit
 *   CNN's first layer, slower when T is larger: bench/train-step.ts).
 *
 * The kernel functions call public tf ops; inside a kernel they run on the wasm backend, are not
 * recorded on the gradient tape, and intermediates are freed by `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, floatView } from './wasm-heap';

type Conv2DInfo = tf.backend_util.Conv2DInfo;
interface BackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** dx for y = conv2d(x, filter): inputs { dy, filter }, attrs { inputShape, strides, pad, dataFormat }. */
function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const dy = args.inputs.dy as tf.Tensor4D;
  const filter = args.inputs.filter as tf.Tensor4D;
  const attrs = args.attrs as unknown as BackpropAttrs & { inputShape: [number, number, number, number] };
  const info = convInfo('Conv2DBackpropInput', attrs, attrs.inputShape, filter.shape);
  return tf.tidy(() => {
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const spread = spreadOut(dy, sh, sw);
    const top = kh - 1 - padInfo.top;
    const left = kw - 1 - padInfo.left;
    const bottom = info.inHeight + kh - 1 - spread.shape[1] - top;
    const right = info.inWidth + kw - 1 - spread.shape[2] - left;
    const [padded, padding] = padOrCrop(spread, top, bottom, left, right);
    return tf.conv2d(padded, flipped, 1, padding);
  });
}

/** df for y = conv2d(x, filter): inputs { x, dy }, attrs { filterShape, strides, pad, dataFormat }. */
function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }): tf.Tensor {
  const x = args.inputs.x as tf.Tensor4D;
  const dy = args.inputs.dy as tf.Tensor4D;
  const attrs = args.attrs as unknown as BackpropAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo('Conv2DBackpropFilter', attrs, x.shape, attrs.filterShape);
  if (info.filterHeight * info.filterWidth * info.inChannels <= info.outChannels) return filterGradientByTaps(x, dy, info, args.backend);
  return tf.tidy(() => {
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
    const [outHeight, outWidth] = [dy.shape[1], dy.shape[2]];
    const bottom = kh + (outHeight - 1) * sh - info.inHeight - padInfo.top;
    const right = kw + (outWidth - 1) * sw - info.inWidth - padInfo.left;
    const [padded, padding] = padOrCrop(tf.transpose(x, [3, 1, 2, 0]), padInfo.top, bottom, padInfo.left, right);
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
    const grad = tf.conv2d(padded, dyAsFilter, 1, padding, 'NHWC', [sh, sw]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}

/** df = T · dy (see the header), for filters with few taps K·K·C. */
function filterGradientByTaps(x: tf.Tensor4D, dy: tf.Tensor4D, info: Conv2DInfo, backend: tf.KernelBackend): tf.Tensor {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const columns = batchSize * outHeight * outWidth;
  const tapsInfo = allocate(backend, [taps, columns], 'float32');
  const [source, target] = [floatView(backend, x), floatView(backend, tapsInfo)];
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      for (let c = 0; c < inChannels; c++) {
        let t = ((i * filterWidth + j) * inChannels + c) * columns;
        for (let b = 0; b < batchSize; b++) {
          for (let o = 0; o < outHeight; o++) {
            const h = o * strideHeight + i - info.padInfo.top;
            if (h < 0 || h >= inHeight) {
              target.fill(0, t, t + outWidth);
              t += outWidth;
              continue;
            }
            const rowBase = (b * inHeight + h) * inWidth;
            for (let q = 0; q < outWidth; q++, t++) {
              const w = q * strideWidth + j - info.padInfo.left;
              target[t] = w >= 0 && w < inWidth ? source[(rowBase + w) * inChannels + c] : 0;
            }
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const tapMatrix = tf.engine().makeTensorFromTensorInfo(tapsInfo);
    const grad = tf.matMul(tapMatrix, tf.reshape(dy, [columns, dy.shape[3]]));
    return tf.reshape(grad, [filterHeight, filterWidth, inChannels, dy.shape[3]]);
  });
}

function convInfo(kernel: string, attrs: BackpropAttrs, xShape: number[], filterShape: number[]): Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (wasm): dataFormat must be 'NHWC' (as wasm conv2d), got '${attrs.dataFormat}'`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/** [B, H, W, C] → [B, (H−1)·sh + 1, (W−1)·sw + 1, C] with sh − 1 / sw − 1 zeros between entries. */
function spreadOut(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  const holes = tf.pad(tf.reshape(t, [b, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape(holes, [b, h * sh, w * sw, c]), 0, [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
}

/** Explicit conv padding for the spatial axes; negative amounts crop the tensor instead. */
function padOrCrop(
  t: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): [tf.Tensor4D, tf.backend_util.ExplicitPadding] {
  const [b, h, w, c] = t.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const cropped =
    top < 0 || bottom < 0 || left < 0 || right < 0
      ? tf.slice(t, [0, cropTop, cropLeft, 0], [b, h - cropTop - Math.max(0, -bottom), w - cropLeft - Math.max(0, -right), c])
      : t;
  const padding: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return [cropped, padding];
}

export const wasmConv2dBackpropInput: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};

export const wasmConv2dBackpropFilter: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
