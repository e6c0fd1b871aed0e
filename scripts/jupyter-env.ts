/**
 * Where the project's Jupyter lives: a project-local prefix `.jupyter/` holding the kernel spec
 * `newton-losses` (this checkout's tslab launcher, started from the repository root) and `env.json`,
 * written by `npm run setup`, naming the Python that has nbconvert and nbclient.
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

/**
 * The Jupyter set up by `npm run setup`. The kernel spec is made to follow this checkout: one that
 * starts another checkout's launcher (a copied or moved folder: `.jupyter/` is not in git) is
 * registered again, with a line saying so, so that notebooks never run another checkout's `src/`.
 */
export function readJupyterEnv(): JupyterEnv {
  if (!fs.existsSync(ENV_FILE) || !fs.existsSync(path.join(JUPYTER_DATA, 'kernels', KERNEL_NAME, 'kernel.json'))) {
    throw new Error(`Jupyter is not set up for this project (no ${path.relative(ROOT, ENV_FILE)}): run \`npm run setup\` first`);
  }
  const previous = registerKernel();
  if (previous !== undefined) {
    console.log(`jupyter: the '${KERNEL_NAME}' kernel started ${previous}; registered again to start this checkout's (${KERNEL_LAUNCHER})`);
  }
  return JSON.parse(fs.readFileSync(ENV_FILE, 'utf8')) as JupyterEnv;
}

/** The launcher of this checkout's kernel (tslab started from the repository root). */
export const KERNEL_LAUNCHER = path.join(ROOT, 'bin', 'tslab-kernel');

/** The kernel spec that starts this checkout's launcher with this Node. */
export function kernelSpec(): { argv: string[]; display_name: string; language: string } {
  return {
    argv: [process.execPath, KERNEL_LAUNCHER, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (newton-losses)',
    language: 'typescript',
  };
}

/**
 * Writes the kernel spec `newton-losses` into `jupyterData` (default the project-local prefix) unless
 * it is there already, unchanged. Returns undefined when nothing changed, else what the spec started
 * before ('nothing' when there was none).
 */
export function registerKernel(jupyterData: string = JUPYTER_DATA): string | undefined {
  const file = path.join(jupyterData, 'kernels', KERNEL_NAME, 'kernel.json');
  const wanted = JSON.stringify(kernelSpec(), null, 2) + '\n';
  let current: string | undefined;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === wanted) return undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, wanted);
  if (current === undefined) return 'nothing';
  try {
    const argv = (JSON.parse(current) as { argv?: unknown }).argv;
    return Array.isArray(argv) ? argv.slice(0, 2).join(' ') : 'an unreadable spec';
  } catch {
    return 'an unreadable spec';
  }
}

/** Environment for Jupyter subprocesses: the project-local kernel spec comes first. */
export function jupyterProcessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const previous = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: previous ? `${JUPYTER_DATA}${path.delimiter}${previous}` : JUPYTER_DATA, ...extra };
}
