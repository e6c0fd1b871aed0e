/**
 * A tiny experiment for testing the run machinery and the CLI without MNIST or a CNN: linear
 * regression y = x·w* (4 inputs) fitted by Adam on seeded minibatches; `nanAtStep` injects a NaN loss.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/index';
import { Adam } from '../src/experiments/index';
import type { Experiment, Trainer, RunConfig } from '../src/experiments/index';
import { main } from '../src/cli';

/** Fake experiment: linear regression y = x·w* fitted by Adam on seeded minibatches. */
export interface FakeConfig extends RunConfig {
  preset: string;
  seed: number;
  steps: number;
  evalEvery: number;
  lr: number;
  nanAtStep: number;
}

/** How many trainers were built (a finished run must build none). */
export let trainersCreated = 0;

const DIM = 4;
const TRUE_W = [1, -2, 0.5, 3];

function batch(rng: Rng, size: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const xs = rng.fillNormal(new Float32Array(size * DIM));
  const ys = new Float32Array(size);
  for (let b = 0; b < size; b++) for (let d = 0; d < DIM; d++) ys[b] += xs[b * DIM + d] * TRUE_W[d];
  return { x: tf.tensor2d(xs, [size, DIM]), y: tf.tensor2d(ys, [size, 1]) };
}

export const fakeExperiment: Experiment<FakeConfig> = {
  name: 'fake',
  description: 'linear regression for tests',
  options: [
    { name: 'preset', type: 'string', choices: ['smoke'], description: 'preset' },
    { name: 'seed', type: 'integer', description: 'seed' },
    { name: 'steps', type: 'integer', description: 'steps' },
    { name: 'evalEvery', type: 'integer', description: 'evaluation interval' },
    { name: 'lr', type: 'number', description: 'learning rate' },
    { name: 'nanAtStep', type: 'integer', description: 'inject a NaN loss at this step (0: never)' },
  ],
  presets: { smoke: { preset: 'smoke', seed: 0, steps: 25, evalEvery: 10, lr: 0.2, nanAtStep: 0 } },
  defaultPreset: 'smoke',
  validate(config) {
    if (!(Number(config.steps) >= 1)) throw new Error(`fake: option 'steps' must be >= 1, got ${config.steps}`);
    return config as FakeConfig;
  },
  runLabel: (c) => `lr${c.lr}-seed${c.seed}`,
  schedule: (c) => ({ steps: c.steps, evalEvery: c.evalEvery }),
  selection: { metric: 'val_score', mode: 'max' },
  groupBy: ['lr'],
  reportMetrics: ['test_score'],
  async createTrainer(config): Promise<Trainer> {
    trainersCreated++;
    const init = new Rng(config.seed).fork('init');
    const w = tf.tidy(() => tf.variable(tf.tensor2d(init.fillNormal(new Float32Array(DIM)), [DIM, 1])));
    const adam = new Adam({ w }, { learningRate: config.lr });
    const val = batch(new Rng(config.seed).fork('val'), 32);
    const testSet = batch(new Rng(1234).fork('test'), 32);
    const mse = (set: { x: tf.Tensor2D; y: tf.Tensor2D }): number =>
      tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(set.x, w), set.y))).dataSync()[0]);
    return {
      step(step) {
        const { x, y } = batch(new Rng(config.seed).fork(`batch/${step}`), 8);
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar, [w]);
        adam.applyGradients({ w: grads[w.name] });
        const loss = step === config.nanAtStep ? NaN : value.dataSync()[0];
        tf.dispose([x, y, value, grads[w.name]]);
        return { loss };
      },
      evaluate: () => ({ val_score: -mse(val), test_score: -mse(testSet) }),
      checkpointTensors: () => ({ w, ...adam.state().moments }),
      checkpointMeta: () => ({ adamStep: adam.stepCount }),
      restore(tensors, meta) {
        w.assign(tensors.w as tf.Tensor2D);
        const moments = Object.fromEntries(Object.entries(tensors).filter(([name]) => name !== 'w'));
        adam.restore({ step: (meta as { adamStep: number }).adamStep, moments });
      },
      dispose() {
        tf.dispose([w, val.x, val.y, testSet.x, testSet.y]);
        adam.dispose();
      },
    };
  },
};

/** Runs the CLI in this process with captured output; resolves to its exit code and what it wrote. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY: false } });
  return { code, stdout, stderr };
}
