import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/index';

test('Rng: same seed gives the same sequence, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const seqA = Array.from({ length: 20 }, () => a.nextUint32());
  const seqB = Array.from({ length: 20 }, () => b.nextUint32());
  const seqC = Array.from({ length: 20 }, () => c.nextUint32());
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(seqA, seqC);
});

test('Rng: uniform in [0,1), normal has mean 0 and variance 1', () => {
  const rng = new Rng(7);
  let sum = 0;
  let sumSq = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = rng.normal();
    sum += z;
    sumSq += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sumSq / n - 1) < 0.02, `variance ${sumSq / n}`);
});

test('Rng: fork depends on seed and label only, not on draws made', () => {
  const a = new Rng(5);
  a.uniform();
  a.uniform();
  const b = new Rng(5);
  assert.equal(a.fork('noise').nextUint32(), b.fork('noise').nextUint32());
  assert.notEqual(b.fork('noise').nextUint32(), b.fork('data').nextUint32());
});

test('Rng: shuffle is a permutation; int stays in range; bad arguments are named', () => {
  const rng = new Rng(1);
  const items = Array.from({ length: 50 }, (_, i) => i);
  rng.shuffle(items);
  assert.deepEqual([...items].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  for (let i = 0; i < 1000; i++) assert.ok(rng.int(3) < 3);
  assert.throws(() => rng.int(0), /n must be a positive integer/);
  assert.throws(() => new Rng(NaN), /seed must be a finite number/);
});
