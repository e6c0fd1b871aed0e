/**
 * The per-item scorer of the loss-bound ranking benchmark: a four-digit item is given by its
 * digits, one-hot (4 positions × 10 digits = 40 features, most significant digit first), and
 * scored by a two-layer perceptron
 *   x [40] → FC `hidden` → ReLU → FC 1,
 * applied to every item of every set: digits `[B, n, 4]` → scores `[B, n]`.
 *
 * The perfect ranking is easy to represent: the linear score Σ_k 10^(3−k) digit_k is the item's
 * value, and `hidden` ReLU units can carry it. So, unlike with the CNN on pixels, the network is not
 * what limits learning: how well and how fast the ranking is learned is decided by the gradients of
 * the relaxed sorting loss. Initialisation as PyTorch's default (U(±1/√fanIn)), from
 * `new Rng(seed).fork(weight name)`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { NamedWeights, uniformFanIn } from './named-weights';

export interface DigitMlpOptions {
  /** Hidden units, integer ≥ 1; default 32. */
  hidden?: number;
  /** Seed of the initial weights; default 0. Same seed ⇒ same weights. */
  seed?: number;
}

/** Digits per item and the one-hot features per item (4 × 10). */
const DIGITS = 4;
const FEATURES = DIGITS * 10;

export class DigitMlp extends NamedWeights {
  readonly hidden: number;

  constructor(options: DigitMlpOptions = {}) {
    super();
    const hidden = options.hidden ?? 32;
    const seed = options.seed ?? 0;
    if (!(Number.isInteger(hidden) && hidden >= 1)) throw new Error(`digitMlp: hidden must be an integer ≥ 1, got ${hidden}`);
    this.hidden = hidden;
    const rng = new Rng(seed);
    const layer = (name: string, shape: [number, number]): void => {
      this.addVariable(`${name}/kernel`, shape, uniformFanIn(rng.fork(`${name}/kernel`), shape[0] * shape[1], shape[0]));
      this.addVariable(`${name}/bias`, [shape[1]], uniformFanIn(rng.fork(`${name}/bias`), shape[1], shape[0]));
    };
    layer('fc1', [FEATURES, hidden]);
    layer('fc2', [hidden, 1]);
  }

  /**
   * Scores of every item. `digits` `[B, n, 4]` (int32 or float, values 0…9, most significant first)
   * gives `[B, n]`. Throws on another shape.
   */
  apply(digits: tf.Tensor): tf.Tensor2D {
    const s = digits.shape;
    if (digits.rank !== 3 || s[2] !== DIGITS) throw new Error(`DigitMlp.apply: digits must be [B, n, ${DIGITS}], got [${s}]`);
    const v = this.variables;
    return tf.tidy(() => {
      const features = tf.reshape(tf.oneHot(tf.cast(tf.reshape(digits, [-1, DIGITS]), 'int32'), 10), [-1, FEATURES]).toFloat() as tf.Tensor2D;
      const hidden = tf.fused.matMul({ a: features, b: v['fc1/kernel'] as tf.Tensor2D, bias: v['fc1/bias'], activation: 'relu' });
      const scores = tf.fused.matMul({ a: hidden, b: v['fc2/kernel'] as tf.Tensor2D, bias: v['fc2/bias'] });
      return tf.reshape(scores, [s[0]!, s[1]!]) as tf.Tensor2D;
    });
  }
}

/** A digit MLP with freshly initialised weights; see `DigitMlpOptions`. */
export function digitMlp(options: DigitMlpOptions = {}): DigitMlp {
  return new DigitMlp(options);
}

/** The digits `[B·n·4]` (most significant first) of item values `[B·n]` in 0…9999. */
export function valueDigits(values: ArrayLike<number>): Int32Array {
  const digits = new Int32Array(values.length * DIGITS);
  for (let item = 0; item < values.length; item++) {
    let value = values[item];
    if (!(Number.isInteger(value) && value >= 0 && value < 10 ** DIGITS)) {
      throw new Error(`valueDigits: values[${item}] must be an integer in [0, 9999], got ${value}`);
    }
    for (let k = DIGITS - 1; k >= 0; k--) {
      digits[item * DIGITS + k] = value % 10;
      value = Math.floor(value / 10);
    }
  }
  return digits;
}
