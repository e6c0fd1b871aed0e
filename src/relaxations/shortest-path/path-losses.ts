/**
 * Per-sample losses between a (relaxed or hard) path and the true path, summed over cells as in
 * the AlgoVision shortest-path experiments. Shapes: `path`, `target` `[B, H, W]` → `[B]`.
 */
import * as tf from '@tensorflow/tfjs';

/** L1 loss `sum_{h,w} |path - target|` per sample, `[B]`. */
export function pathL1Loss(path: tf.Tensor3D, target: tf.Tensor3D): tf.Tensor1D {
  checkPair(path, target, 'pathL1Loss');
  return tf.tidy(() => tf.sum(tf.abs(tf.sub(path, target)), [1, 2]) as tf.Tensor1D);
}

/** Squared L2 loss `sum_{h,w} (path - target)^2` per sample, `[B]`. */
export function pathL2SquaredLoss(path: tf.Tensor3D, target: tf.Tensor3D): tf.Tensor1D {
  checkPair(path, target, 'pathL2SquaredLoss');
  return tf.tidy(() => tf.sum(tf.square(tf.sub(path, target)), [1, 2]) as tf.Tensor1D);
}

function checkPair(path: tf.Tensor, target: tf.Tensor, where: string): void {
  if (!(path instanceof tf.Tensor) || path.rank !== 3) {
    throw new Error(`${where}: path must be a rank-3 tensor [B, H, W], got ${path instanceof tf.Tensor ? `shape [${path.shape}]` : typeof path}`);
  }
  if (!(target instanceof tf.Tensor) || !tf.util.arraysEqual(path.shape, target.shape)) {
    throw new Error(
      `${where}: target must have the shape of path [${path.shape.join(', ')}], got ${target instanceof tf.Tensor ? `[${target.shape.join(', ')}]` : typeof target}`,
    );
  }
}
