/**
 * Where the project's Jupyter lives: a project-local prefix `.jupyter/` holding the kernel spec
 * `newton-losses` (tslab started from the repository root) and `env.json`, written by
 * `npm run setup`, naming the Python that has nbconvert and nbclient.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const JUPYTER_PREFIX = path.join(ROOT, '.jupyter');
export const JUPYTER_DATA = path.join(JUPYTER_PREFIX, 'share', 'jupyter');
export const KERNEL_NAME = 'newton-losses';
const ENV_FILE = path.join(JUPYTER_PREFIX, 'env.json');

export interface JupyterEnv {
  /** A Python interpreter that imports nbconvert, nbclient and jupyter_client. */
  python: string;
}

export function writeJupyterEnv(env: JupyterEnv): void {
  fs.mkdirSync(JUPYTER_PREFIX, { recursive: true });
  fs.writeFileSync(ENV_FILE, JSON.stringify(env, null, 2) + '\n');
}

export function readJupyterEnv(): JupyterEnv {
  if (!fs.existsSync(ENV_FILE) || !fs.existsSync(path.join(JUPYTER_DATA, 'kernels', KERNEL_NAME, 'kernel.json'))) {
    throw new Error(`Jupyter is not set up for this project (no ${path.relative(ROOT, ENV_FILE)}): run \`npm run setup\` first`);
  }
  return JSON.parse(fs.readFileSync(ENV_FILE, 'utf8')) as JupyterEnv;
}

/** Environment for Jupyter subprocesses: the project-local kernel spec comes first. */
export function jupyterProcessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const previous = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: previous ? `${JUPYTER_DATA}${path.delimiter}${previous}` : JUPYTER_DATA, ...extra };
}
