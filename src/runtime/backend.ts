/**
 * Backend choice. Candidates, best first: `tfjs-node-gpu` (CUDA), `tfjs-node` (libtensorflow on
 * the CPU), `wasm` (XNNPACK, shipped inside the npm package: always available offline), `cpu`
 * (pure JS, slow). The native packages are optional: they download libtensorflow when installed,
 * which needs the internet, so a missing one is skipped silently; one that is installed but fails
 * to start is skipped with its reason recorded in `BackendInfo.skipped`.
 *
 * Order of precedence: the argument of `initBackend`, then the environment variable
 * `NEWTON_LOSSES_BACKEND`, then `auto`. A backend asked for by name that cannot start is an error.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { installSecondOrderGradients } from './second-order-gradients';
import { installWasmTrainingKernels } from './wasm-training-kernels';
import { guardWasmHeap } from './wasm-heap-guard';

export const BACKEND_ENV_VAR = 'NEWTON_LOSSES_BACKEND';
export const BACKEND_CHOICES = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
type Candidate = Exclude<BackendChoice, 'auto'>;
const AUTO_ORDER: readonly Candidate[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend that registered and is active: 'tensorflow' | 'wasm' | 'cpu'. */
  name: string;
  /** The candidate that provided it, e.g. 'wasm' or 'tfjs-node-gpu'. */
  source: Candidate;
  /** What was asked for (argument, environment variable, or 'auto'). */
  requested: BackendChoice;
  /** Compute threads the backend uses (libtensorflow: its thread pool; wasm/cpu: 1 in Node). */
  threads: number;
  /** WebAssembly SIMD in use (wasm only). */
  simd: boolean;
  /** Runs on a GPU. */
  gpu: boolean;
  tfjsVersion: string;
  /** Candidates tried before this one and why each was skipped. */
  skipped: { source: Candidate; reason: string }[];
}

let current: BackendInfo | null = null;

/**
 * Picks, starts and verifies a backend, then installs the project's kernels and gradients
 * (correct second derivatives everywhere, fast conv2d gradients on wasm, and on wasm an
 * out-of-memory Error instead of heap corruption: `./wasm-heap-guard`). Safe to call again:
 * with the same request it returns the active backend.
 *
 * @param preferred 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu'; default: the
 *   environment variable `NEWTON_LOSSES_BACKEND`, else 'auto'.
 */
export async function initBackend(preferred?: string): Promise<BackendInfo> {
  const requested = parseChoice(preferred ?? process.env[BACKEND_ENV_VAR] ?? 'auto', preferred === undefined);
  if (current && (requested === 'auto' || requested === current.source) && tf.getBackend() === current.name) {
    return current;
  }
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: BackendInfo['skipped'] = [];
  for (const source of candidates) {
    const outcome = await tryStart(source);
    if (typeof outcome === 'string') {
      if (requested !== 'auto') {
        throw new Error(`initBackend: backend '${source}' was requested but cannot start: ${outcome}`);
      }
      if (outcome !== NOT_INSTALLED) skipped.push({ source, reason: outcome });
      continue;
    }
    installSecondOrderGradients();
    if (outcome.name === 'wasm') {
      installWasmTrainingKernels();
      guardWasmHeap();
    }
    current = { ...outcome, requested, skipped, tfjsVersion: tf.version.tfjs };
    return current;
  }
  throw new Error(`initBackend: no backend could start (${skipped.map((s) => `${s.source}: ${s.reason}`).join('; ')})`);
}

/** The backend chosen by the last `initBackend` call, or null before the first. */
export function activeBackend(): BackendInfo | null {
  return current;
}

/** One line for logs and notebooks, e.g. `wasm (from wasm; 1 thread, SIMD; tfjs 4.22.0)`. */
export function describeBackend(info: BackendInfo): string {
  const parts = [`${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  if (info.simd) parts.push('SIMD');
  if (info.gpu) parts.push('GPU');
  const skipped = info.skipped.length ? `; skipped ${info.skipped.map((s) => `${s.source} (${s.reason})`).join(', ')}` : '';
  return `${info.name} (from ${info.source}; ${parts.join(', ')}; tfjs ${info.tfjsVersion}${skipped})`;
}

const NOT_INSTALLED = 'not installed';

type Started = Pick<BackendInfo, 'name' | 'source' | 'threads' | 'simd' | 'gpu'>;

async function tryStart(source: Candidate): Promise<Started | string> {
  switch (source) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      const pkg = `@tensorflow/${source}`;
      const loaded = loadOptional(pkg);
      if (loaded !== true) return loaded;
      if (!tf.findBackendFactory('tensorflow')) {
        return `${pkg} loaded but registered no 'tensorflow' backend with this copy of tfjs ${tf.version.tfjs} (install ${pkg}@${tf.version.tfjs})`;
      }
      const failure = await activate('tensorflow');
      if (failure) return failure;
      return { name: 'tensorflow', source, threads: os.cpus().length, simd: false, gpu: source === 'tfjs-node-gpu' };
    }
    case 'wasm': {
      const loaded = loadOptional('@tensorflow/tfjs-backend-wasm');
      if (loaded !== true) return loaded;
      const failure = await activate('wasm');
      if (failure) return failure;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { name: 'wasm', source, threads: wasm.getThreadsCount(), simd, gpu: false };
    }
    case 'cpu': {
      const failure = await activate('cpu');
      if (failure) return failure;
      return { name: 'cpu', source, threads: 1, simd: false, gpu: false };
    }
  }
}

/**
 * Requires an optional package: true when loaded, NOT_INSTALLED when absent, else the error.
 * A package whose package.json names another package counts as absent: the npm override that
 * keeps danfojs-node offline installs `@tensorflow/tfjs` under the name `@tensorflow/tfjs-node`.
 */
function loadOptional(pkg: string): true | string {
  let manifest: { name?: string };
  try {
    manifest = require(`${pkg}/package.json`) as { name?: string };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return NOT_INSTALLED;
    manifest = { name: pkg }; // package.json not exported: trust the name
  }
  if (manifest.name !== pkg) return NOT_INSTALLED;
  try {
    require(pkg);
    return true;
  } catch (error) {
    return `${pkg} is installed but failed to load: ${firstLine((error as Error).message)}`;
  }
}

/** Sets and verifies a tfjs backend; returns null on success, else why it failed. */
async function activate(name: string): Promise<string | null> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    return `tf.setBackend('${name}') threw: ${firstLine((error as Error).message)}`;
  }
  if (!ok || tf.getBackend() !== name) {
    return `tf.setBackend('${name}') did not activate it (active: ${tf.getBackend()})`;
  }
  return null;
}

function parseChoice(value: string, fromEnvironment: boolean): BackendChoice {
  const normalised = value.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(normalised)) return normalised as BackendChoice;
  const where = fromEnvironment ? `environment variable ${BACKEND_ENV_VAR}` : 'initBackend(preferred)';
  throw new Error(`${where}: unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(', ')}`);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
