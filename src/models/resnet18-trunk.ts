/**
 * The ResNet18 trunk of the Warcraft shortest-path benchmark (as the public code of Vlastelica et
 * al. / Berthet et al.): maps `[B, S, S, 3]` (S = 96 for 12 × 12 tiles) → vertex costs `[B, g, g]`:
 *   conv 7×7 stride 2 pad 3 (64w ch, no bias) → BN → ReLU → maxpool 3×3 stride 2 pad 1
 *   → layer1 = 2 basic blocks [conv 3×3 → BN → ReLU → conv 3×3 → BN, + identity, ReLU] of 64w ch
 *   → adaptive max-pool to g × g → mean over channels → positive map.
 * The positive map is `abs` by default, as the public code (`torch.abs` of the output), which
 * keeps the trunk's linear scale; 'softplus' (log(1 + eˣ)) is smooth and never exactly 0.
 * Batch norm: ε = 1e-5; in training mode it normalises with the batch statistics and updates the
 * running ones, running = 0.9 running + 0.1 batch (unbiased variance), as PyTorch; in inference
 * mode it uses the running statistics and changes nothing. Initialisation as torchvision:
 * convs N(0, 2/fanOut), BN scale 1 and offset 0, from `new Rng(seed).fork(weight name)`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { NamedWeights, constant, kaimingNormalFanOut } from './named-weights';

export interface Resnet18TrunkOptions {
  /** Channel multiplier w > 0: round(64w) channels; default 1. */
  width?: number;
  /** Output cells per side g; default 12. The map after the stem (≈ S/4 per side) must be a multiple of g. */
  gridSize?: number;
  /** 'abs' (default, the public code) or 'softplus'. */
  outputMap?: 'abs' | 'softplus';
  /** Seed of the initial weights; default 0. Same seed ⇒ same weights. */
  seed?: number;
}

const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.1;
const OUTPUT_MAPS = ['abs', 'softplus'] as const;

export class Resnet18Trunk extends NamedWeights {
  readonly channels: number;
  readonly gridSize: number;
  readonly outputMap: 'abs' | 'softplus';

  constructor(options: Resnet18TrunkOptions = {}) {
    super();
    const width = options.width ?? 1;
    this.gridSize = options.gridSize ?? 12;
    this.outputMap = options.outputMap ?? 'abs';
    if (!(Number.isFinite(width) && width > 0)) throw new Error(`resnet18Trunk: width must be a positive number, got ${width}`);
    if (!Number.isInteger(this.gridSize) || this.gridSize < 1) {
      throw new Error(`resnet18Trunk: gridSize must be a positive integer, got ${this.gridSize}`);
    }
    if (!OUTPUT_MAPS.includes(this.outputMap)) {
      throw new Error(`resnet18Trunk: outputMap must be one of ${OUTPUT_MAPS.join(', ')}, got '${this.outputMap}'`);
    }
    const c = (this.channels = Math.max(1, Math.round(64 * width)));
    const rng = new Rng(options.seed ?? 0);
    const conv = (name: string, k: number, cin: number): void => {
      const shape = [k, k, cin, c];
      this.addVariable(name, shape, kaimingNormalFanOut(rng.fork(name), k * k * cin * c, k * k * c));
    };
    const batchNorm = (name: string): void => {
      this.addVariable(`${name}/scale`, [c], constant(c, 1));
      this.addVariable(`${name}/offset`, [c], constant(c, 0));
      this.addState(`${name}/movingMean`, [c], constant(c, 0));
      this.addState(`${name}/movingVariance`, [c], constant(c, 1));
    };
    conv('conv1', 7, 3);
    batchNorm('bn1');
    for (const block of ['layer1.0', 'layer1.1']) {
      conv(`${block}/conv1`, 3, c);
      batchNorm(`${block}/bn1`);
      conv(`${block}/conv2`, 3, c);
      batchNorm(`${block}/bn2`);
    }
  }

  /**
   * Vertex costs `[B, g, g]` (positive) of maps `[B, S, S, 3]`.
   * @param training batch statistics + running-statistics update (true) or running statistics (false).
   */
  apply(maps: tf.Tensor, { training }: { training: boolean }): tf.Tensor3D {
    if (maps.rank !== 4 || maps.shape[3] !== 3) throw new Error(`Resnet18Trunk.apply: maps must be [B, S, S, 3], got [${maps.shape}]`);
    return tf.tidy(() => {
      const v = this.variables;
      const bn = (x: tf.Tensor4D, name: string): tf.Tensor4D => this.batchNorm(x, name, training);
      const conv = (x: tf.Tensor4D, name: string, stride: number, pad: number): tf.Tensor4D =>
        tf.conv2d(x, v[name] as tf.Tensor4D, stride, pad);
      let x = tf.relu(bn(conv(maps as tf.Tensor4D, 'conv1', 2, 3), 'bn1'));
      x = tf.maxPool(x, 3, 2, 1);
      for (const block of ['layer1.0', 'layer1.1']) {
        const inner = tf.relu(bn(conv(x, `${block}/conv1`, 1, 1), `${block}/bn1`));
        x = tf.relu(tf.add(bn(conv(inner, `${block}/conv2`, 1, 1), `${block}/bn2`), x)) as tf.Tensor4D;
      }
      const [height, width] = [x.shape[1], x.shape[2]];
      const g = this.gridSize;
      if (height % g !== 0 || width % g !== 0) {
        throw new Error(`Resnet18Trunk.apply: the ${height} × ${width} feature map (from ${maps.shape[1]} × ${maps.shape[2]} maps) is not a multiple of gridSize ${g}`);
      }
      const pooled = tf.maxPool(x, [height / g, width / g], [height / g, width / g], 'valid');
      const costs = tf.mean(pooled, 3) as tf.Tensor3D;
      return this.outputMap === 'abs' ? tf.abs(costs) : tf.softplus(costs);
    });
  }

  private batchNorm(x: tf.Tensor4D, name: string, training: boolean): tf.Tensor4D {
    const scale = this.variables[`${name}/scale`];
    const offset = this.variables[`${name}/offset`];
    const movingMean = this.state[`${name}/movingMean`];
    const movingVariance = this.state[`${name}/movingVariance`];
    if (!training) return tf.batchNorm(x, movingMean, movingVariance, offset, scale, BN_EPSILON) as tf.Tensor4D;
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const count = x.size / x.shape[3];
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      movingMean.assign(tf.add(tf.mul(movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    });
    return tf.batchNorm(x, mean, variance, offset, scale, BN_EPSILON) as tf.Tensor4D;
  }
}

/** A ResNet18 trunk with freshly initialised weights; see `Resnet18TrunkOptions`. */
export function resnet18Trunk(options: Resnet18TrunkOptions = {}): Resnet18Trunk {
  return new Resnet18Trunk(options);
}
