/**
 * Data-parallel gradients on worker threads. tfjs-wasm runs on one core in Node (no wasm threads),
 * so a training step uses one core however many the machine has; this splits the batch over K
 * workers, each with its own copy of the model on its own backend.
 *
 * For a loss L(Y) of the outputs Y = f(θ, X) (any loss: Newton losses need the whole batch's Y for
 * their curvature, so the loss stays on the main thread), with X split into shares X_k:
 *   worker k:  Y_k = f(θ, X_k)                 (forward, gradient tape kept open)
 *   main:      G = ∂L/∂Y at Y = concat_k Y_k   (loss, Newton transform, diagnostics)
 *   worker k:  ∇θ_k = (∂Y_k/∂θ)ᵀ G_k          (backward of ⟨Y_k, G_k⟩ on the same tape)
 *   main:      ∇θ L = Σ_k ∇θ_k
 * which equals the one-thread gradient up to float rounding, provided a row of Y depends on its own
 * input only (true without batch norm; see data-parallel-models.ts). Each worker waits for G with
 * Atomics.wait inside its tape, so the forward pass is not recomputed.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from './data-parallel-models';
import { SIGNAL, type FromWorker, type ToWorker } from './data-parallel-worker';

export interface DataParallelOptions {
  /** Worker threads (≥ 1); one per free core is the useful maximum. */
  workers: number;
  /** The model the workers rebuild; its weights come from the main thread every step. */
  model: ModelSpec;
  /** Backend of every worker; default 'wasm'. */
  backend?: string;
}

/**
 * The worker's code: the compiled worker module next to this one (the built package), or, when this
 * module runs from its TypeScript source, the source through tsx, whatever started this process
 * (tsx, node --import tsx, tslab).
 */
function workerSource(): string {
  if (path.extname(__filename) !== '.ts') return `require(${JSON.stringify(path.join(__dirname, 'data-parallel-worker.js'))});`;
  return `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'data-parallel-worker.ts'))});`;
}

class WorkerChannel {
  private readonly inbox: FromWorker[] = [];
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      const next = this.waiting.shift();
      if (next) next.resolve(message);
      else this.inbox.push(message);
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const next of this.waiting.splice(0)) next.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`data-parallel worker exited (code ${code})`)));
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** The next message; a worker-side error becomes a rejection carrying the worker's stack. */
  async receive<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    const message = await new Promise<FromWorker>((resolve, reject) => {
      const queued = this.inbox.shift();
      if (queued) resolve(queued);
      else if (this.failure) reject(this.failure);
      else this.waiting.push({ resolve, reject });
    });
    if (message.type === 'error') throw new Error(`data-parallel worker failed: ${message.message}`);
    if (message.type !== type) throw new Error(`data-parallel worker: expected '${type}', got '${message.type}'`);
    return message as Extract<FromWorker, { type: T }>;
  }
}

export class DataParallelGradients {
  private constructor(private readonly channels: WorkerChannel[]) {}

  /** Starts the workers and waits until each has its backend and model. */
  static async start(options: DataParallelOptions): Promise<DataParallelGradients> {
    const { workers, model, backend = 'wasm' } = options;
    if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`DataParallelGradients: workers must be an integer >= 1, got ${workers}`);
    const channels = Array.from({ length: workers }, () => new WorkerChannel(new Worker(workerSource(), { eval: true })));
    const pool = new DataParallelGradients(channels);
    try {
      for (const channel of channels) channel.send({ type: 'init', model, backend });
      await Promise.all(channels.map((channel) => channel.receive('ready')));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * ∇θ L by name (tensors the caller owns), for the model with weights `variables` on inputs
   * `[B, …]` split along the first axis. `outputGradient(Y)` receives the outputs of the whole batch
   * and returns ∂L/∂Y of the same shape (a tensor; it may keep other results through its closure).
   */
  async gradients(
    variables: Record<string, tf.Variable>,
    inputs: Float32Array,
    inputShape: number[],
    outputGradient: (outputs: tf.Tensor) => tf.Tensor,
  ): Promise<Record<string, tf.Tensor>> {
    const rows = inputShape[0];
    const rowSize = inputShape.slice(1).reduce((a, b) => a * b, 1);
    if (inputs.length !== rows * rowSize) throw new Error(`DataParallelGradients: inputs have ${inputs.length} values, shape [${inputShape}] needs ${rows * rowSize}`);
    const shares = shareBounds(rows, this.channels.length);
    const channels = this.channels.slice(0, shares.length);
    const weights = Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.dataSync() as Float32Array]));
    channels.forEach((channel, k) => {
      const [start, end] = shares[k];
      channel.send({ type: 'step', weights, inputs: inputs.subarray(start * rowSize, end * rowSize), inputShape: [end - start, ...inputShape.slice(1)] });
    });
    const settled = await Promise.allSettled(channels.map((channel) => channel.receive('outputs')));
    const outputs = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const release = (value: number): void => {
      for (const { signal } of outputs) {
        const view = new Int32Array(signal);
        Atomics.store(view, 0, value);
        Atomics.notify(view, 0);
      }
    };
    // Workers that posted their outputs wait inside their gradient tape: on any failure, release them.
    const abandon = async (error: unknown): Promise<never> => {
      release(SIGNAL.abort);
      await Promise.all(channels.filter((_, k) => settled[k].status === 'fulfilled').map((channel) => channel.receive('aborted')));
      throw error;
    };
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) return abandon(failed.reason);
    try {
      tf.tidy(() => {
        const all = tf.concat(outputs.map(({ outputs: values, shape }) => tf.tensor(values, shape)));
        const gradient = outputGradient(all);
        if (!tf.util.arraysEqual(gradient.shape, all.shape)) {
          throw new Error(`DataParallelGradients: outputGradient returned shape [${gradient.shape}], expected the outputs' [${all.shape}]`);
        }
        const values = gradient.dataSync();
        let offset = 0;
        for (const { outputGradient: shared } of outputs) {
          const view = new Float32Array(shared);
          view.set(values.subarray(offset, offset + view.length));
          offset += view.length;
        }
      });
    } catch (error) {
      return abandon(error);
    }
    release(SIGNAL.ready);
    const shareGradients = await Promise.all(channels.map((channel) => channel.receive('gradients')));
    return Object.fromEntries(
      Object.entries(variables).map(([name, variable]) => {
        const sum = new Float32Array(variable.size);
        for (const { gradients } of shareGradients) {
          const part = gradients[name];
          for (let i = 0; i < sum.length; i++) sum[i] += part[i];
        }
        return [name, tf.tensor(sum, variable.shape)];
      }),
    );
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.channels.map((channel) => channel.worker.terminate()));
  }
}

/** [start, end) rows of each share: `rows` split into at most `parts` nearly equal, non-empty parts. */
export function shareBounds(rows: number, parts: number): [number, number][] {
  const count = Math.min(rows, parts);
  return Array.from({ length: count }, (_, k) => [Math.floor((k * rows) / count), Math.floor(((k + 1) * rows) / count)]);
}
