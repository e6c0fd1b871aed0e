/**
 * Second derivatives that are right on every backend.
 *
 * Why: when a kernel's gradient reuses the kernel's OUTPUT (tfjs: `outputsToSave`), the engine
 * records the saved copy of the output on the tape BEFORE the kernel that produced it. Differentiating
 * that gradient again then cannot reach the input through the saved output: `tf.grad(tf.grad(f))`
 * throws ("Cannot compute gradient of y=f(x)") or silently drops terms (errors of 50–100 %).
 * Gradients built from masks (relu, abs, maximum, clipByValue, where, max) fail differently: the
 * comparison / logical kernels inside them (Less, Equal, LogicalAnd, …) have no gradient at all.
 *
 * Fix: re-register the gradients of Exp, Sigmoid, Tanh, Softmax, Elu and Pow so that they
 * recompute from the saved INPUT with differentiable ops (then they are differentiable to any
 * order), give the comparison / logical kernels a zero gradient, and add the missing TopK
 * gradient (sorted values are used by SoftSort). `tf.registerGradient` is global: the fix holds
 * for all backends, and applies to tapes recorded after `installSecondOrderGradients()`.
 *
 * Not covered: gradients written with `tf.customGrad` that reuse forward values: `tf.logSoftmax`,
 * `tf.logSigmoid`, `tf.losses.softmaxCrossEntropy`, `tf.fused.*`. Use `logSoftmax` / `logSigmoid`
 * from `./twice-differentiable` where second derivatives are needed. Also without any gradient in
 * tfjs (first order too): Cumprod (so `tf.prod`), StridedSlice, GatherNd, ScatterNd.
 */
import * as tf from '@tensorflow/tfjs';

type Gradients = ReturnType<tf.GradConfig['gradFunc']>;

/** A gradient dy·f'(x) of an elementwise kernel with input `x`, f' recomputed from x. */
function elementwise(kernelName: string, derivative: (x: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved): Gradients => ({ x: () => tf.mul(dy as tf.Tensor, derivative(saved[0])) }),
  };
}

/** d exp(x) = exp(x). */
const expGradient = elementwise('Exp', (x) => tf.exp(x));

/** d σ(x) = σ(x) (1 − σ(x)). */
const sigmoidGradient = elementwise('Sigmoid', (x) => {
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
});

/** d tanh(x) = 1 − tanh(x)². */
const tanhGradient = elementwise('Tanh', (x) => tf.sub(1, tf.square(tf.tanh(x))));

/** elu(x) = x for x ≥ 0, exp(x) − 1 below: d elu(x) = 1 for x ≥ 0, exp(x) below. */
const eluGradient = elementwise('Elu', (x) => tf.where(tf.greaterEqual(x, 0), tf.onesLike(x), tf.exp(x)));

/** y = softmax(x) along `dim`: dx = y ⊙ dy − y ⊙ Σ_dim (y ⊙ dy), with y recomputed from x. */
const softmaxGradient: tf.GradConfig = {
  kernelName: 'Softmax',
  inputsToSave: ['logits'],
  gradFunc: (dy, saved, attrs): Gradients => {
    const dim = (attrs as { dim: number }).dim;
    return {
      logits: () => {
        const y = tf.softmax(saved[0], dim);
        const yDy = tf.mul(y, dy as tf.Tensor);
        return tf.sub(yDy, tf.mul(y, tf.sum(yDy, dim, true)));
      },
    };
  },
};

/**
 * y = a^b (broadcasting): da = dy · b · a^(b−1), db = dy · a^b · log(a) where a > 0, else 0;
 * a^b is recomputed from the inputs. Each summed over its broadcast axes.
 */
const powGradient: tf.GradConfig = {
  kernelName: 'Pow',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved): Gradients => {
    const [a, b] = saved;
    const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const reduceTo = (grad: tf.Tensor, shape: number[]): tf.Tensor => {
      const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
      return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
    };
    return {
      a: () => {
        const exponent = tf.cast(b, 'float32');
        return reduceTo(tf.mul(dy as tf.Tensor, tf.mul(exponent, tf.pow(a, tf.sub(exponent, 1)))), a.shape);
      },
      b: () => {
        const logBase = tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a));
        return reduceTo(tf.mul(dy as tf.Tensor, tf.mul(tf.pow(a, b), logBase)), b.shape);
      },
    };
  },
};

/**
 * TopK (tfjs has no gradient for it): values[…, j] = x[…, indices[…, j]], so
 * dx[…, i] = Σ_j dy[…, j] · [indices[…, j] = i], computed as dy (1 × k) times the 0/1
 * selection matrix (k × n) per row: linear in dy, hence differentiable again.
 */
const topKGradient: tf.GradConfig = {
  kernelName: 'TopK',
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dys, saved): Gradients => {
    const [x, indices] = saved;
    const dValues = (dys as tf.Tensor[])[0];
    return {
      x: () => {
        const n = x.shape[x.rank - 1];
        const k = indices.shape[indices.rank - 1];
        const rows = x.size / n;
        const positions = tf.range(0, n, 1, 'int32');
        const selection = tf.cast(tf.equal(tf.reshape(indices, [rows, k, 1]), positions), 'float32');
        return tf.reshape(tf.matMul(tf.reshape(dValues, [rows, 1, k]), selection), x.shape);
      },
    };
  },
};

/** Comparisons and logical ops are piecewise constant: zero gradient for every input. */
function zeroGradient(kernelName: string, inputNames: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy, saved): Gradients =>
      Object.fromEntries(inputNames.map((name, i) => [name, () => tf.zeros(saved[i].shape, 'float32')])),
  };
}

const PIECEWISE_CONSTANT_KERNELS: [string, string[]][] = [
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['Greater', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalXor', ['a', 'b']],
  ['LogicalNot', ['x']],
];

/** Every gradient this module registers (tfjs already has zero gradients for GreaterEqual, Sign, Step, Floor, Round, Ceil, IsNan). */
export const SECOND_ORDER_GRADIENTS: readonly tf.GradConfig[] = [
  expGradient,
  sigmoidGradient,
  tanhGradient,
  eluGradient,
  softmaxGradient,
  powGradient,
  topKGradient,
  ...PIECEWISE_CONSTANT_KERNELS.map(([name, inputs]) => zeroGradient(name, inputs)),
];

/**
 * Registers `SECOND_ORDER_GRADIENTS` with tfjs (global, all backends). Idempotent. Called by
 * `initBackend`; call it yourself only when you set a tfjs backend without `initBackend`.
 */
export function installSecondOrderGradients(): void {
  if (secondOrderGradientsInstalled()) return;
  for (const config of SECOND_ORDER_GRADIENTS) tf.registerGradient(config);
}

/** True when every gradient of `SECOND_ORDER_GRADIENTS` is the one tfjs will use. */
export function secondOrderGradientsInstalled(): boolean {
  return SECOND_ORDER_GRADIENTS.every((config) => tf.getGradient(config.kernelName) === config);
}
