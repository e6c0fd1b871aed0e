import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend, BACKEND_ENV_VAR } from '../src/index';

test('initBackend: auto picks a working backend and reports it', async () => {
  const info = await initBackend('auto');
  assert.equal(info.name, tf.getBackend());
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(info.name));
  assert.ok(info.threads >= 1);
  assert.match(describeBackend(info), new RegExp(`^${info.name} `));
});

/** True when the real package is installed (danfojs-node's override puts tfjs under the tfjs-node name). */
function installed(pkg: string): boolean {
  try {
    return (require(`${pkg}/package.json`) as { name: string }).name === pkg;
  } catch {
    return false;
  }
}

test('initBackend: without the native packages, auto falls back to wasm silently', async (t) => {
  if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) {
    t.skip('a native tfjs package is installed on this machine');
    return;
  }
  const info = await initBackend();
  assert.equal(info.name, 'wasm');
  assert.equal(info.simd, true);
  assert.deepEqual(info.skipped, []);
});

test('initBackend: explicit names switch backends and are verified', async () => {
  assert.equal((await initBackend('cpu')).name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal((await initBackend('wasm')).name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('initBackend: the environment variable overrides auto; bad names are clear errors', async () => {
  const saved = process.env[BACKEND_ENV_VAR];
  try {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    assert.equal((await initBackend()).name, 'cpu');
    process.env[BACKEND_ENV_VAR] = 'tpu';
    await assert.rejects(initBackend(), /NEWTON_LOSSES_BACKEND: unknown backend 'tpu'/);
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  }
  await assert.rejects(initBackend('webgpu'), /initBackend\(preferred\): unknown backend 'webgpu'; expected one of auto/);
});

test('initBackend: a requested backend that is not installed is an error saying why', async (t) => {
  if (installed('@tensorflow/tfjs-node-gpu')) {
    t.skip('@tensorflow/tfjs-node-gpu is installed on this machine');
    return;
  }
  await assert.rejects(initBackend('tfjs-node-gpu'), /'tfjs-node-gpu' was requested but cannot start: not installed/);
  await initBackend('wasm');
});
