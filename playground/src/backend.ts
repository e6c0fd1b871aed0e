/**
 * The page's tfjs backend: the best one this browser starts, webgl > wasm > cpu, or the one named
 * by `?backend=` in the address. WebGL drawn in software (SwiftShader, llvmpipe: a browser without
 * a usable GPU) is skipped unless asked for by name: there wasm is faster. The wasm binaries are fetched from the page's own folder. Then the
 * library's second-order gradients (and on wasm its kernels) are installed, as `initBackend` does
 * in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installSecondOrderGradients } from '../../src/runtime/second-order-gradients';
import { installWasmTrainingKernels } from '../../src/runtime/wasm-training-kernels';

export const BROWSER_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

export interface PageBackend {
  name: BrowserBackend;
  /** e.g. 'webgl (WebGL 2, float32)', 'wasm (SIMD, 1 thread)'. */
  description: string;
  /** Backends tried first and why each did not start. */
  skipped: string[];
}

/** @param requested a backend name, or null for the best available. */
export async function startBackend(requested: string | null): Promise<PageBackend> {
  if (requested !== null && !(BROWSER_BACKENDS as readonly string[]).includes(requested)) {
    throw new Error(`?backend= must be one of ${BROWSER_BACKENDS.join(', ')}, got '${requested}'`);
  }
  setWasmPaths(new URL('./', document.baseURI).href);
  const candidates = requested === null ? BROWSER_BACKENDS : [requested as BrowserBackend];
  const skipped: string[] = [];
  for (const name of candidates) {
    const failure = await activate(name, requested === null);
    if (failure) {
      skipped.push(`${name}: ${failure}`);
      continue;
    }
    installSecondOrderGradients();
    if (name === 'wasm') installWasmTrainingKernels();
    return { name, description: await describe(name), skipped };
  }
  throw new Error(`no tfjs backend started (${skipped.join('; ')})`);
}

/** Sets and checks a backend; returns null when it is active, else why not. */
async function activate(name: BrowserBackend, refuseSoftwareWebgl: boolean): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return 'did not initialise';
    await tf.ready();
    if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
      return 'no float32 render targets (half precision is too coarse for second derivatives)';
    }
    if (name === 'webgl' && refuseSoftwareWebgl && /swiftshader|llvmpipe|software/i.test(webglRenderer())) {
      return `drawn in software (${webglRenderer()}), slower than wasm; ?backend=webgl forces it`;
    }
    return tf.getBackend() === name ? null : `active backend is ${tf.getBackend()}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

async function describe(name: BrowserBackend): Promise<string> {
  switch (name) {
    case 'webgl':
      return `webgl (WebGL ${tf.env().getNumber('WEBGL_VERSION')}, float32, ${webglRenderer()})`;
    case 'wasm': {
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multithreaded' : '1 thread'})`;
    }
    case 'cpu':
      return 'cpu (plain JavaScript)';
  }
}

/** The GPU (or software renderer) behind the webgl backend, as the browser names it. */
function webglRenderer(): string {
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGLRenderingContext } }).gpgpu.gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}
