/**
 * Adam (Kingma & Ba 2015) whose whole state can be saved and restored bit for bit, with a
 * learning rate that can change between steps (for schedules).
 *
 *   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
 *   w ← w − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 *
 * The same update as `tf.train.adam` (and PyTorch's Adam with ε added after the square root). Why
 * not `tf.train.adam`: its `setWeights` recomputes β^t with `pow`, which differs in the last bits
 * from the running float32 product it keeps while training, so a resumed run drifts away from an
 * uninterrupted one. Here β^t is computed in float64 from the step count, identically either way.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  /** Step size; default 1e-3. May be changed later through `learningRate`. */
  learningRate?: number;
  /** default 0.9 */
  beta1?: number;
  /** default 0.999 */
  beta2?: number;
  /** default 1e-8 */
  epsilon?: number;
}

/** Saved optimiser state: the step count and the moment estimates, named `<variable>/m`, `<variable>/v`. */
export interface AdamState {
  step: number;
  moments: Record<string, tf.Tensor>;
}

export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates applied so far. */
  stepCount = 0;
  private readonly first = new Map<string, tf.Variable>();
  private readonly second = new Map<string, tf.Variable>();

  /** @param variables the trainable variables, by name (the names key gradients and saved state). */
  constructor(private readonly variables: Record<string, tf.Variable>, options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.learningRate > 0)) throw new Error(`Adam: learningRate must be > 0, got ${this.learningRate}`);
    for (const [label, beta] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(beta >= 0 && beta < 1)) throw new Error(`Adam: ${label} must be in [0, 1), got ${beta}`);
    }
    if (!(this.epsilon > 0)) throw new Error(`Adam: epsilon must be > 0, got ${this.epsilon}`);
    for (const [name, variable] of Object.entries(variables)) {
      this.first.set(name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
      this.second.set(name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    }
  }

  /**
   * Applies one update. `gradients` is keyed like the variables; a missing gradient leaves its
   * variable (and moments) unchanged. Does not dispose the gradients.
   */
  applyGradients(gradients: Record<string, tf.Tensor>): void {
    for (const name of Object.keys(gradients)) {
      if (!this.first.has(name)) throw new Error(`Adam.applyGradients: unknown variable '${name}'`);
    }
    this.stepCount += 1;
    const stepSize = this.learningRate / (1 - Math.pow(this.beta1, this.stepCount));
    const secondCorrection = 1 - Math.pow(this.beta2, this.stepCount);
    tf.tidy(() => {
      for (const [name, gradient] of Object.entries(gradients)) {
        const m = this.first.get(name)!;
        const v = this.second.get(name)!;
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        const denominator = tf.add(tf.sqrt(tf.div(newV, secondCorrection)), this.epsilon);
        this.variables[name].assign(tf.sub(this.variables[name], tf.mul(tf.div(newM, denominator), stepSize)));
      }
    });
  }

  /** The state to checkpoint. The tensors are the optimiser's own: read them, do not dispose them. */
  state(): AdamState {
    const moments: Record<string, tf.Tensor> = {};
    for (const name of this.first.keys()) {
      moments[`${name}/m`] = this.first.get(name)!;
      moments[`${name}/v`] = this.second.get(name)!;
    }
    return { step: this.stepCount, moments };
  }

  /** Restores a state saved by `state()` (shapes must match; the tensors are copied, not kept). */
  restore(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`Adam.restore: step must be an integer >= 0, got ${state.step}`);
    for (const [name, m] of this.first) {
      for (const [suffix, target] of [['m', m], ['v', this.second.get(name)!]] as const) {
        const saved = state.moments[`${name}/${suffix}`];
        if (!saved) throw new Error(`Adam.restore: state has no moment '${name}/${suffix}'`);
        if (!tf.util.arraysEqual(saved.shape, target.shape)) {
          throw new Error(`Adam.restore: moment '${name}/${suffix}' has shape [${saved.shape}], expected [${target.shape}]`);
        }
        target.assign(saved);
      }
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const variable of [...this.first.values(), ...this.second.values()]) variable.dispose();
    this.first.clear();
    this.second.clear();
  }
}
