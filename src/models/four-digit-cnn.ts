/**
 * The per-item CNN of the four-digit MNIST ranking benchmark (diffsort's):
 *   conv 5×5, 32w ch ('same') → ReLU → maxpool 2 → conv 5×5, 64w ch ('same') → ReLU → maxpool 2
 *   → flatten → FC 64w → ReLU → FC 1,
 * applied to every item of every set: images `[B, n, H, W]` → scores `[B, n]`.
 * H × W = 28 × 112 (or 28/f × 112/f for data made with `downscale` f). Initialisation as
 * PyTorch's default (U(±1/√fanIn) for weights and biases), from `new Rng(seed).fork(weight name)`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { NamedWeights, uniformFanIn } from './named-weights';

export interface FourDigitCnnOptions {
  /** Channel multiplier w > 0: convs of round(32w) and round(64w) channels, hidden layer round(64w); default 1. */
  width?: number;
  /** Input items are 28/f × 112/f pixels (the data's `downscale`); f divides 28; default 1. */
  downscale?: number;
  /** Seed of the initial weights; default 0. Same seed ⇒ same weights. */
  seed?: number;
}

const KERNEL = 5;

export class FourDigitCnn extends NamedWeights {
  /** Item height and width in pixels. */
  readonly itemHeight: number;
  readonly itemWidth: number;
  /** Channels of the two convolutions and units of the hidden layer. */
  readonly channels: [number, number, number];

  constructor(options: FourDigitCnnOptions = {}) {
    super();
    const width = options.width ?? 1;
    const downscale = options.downscale ?? 1;
    const seed = options.seed ?? 0;
    if (!(Number.isFinite(width) && width > 0)) throw new Error(`fourDigitCnn: width must be a positive number, got ${width}`);
    if (!Number.isInteger(downscale) || downscale < 1 || 28 % downscale !== 0) {
      throw new Error(`fourDigitCnn: downscale must be a positive integer dividing 28 (1, 2, 4, 7, 14, 28), got ${downscale}`);
    }
    this.itemHeight = 28 / downscale;
    this.itemWidth = 112 / downscale;
    const [c1, c2, hidden] = [32, 64, 64].map((c) => Math.max(1, Math.round(c * width)));
    this.channels = [c1, c2, hidden];
    const flat = Math.floor(Math.floor(this.itemHeight / 2) / 2) * Math.floor(Math.floor(this.itemWidth / 2) / 2) * c2;
    if (flat === 0) throw new Error(`fourDigitCnn: items of ${this.itemHeight} × ${this.itemWidth} are too small for two 2 × 2 max-pools`);
    const rng = new Rng(seed);
    const layer = (name: string, shape: number[], fanIn: number): void => {
      this.addVariable(`${name}/kernel`, shape, uniformFanIn(rng.fork(`${name}/kernel`), shape.reduce((a, b) => a * b), fanIn));
      this.addVariable(`${name}/bias`, [shape[shape.length - 1]], uniformFanIn(rng.fork(`${name}/bias`), shape[shape.length - 1], fanIn));
    };
    layer('conv1', [KERNEL, KERNEL, 1, c1], KERNEL * KERNEL);
    layer('conv2', [KERNEL, KERNEL, c1, c2], KERNEL * KERNEL * c1);
    layer('fc1', [flat, hidden], flat);
    layer('fc2', [hidden, 1], hidden);
  }

  /**
   * Scores of every item. `images` `[B, n, H, W]` gives `[B, n]`; a flat batch of items
   * `[N, H, W, 1]` (NHWC) gives `[N]`. Pixels as the data produces them (in [0, 1]).
   */
  apply(images: tf.Tensor): tf.Tensor {
    const [H, W] = [this.itemHeight, this.itemWidth];
    const s = images.shape;
    const sets = images.rank === 4 && s[2] === H && s[3] === W;
    const flat = images.rank === 4 && s[1] === H && s[2] === W && s[3] === 1;
    if (!sets && !flat) {
      throw new Error(`FourDigitCnn.apply: images must be [B, n, ${H}, ${W}] or [N, ${H}, ${W}, 1], got [${s}]`);
    }
    const v = this.variables;
    return tf.tidy(() => {
      const x = tf.reshape(images, [-1, H, W, 1]) as tf.Tensor4D;
      const conv = (input: tf.Tensor4D, name: string): tf.Tensor4D =>
        tf.maxPool(
          tf.fused.conv2d({ x: input, filter: v[`${name}/kernel`] as tf.Tensor4D, strides: 1, pad: 'same', bias: v[`${name}/bias`], activation: 'relu' }),
          2,
          2,
          'valid',
        );
      const features = conv(conv(x, 'conv1'), 'conv2');
      const flatFeatures = tf.reshape(features, [features.shape[0], -1]) as tf.Tensor2D;
      const hidden = tf.fused.matMul({ a: flatFeatures, b: v['fc1/kernel'] as tf.Tensor2D, bias: v['fc1/bias'], activation: 'relu' });
      const scores = tf.fused.matMul({ a: hidden, b: v['fc2/kernel'] as tf.Tensor2D, bias: v['fc2/bias'] });
      return tf.reshape(scores, s.slice(0, sets ? 2 : 1));
    });
  }
}

/** A four-digit CNN with freshly initialised weights; see `FourDigitCnnOptions`. */
export function fourDigitCnn(options: FourDigitCnnOptions = {}): FourDigitCnn {
  return new FourDigitCnn(options);
}
