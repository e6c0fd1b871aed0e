/**
 * The ranking loss of diffsort's benchmark: binary cross-entropy between a relaxed permutation and
 * the ground-truth permutation, with torch.nn.BCELoss's numerics.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFloat } from '../../runtime/checks';

/** torch's BCELoss clamps each log at −100 ... */
const LOG_FLOOR = -100;
/** ... and divides its gradient by max(p (1 − p), 1e-12). */
const GRADIENT_EPSILON = 1e-12;

/**
 * Per-sample ranking loss, BCE averaged over the n·n entries of each sample:
 *
 *   loss_b = −1/n² Σ_ij [ Q_ij max(log P_ij, −100) + (1 − Q_ij) max(log(1 − P_ij), −100) ].
 *
 * Derivative w.r.t. P (torch's): (P − Q) / max(P (1 − P), 1e-12) / n², so saturated entries
 * (P ∈ {0, 1} in float32) give finite gradients and finite second derivatives. The ground truth is
 * a constant: no gradient flows into it.
 *
 * @param permutation P [B, n, n] with entries in [0, 1] (any relaxation's output).
 * @param groundTruth Q [B, n, n] with entries in [0, 1], usually `groundTruthPermutation(targets)`.
 * @returns [B] float32.
 */
export function rankingLoss(permutation: tf.Tensor3D, groundTruth: tf.Tensor3D): tf.Tensor1D {
  const where = 'rankingLoss';
  assertSquareBatch(where, 'permutation', permutation);
  assertSquareBatch(where, 'groundTruth', groundTruth);
  if (permutation.shape.some((size, axis) => size !== groundTruth.shape[axis])) {
    throw new Error(
      `${where}: groundTruth must have the shape of permutation [${permutation.shape.join(', ')}], got [${groundTruth.shape.join(', ')}]`,
    );
  }
  assertFloat(where, 'permutation', permutation);
  return tf.tidy(() => tf.mean(binaryCrossEntropy(permutation, groundTruth.toFloat()), [1, 2]) as tf.Tensor1D);
}

/** Elementwise −[q log p + (1 − q) log(1 − p)], logs floored at −100, torch's gradient; no gradient into q. */
function binaryCrossEntropy(p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  const entries = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const probability = inputs[0] as tf.Tensor;
    (inputs[1] as tf.GradSaveFunc)([probability, q]);
    const value = tf.neg(
      tf.add(tf.mul(q, flooredLog(probability)), tf.mul(tf.sub(1, q), flooredLog(tf.sub(1, probability)))),
    );
    return {
      value,
      // Built from the saved input with differentiable ops, so it can be differentiated again.
      gradFunc: (dy: tf.Tensor, [savedP, savedQ]: tf.Tensor[]) =>
        tf.div(tf.mul(dy, tf.sub(savedP, savedQ)), tf.maximum(tf.mul(savedP, tf.sub(1, savedP)), GRADIENT_EPSILON)),
    };
  });
  return entries(p);
}

function flooredLog(x: tf.Tensor): tf.Tensor {
  return tf.maximum(tf.log(x), LOG_FLOOR);
}

function assertSquareBatch(where: string, name: string, value: unknown): asserts value is tf.Tensor3D {
  if (!(value instanceof tf.Tensor) || value.rank !== 3 || value.shape[1] !== value.shape[2] || value.shape[1] < 2) {
    const got = value instanceof tf.Tensor ? `shape [${value.shape.join(', ')}]` : String(value);
    throw new Error(`${where}: ${name} must be a tf.Tensor3D [B, n, n] with n ≥ 2, got ${got}`);
  }
}
