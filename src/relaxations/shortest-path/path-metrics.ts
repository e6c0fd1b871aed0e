/**
 * Evaluation metrics of predicted shortest paths (Warcraft): per sample, `[B]`.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Perfect match: 1 where the predicted path equals the true path in every cell, else 0.
 *
 * @param predicted 0/1 paths `[B, H, W]` (e.g. `dijkstra(predictedCosts).paths`).
 * @param truth 0/1 paths `[B, H, W]`.
 * @returns `[B]` float32 of 0/1.
 */
export function perfectMatch(predicted: tf.Tensor3D, truth: tf.Tensor3D): tf.Tensor1D {
  checkSameShape(predicted, truth, 'perfectMatch', 'truth');
  return tf.tidy(() => tf.cast(tf.all(tf.equal(predicted, truth), [1, 2]), 'float32') as tf.Tensor1D);
}

/**
 * Cost ratio: the true cost of the predicted path over the true cost of the true path,
 * `<w, predicted> / <w, truth>` (>= 1 when `truth` is optimal under `weights`; 1 is perfect).
 *
 * @param predicted paths `[B, H, W]`; @param truth optimal paths `[B, H, W]`;
 * @param weights true vertex costs `[B, H, W]` (positive).
 * @returns `[B]` float32.
 */
export function costRatio(predicted: tf.Tensor3D, truth: tf.Tensor3D, weights: tf.Tensor3D): tf.Tensor1D {
  checkSameShape(predicted, truth, 'costRatio', 'truth');
  checkSameShape(predicted, weights, 'costRatio', 'weights');
  return tf.tidy(() => {
    const optimal = tf.sum(tf.mul(truth, weights), [1, 2]);
    if (tf.any(tf.lessEqual(optimal, 0)).dataSync()[0]) {
      throw new Error('costRatio: the true paths must have a positive cost under weights (got a cost <= 0)');
    }
    return tf.div(tf.sum(tf.mul(predicted, weights), [1, 2]), optimal) as tf.Tensor1D;
  });
}

function checkSameShape(predicted: tf.Tensor, other: tf.Tensor, where: string, name: string): void {
  if (!(predicted instanceof tf.Tensor) || predicted.rank !== 3) {
    throw new Error(`${where}: predicted must be a tensor [B, H, W], got ${predicted instanceof tf.Tensor ? `shape [${predicted.shape.join(', ')}]` : String(predicted)}`);
  }
  if (!(other instanceof tf.Tensor) || !tf.util.arraysEqual(other.shape, predicted.shape)) {
    throw new Error(
      `${where}: ${name} must have the shape of predicted [${predicted.shape.join(', ')}], got ${other instanceof tf.Tensor ? `[${other.shape.join(', ')}]` : String(other)}`,
    );
  }
}
