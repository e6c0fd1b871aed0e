/**
 * Sorting-network layouts (odd-even transposition and bitonic), as in diffsort, and the per-layer
 * constant tensors the differentiable network runs on. Each layer is a set of disjoint comparators;
 * comparator (lo, hi) puts the minimum on wire lo and the maximum on wire hi.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../runtime/random';

export const SORTING_NETWORKS = ['odd_even', 'bitonic'] as const;
export type SortingNetworkType = (typeof SORTING_NETWORKS)[number];

/** One layer: `partner[w]` is the wire w is compared with (w itself if idle); `role[w]` is −1 on the min wire, +1 on the max wire, 0 if idle. */
export interface NetworkLayer {
  partner: Int32Array;
  role: Int8Array;
}

/**
 * Odd-even transposition network on n wires: n layers, alternately comparators (0,1),(2,3),… and
 * (1,2),(3,4),…. diffsort's corner "comparators" of a wire with itself are identities and omitted.
 */
export function oddEvenLayers(n: number): NetworkLayer[] {
  const layers: NetworkLayer[] = [];
  for (let layer = 0; layer < n; layer++) {
    const comparators: [number, number][] = [];
    for (let i = layer % 2; i + 1 < n; i += 2) comparators.push([i, i + 1]);
    layers.push(toLayer(n, comparators));
  }
  return layers;
}

/**
 * Bitonic network on n wires: the bitonic sorter on N = 2^⌈log₂ n⌉ wires whose top N − n wires are
 * virtual. Blocks b = 0..log₂N − 1, each with b + 1 layers of comparator distance m = 2^(b − l);
 * comparators inside odd-numbered runs of 2^(b+1) wires sort descending (min on the higher wire).
 * diffsort drops every comparator that touches a virtual wire (an identity on the real one), and so
 * do we. For some n the result is not a sorting network any more (among n ≤ 70: 22, 38, 42–46, 54,
 * 70); `sortingNetwork` checks each n once and refuses those (see `zeroOneCounterexample`).
 */
export function bitonicLayers(n: number): NetworkLayer[] {
  const blocks = Math.ceil(Math.log2(n));
  const size = 2 ** blocks;
  const virtual = size - n; // wires 0..virtual-1 are virtual; real wire w is wire w + virtual
  const layers: NetworkLayer[] = [];
  for (let block = 0; block < blocks; block++) {
    for (let layer = 0; layer <= block; layer++) {
      const m = 2 ** (block - layer);
      const comparators: [number, number][] = [];
      for (let start = 0; start < size; start += 2 * m) {
        for (let j = 0; j < m; j++) {
          const a = start + j;
          const b = a + m;
          if (a < virtual || b < virtual) continue;
          const descending = Math.floor(a / 2 ** (block + 1)) % 2 === 1;
          comparators.push(descending ? [b - virtual, a - virtual] : [a - virtual, b - virtual]);
        }
      }
      layers.push(toLayer(n, comparators));
    }
  }
  return layers;
}

/**
 * A 0/1 input that the hard network (min/max comparators) leaves unsorted, or null. By the 0-1
 * principle a network that sorts every 0/1 vector sorts everything: all 2^n are tried for n ≤ 16,
 * else 4096 random ones (a seeded draw, each with a uniformly random number of ones).
 */
export function zeroOneCounterexample(layers: NetworkLayer[], n: number): number[] | null {
  const exhaustive = n <= 16;
  const trials = exhaustive ? 2 ** n : 4096;
  const rng = new Rng(n);
  const values = new Float64Array(n);
  const next = new Float64Array(n);
  for (let trial = 0; trial < trials; trial++) {
    if (exhaustive) {
      for (let w = 0; w < n; w++) values[w] = (trial >> w) & 1;
    } else {
      const ones = rng.int(n + 1);
      for (let w = 0; w < n; w++) values[w] = w < ones ? 1 : 0;
      rng.shuffle(values);
    }
    const input = Array.from(values);
    for (const { partner, role } of layers) {
      for (let w = 0; w < n; w++) {
        const other = values[partner[w]];
        next[w] = role[w] < 0 ? Math.min(values[w], other) : role[w] > 0 ? Math.max(values[w], other) : values[w];
      }
      values.set(next);
    }
    for (let w = 1; w < n; w++) if (values[w - 1] > values[w]) return input;
  }
  return null;
}

function toLayer(n: number, comparators: [number, number][]): NetworkLayer {
  const partner = Int32Array.from({ length: n }, (_, w) => w);
  const role = new Int8Array(n);
  for (const [lo, hi] of comparators) {
    partner[lo] = hi;
    partner[hi] = lo;
    role[lo] = -1;
    role[hi] = 1;
  }
  return { partner, role };
}

/**
 * A layer as tensors: `partners` [n, n] with (x @ partners)[w] = x[partner(w)] (a permutation
 * matrix), and `lowMinusHigh` [n, n] with (x @ lowMinusHigh)[w] = x[lo] − x[hi] of w's comparator
 * (0 on idle wires).
 */
export interface LayerTensors {
  partners: tf.Tensor2D;
  lowMinusHigh: tf.Tensor2D;
}

/** A network as constant tensors: its layers, and the identity [1, n, n] its permutation starts from. */
export interface NetworkTensors {
  layers: LayerTensors[];
  identity: tf.Tensor3D;
}

const cache = new Map<string, NetworkTensors>();

/**
 * The layers of `network` on n wires as constant tensors, built once per (backend, network, n) and
 * kept for the life of the process (2 tensors of n × n per layer, and I).
 */
export function networkTensors(network: SortingNetworkType, n: number): NetworkTensors {
  const key = `${tf.getBackend()}:${network}:${n}`;
  let tensors = cache.get(key);
  if (!tensors) {
    const layers = network === 'odd_even' ? oddEvenLayers(n) : bitonicLayers(n);
    if (network === 'bitonic' && !Number.isInteger(Math.log2(n))) {
      const counterexample = zeroOneCounterexample(layers, n);
      if (counterexample) {
        throw new Error(
          `sortingNetwork: options.network 'bitonic' (diffsort's padded layout) does not sort n = ${n} inputs ` +
            `(it leaves [${counterexample.join(', ')}] unsorted); use 'odd_even', or n a power of two`,
        );
      }
    }
    tensors = { layers: layers.map((layer) => layerTensors(layer, n)), identity: tf.keep(tf.tidy(() => tf.eye(n).reshape([1, n, n]))) };
    cache.set(key, tensors);
  }
  return tensors;
}

function layerTensors({ partner, role }: NetworkLayer, n: number): LayerTensors {
  const partners = new Float32Array(n * n);
  const lowMinusHigh = new Float32Array(n * n);
  for (let w = 0; w < n; w++) {
    partners[partner[w] * n + w] = 1;
    if (partner[w] === w) continue;
    // x[lo] − x[hi] = role[w] · (x[partner] − x[w])
    lowMinusHigh[partner[w] * n + w] += role[w];
    lowMinusHigh[w * n + w] -= role[w];
  }
  return tf.tidy(() => ({
    partners: tf.keep(tf.tensor2d(partners, [n, n])),
    lowMinusHigh: tf.keep(tf.tensor2d(lowMinusHigh, [n, n])),
  }));
}
