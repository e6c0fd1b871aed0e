/**
 * Serves a built playground folder on localhost with `sirv` (static files, correct MIME types for
 * `.wasm`, no caching in development).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

export interface PlaygroundServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  close(): Promise<void>;
}

/**
 * @param dir a folder written by `buildPlayground` (must hold index.html).
 * @param port default 0: any free port.
 * @param host default 127.0.0.1.
 */
export async function servePlayground(dir: string, port = 0, host = '127.0.0.1'): Promise<PlaygroundServer> {
  if (!fs.existsSync(`${dir}/index.html`)) {
    throw new Error(`servePlayground: dir '${dir}' holds no index.html; build it first (npm run playground:build)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`servePlayground: port must be an integer in [0, 65535], got ${port}`);
  const handler = sirv(dir, { dev: true, etag: true });
  const server = http.createServer((request, response) => handler(request, response, () => {
    response.statusCode = 404;
    response.end('not found');
  }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
