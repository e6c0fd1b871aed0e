/**
 * Random streams addressed by an index (training step, map number): `indexedStream(seed, label,
 * i)` is a pure function of its arguments, so item i can be drawn without drawing items 0..i−1 —
 * a resumed run or a partial regeneration sees exactly the same numbers.
 *
 * Seed of stream i: the murmur3 finaliser of (base + i), where base is drawn from
 * `new Rng(seed).fork(label)`. The finaliser is a bijection of 32-bit integers, so different
 * indices never share a stream.
 */
import { Rng } from '../runtime/random';

/** The generator for item `index` (an integer in [0, 2^32)) of the stream `label` under `seed`. */
export function indexedStream(seed: number, label: string, index: number): Rng {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 32) {
    throw new Error(`index of stream '${label}' must be an integer in [0, 2^32), got ${index}`);
  }
  let h = (new Rng(seed).fork(label).nextUint32() + index) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Rng((h ^ (h >>> 16)) >>> 0);
}
