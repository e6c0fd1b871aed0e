import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KERNEL_LAUNCHER, KERNEL_NAME, ROOT, kernelSpec, registerKernel } from '../scripts/jupyter-env';

test("a kernel spec that starts another checkout's launcher is registered again for this one", () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-kernelspec-'));
  try {
    const file = path.join(data, 'kernels', KERNEL_NAME, 'kernel.json');
    assert.equal(registerKernel(data), 'nothing');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), kernelSpec());
    assert.equal(KERNEL_LAUNCHER, path.join(ROOT, 'bin', 'tslab-kernel'));
    assert.equal(registerKernel(data), undefined, 'an up-to-date spec is left alone');

    const copied = { ...kernelSpec(), argv: [process.execPath, '/elsewhere/newton-losses/bin/tslab-kernel', 'kernel', '--config-path', '{connection_file}'] };
    fs.writeFileSync(file, JSON.stringify(copied, null, 2));
    assert.equal(registerKernel(data), `${process.execPath} /elsewhere/newton-losses/bin/tslab-kernel`);
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { argv: string[] }).argv[1], KERNEL_LAUNCHER);

    fs.writeFileSync(file, '{ not json');
    assert.equal(registerKernel(data), 'an unreadable spec');
    assert.equal(registerKernel(data), undefined);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
