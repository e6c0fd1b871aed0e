// `npm run notebook` starts a Jupyter front end that answers on localhost and offers this checkout's kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { KERNEL_LAUNCHER, KERNEL_NAME, ROOT, readJupyterEnv } from '../../scripts/jupyter-env';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const { python } = readJupyterEnv();
const frontEnd = ['jupyterlab', 'notebook'].find((m) => spawnSync(python, ['-c', `import ${m}`], { stdio: 'ignore' }).status === 0);

test('npm run notebook answers on localhost with the project kernel', { skip: frontEnd ? false : `no Jupyter front end for ${python} (apt-get install jupyter-notebook)` }, async () => {
  const port = await freePort();
  // Its own process group, so that the test stops npm, tsx and Jupyter together.
  const child = spawn('npm', ['run', 'notebook', '--', '--no-browser', `--port=${port}`], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    const deadline = Date.now() + 90_000;
    let specs: { kernelspecs: Record<string, { spec: { argv: string[] } }> } | undefined;
    while (!specs && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const token = /[?&]token=([0-9a-f]+)/.exec(log)?.[1];
      if (!token) continue;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
        if (response.ok) specs = (await response.json()) as typeof specs;
      } catch {
        // not listening yet
      }
    }
    assert.ok(specs, `Jupyter did not answer on port ${port} within 90 s:\n${log}`);
    assert.match(log, new RegExp(`Serving notebooks from local directory: ${path.join(ROOT, 'notebooks').replace(/[/.]/g, '\\$&')}`));
    assert.equal(specs.kernelspecs[KERNEL_NAME]?.spec.argv[1], KERNEL_LAUNCHER, `the server does not offer this checkout's kernel: ${JSON.stringify(specs)}`);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
