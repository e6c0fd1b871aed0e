/**
 * MNIST digits downscaled by an integer factor f (f divides 28: 1, 2, 4, 7, 14) with f × f
 * average pooling, for cheap presets (f = 2 turns a 28 × 112 four-digit item into 14 × 56).
 * Pooling a four-digit item equals pooling its digits one by one, because the digit boundaries
 * fall on multiples of f, so the whole MNIST part is pooled once and cached.
 *
 * The table holds exact block SUMS of the 0..255 pixels (≤ 255·f² < 2^16, so Uint16Array); the
 * pooled value in [0, 1] is `sum · scale` with `scale = 1 / (255 f²)`. For f = 1 the table is
 * the original Uint8Array itself (no copy).
 */
import { loadMnist, type MnistPart } from './mnist';

/** Pooled digit images `[count, side, side]`; a pixel's value in [0, 1] is `pixels[i] · scale`. */
export interface DownscaledDigits {
  side: number;
  pixels: Uint8Array | Uint16Array;
  scale: number;
}

const MNIST_SIDE = 28;
const cache = new Map<string, DownscaledDigits>();

/** Checks that `factor` is a positive integer dividing 28; throws naming the argument otherwise. */
export function checkDownscaleFactor(factor: number): void {
  if (!Number.isInteger(factor) || factor < 1 || MNIST_SIDE % factor !== 0) {
    throw new Error(`downscale must be a positive integer dividing 28 (1, 2, 4, 7, 14 or 28), got ${factor}`);
  }
}

/** The digits of MNIST `part` pooled by `factor` (cached per folder, part and factor). */
export function downscaledDigits(part: MnistPart, factor: number, mnistDir?: string): DownscaledDigits {
  checkDownscaleFactor(factor);
  const mnist = loadMnist(part, mnistDir);
  if (factor === 1) return { side: MNIST_SIDE, pixels: mnist.images, scale: 1 / 255 };
  const key = `${mnistDir ?? ''}\u0000${part}\u0000${factor}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const side = MNIST_SIDE / factor;
  const pixels = new Uint16Array(mnist.count * side * side);
  const source = mnist.images;
  for (let image = 0; image < mnist.count; image++) {
    const sourceBase = image * MNIST_SIDE * MNIST_SIDE;
    const targetBase = image * side * side;
    for (let row = 0; row < MNIST_SIDE; row++) {
      const sourceRow = sourceBase + row * MNIST_SIDE;
      const targetRow = targetBase + ((row / factor) | 0) * side;
      for (let col = 0; col < MNIST_SIDE; col++) pixels[targetRow + ((col / factor) | 0)] += source[sourceRow + col];
    }
  }
  const downscaled: DownscaledDigits = { side, pixels, scale: 1 / (255 * factor * factor) };
  cache.set(key, downscaled);
  return downscaled;
}
