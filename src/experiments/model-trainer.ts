/**
 * What every experiment's trainer shares: a model with named weights, the Adam optimiser over its
 * variables, one `minimize` step (on this thread, or with the model on worker threads), and
 * checkpointing of both (weights, batch-norm state, Adam moments and step count) for the run
 * store's resume.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeights } from '../models/index';
import { Adam } from './adam';
import type { JsonValue } from './checkpoint';
import type { DataParallelGradients } from './data-parallel';
import type { MetricRow, Trainer } from './experiment';

export abstract class ModelTrainer<M extends NamedWeights> implements Trainer {
  protected readonly adam: Adam;
  /** Worker threads running the model (`useWorkers`); none: everything on this thread. */
  protected workers: DataParallelGradients | undefined;

  constructor(readonly model: M, learningRate: number) {
    this.adam = new Adam(model.variables, { learningRate });
  }

  abstract step(step: number): MetricRow | Promise<MetricRow>;
  abstract evaluate(step: number): MetricRow | Promise<MetricRow>;

  /**
   * One Adam step on ∇_θ loss() over the model's variables; returns the loss value (a scalar the
   * caller owns, or disposes with its tidy scope).
   */
  protected minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, Object.values(this.model.variables));
    // variableGrads keys gradients by tfjs variable names; Adam keys them by the model's weight names.
    this.adam.applyGradients(Object.fromEntries(Object.entries(this.model.variables).map(([name, variable]) => [name, grads[variable.name]])));
    return value;
  }

  /** From now on `minimizeOnWorkers` runs the model on `workers`; `dispose` stops them. */
  useWorkers(workers: DataParallelGradients): void {
    this.workers = workers;
  }

  /**
   * One Adam step on ∇_θ loss(model(inputs)) with the model on the worker threads and `loss` on
   * this thread (it sees the whole batch's outputs); returns the loss value. `inputs` has shape
   * `inputShape`, split between the workers along its first axis.
   */
  protected async minimizeOnWorkers(inputs: Float32Array, inputShape: number[], loss: (outputs: tf.Tensor) => tf.Scalar): Promise<number> {
    if (!this.workers) throw new Error('minimizeOnWorkers: no workers (call useWorkers first)');
    let value = NaN;
    const grads = await this.workers.gradients(this.model.variables, inputs, inputShape, (outputs) => {
      const result = tf.valueAndGrad(loss)(outputs);
      value = result.value.dataSync()[0];
      return result.grad;
    });
    this.adam.applyGradients(grads);
    tf.dispose(grads);
    return value;
  }

  checkpointTensors(): Record<string, tf.Tensor> {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, weight] of Object.entries(this.model.getWeights())) tensors[`model/${name}`] = weight;
    for (const [name, moment] of Object.entries(this.adam.state().moments)) tensors[`adam/${name}`] = moment;
    return tensors;
  }

  checkpointMeta(): JsonValue {
    return { adamStep: this.adam.stepCount };
  }

  restore(tensors: Record<string, tf.Tensor>, meta: JsonValue): void {
    const group = (prefix: string): Record<string, tf.Tensor> =>
      Object.fromEntries(Object.entries(tensors).filter(([name]) => name.startsWith(prefix)).map(([name, t]) => [name.slice(prefix.length), t]));
    this.model.setWeights(group('model/'));
    this.adam.restore({ step: (meta as { adamStep: number }).adamStep, moments: group('adam/') });
  }

  dispose(): void {
    this.model.dispose();
    this.adam.dispose();
    void this.workers?.close();
  }
}
