/**
 * One worker thread of `DataParallelGradients` (see data-parallel.ts for the protocol). It owns a
 * copy of the model on its own backend; per step it receives the weights and its share of the
 * inputs, posts the outputs, blocks (Atomics.wait, inside the open gradient tape) until the main
 * thread has written ∂L/∂outputs into shared memory, and posts the weight gradients of
 * ⟨outputs, ∂L/∂outputs⟩.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../runtime/backend';
import { buildModel, type ModelSpec, type ShardedModel } from './data-parallel-models';

/** Values of `signal[0]`: waiting for the main thread, output gradient written, step abandoned. */
export const SIGNAL = { waiting: 0, ready: 1, abort: 2 } as const;

export type ToWorker =
  | { type: 'init'; model: ModelSpec; backend: string }
  | {
      type: 'step';
      weights: Record<string, Float32Array>;
      inputs: Float32Array;
      inputShape: number[];
    };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | {
      type: 'outputs';
      outputs: Float32Array;
      shape: number[];
      /** Int32Array(1) shared with the main thread: see SIGNAL. */
      signal: SharedArrayBuffer;
      /** Float32Array of the outputs' size, written by the main thread: ∂L/∂outputs of this share. */
      outputGradient: SharedArrayBuffer;
    }
  | { type: 'gradients'; gradients: Record<string, Float32Array> }
  | { type: 'aborted' }
  | { type: 'error'; message: string };

class Abandoned extends Error {}

function serve(port: NonNullable<typeof parentPort>): void {
  let model: ShardedModel | undefined;
  const post = (message: FromWorker): void => port.postMessage(message);

  port.on('message', (message: ToWorker) => {
    void (async () => {
      try {
        if (message.type === 'init') {
          const info = await initBackend(message.backend);
          model = buildModel(message.model);
          post({ type: 'ready', backend: info.name });
          return;
        }
        if (!model) throw new Error('data-parallel worker: step before init');
        post({ type: 'gradients', gradients: gradientsOfStep(model, message, post) });
      } catch (error) {
        if (error instanceof Abandoned) post({ type: 'aborted' });
        else post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

function gradientsOfStep(model: ShardedModel, message: Extract<ToWorker, { type: 'step' }>, post: (m: FromWorker) => void): Record<string, Float32Array> {
  const names = Object.keys(model.variables);
  // The tidy returns tensors, not typed arrays: tf.tidy walks every index of a returned typed array.
  const grads = tf.tidy(() => {
    for (const name of names) {
      const variable = model.variables[name];
      variable.assign(tf.tensor(message.weights[name], variable.shape));
    }
    const inputs = tf.tensor(message.inputs, message.inputShape);
    return tf.variableGrads(() => {
      const outputs = model.apply(inputs);
      const signal = new SharedArrayBuffer(4);
      const outputGradient = new SharedArrayBuffer(4 * outputs.size);
      post({ type: 'outputs', outputs: outputs.dataSync() as Float32Array, shape: outputs.shape, signal, outputGradient });
      Atomics.wait(new Int32Array(signal), 0, SIGNAL.waiting);
      if (Atomics.load(new Int32Array(signal), 0) !== SIGNAL.ready) throw new Abandoned();
      return tf.sum(tf.mul(outputs, tf.tensor(new Float32Array(outputGradient), outputs.shape))) as tf.Scalar;
    }, names.map((name) => model.variables[name])).grads;
  });
  const values = Object.fromEntries(names.map((name) => [name, grads[model.variables[name].name].dataSync() as Float32Array]));
  tf.dispose(grads);
  return values;
}

if (parentPort) serve(parentPort);
