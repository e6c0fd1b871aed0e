/**
 * Named weights of a model: trainable variables (what the optimiser updates; `Adam` takes them
 * by name) and non-trainable state (batch-norm running statistics), with checkpoint access.
 * Initial values are drawn from the project's seeded `Rng`, so the same seed gives the same
 * weights on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../runtime/random';

export class NamedWeights {
  /** Trainable variables by name, e.g. `conv1/kernel`. Pass to `new Adam(model.variables)`. */
  readonly variables: Record<string, tf.Variable> = {};
  /** Non-trainable state by name (e.g. `bn1/movingMean`); empty for models without any. */
  readonly state: Record<string, tf.Variable> = {};

  /** Adds a trainable variable (name must be new). */
  protected addVariable(name: string, shape: number[], values: Float32Array): tf.Variable {
    return (this.variables[this.checkNew(name)] = tf.tidy(() => tf.variable(tf.tensor(values, shape), true)));
  }

  /** Adds a non-trainable state variable (name must be new). */
  protected addState(name: string, shape: number[], values: Float32Array): tf.Variable {
    return (this.state[this.checkNew(name)] = tf.tidy(() => tf.variable(tf.tensor(values, shape), false)));
  }

  /** Every weight (variables and state) by name: the model's own tensors, to read, not dispose. */
  getWeights(): Record<string, tf.Tensor> {
    return { ...this.variables, ...this.state };
  }

  /**
   * Copies `weights` (as returned by `getWeights`, or read back from a checkpoint) into the model.
   * Every name must be present with the same shape; extra names are an error.
   */
  setWeights(weights: Record<string, tf.Tensor>): void {
    const own = this.getWeights();
    for (const name of Object.keys(weights)) {
      if (!(name in own)) throw new Error(`setWeights: unknown weight '${name}'; expected one of ${Object.keys(own).join(', ')}`);
    }
    for (const [name, target] of Object.entries(own)) {
      const value = weights[name];
      if (!value) throw new Error(`setWeights: missing weight '${name}'`);
      if (!tf.util.arraysEqual(value.shape, target.shape)) {
        throw new Error(`setWeights: weight '${name}' has shape [${value.shape}], expected [${target.shape}]`);
      }
    }
    for (const [name, target] of Object.entries(own)) (target as tf.Variable).assign(weights[name]);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return Object.values(this.variables).reduce((sum, v) => sum + v.size, 0);
  }

  /** Frees every weight. */
  dispose(): void {
    for (const weight of Object.values(this.getWeights())) weight.dispose();
  }

  private checkNew(name: string): string {
    if (name in this.variables || name in this.state) throw new Error(`NamedWeights: duplicate weight name '${name}'`);
    return name;
  }
}

/** PyTorch's default for conv / linear layers: U(−1/√fanIn, 1/√fanIn), for weights and biases alike. */
export function uniformFanIn(rng: Rng, size: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * rng.uniform() - 1) * bound;
  return out;
}

/** He / Kaiming normal, fan-out mode, for ReLU (torchvision's ResNet convs): N(0, 2 / fanOut). */
export function kaimingNormalFanOut(rng: Rng, size: number, fanOut: number): Float32Array {
  const out = rng.fillNormal(new Float32Array(size));
  const std = Math.sqrt(2 / fanOut);
  for (let i = 0; i < size; i++) out[i] *= std;
  return out;
}

/** A Float32Array of `size` copies of `value`. */
export function constant(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
