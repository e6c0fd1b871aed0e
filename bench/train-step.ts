/**
 * One training step (forward, backward, Adam) of the four-digit CNN — 20 sets × 5 items = 100
 * images of 28 × 112 on wasm, 5 images on cpu (it is far slower) — and of the ResNet18 trunk at
 * batch 70 of 96 × 96 maps (full and narrow width) on wasm, measured in one run.
 * The loss is a stand-in for the ranking losses (mean squared error of the scores / costs to fixed
 * targets): the relaxations cost little next to the network.
 * Per step: the median and the best wall-clock time and the median process CPU time. On a shared
 * machine the wall clock includes waiting for a core; the best step is the closest to an idle
 * core. The wasm/cpu ratio uses the best steps.
 *
 *   npx tsx bench/train-step.ts [--steps N] [--profile] [--cnn-wasm-only]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeBackend } from '../src/runtime/backend';
import { Rng } from '../src/runtime/random';
import { fourDigitCnn } from '../src/models/four-digit-cnn';
import { resnet18Trunk } from '../src/models/resnet18-trunk';
import { NamedWeights } from '../src/models/named-weights';
import { Adam } from '../src/experiments/adam';

const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] || 5) || 5;
const profile = args.includes('--profile');
const only = args.includes('--cnn-wasm-only');

interface Trainable extends NamedWeights {
  apply(input: tf.Tensor, options: { training: boolean }): tf.Tensor;
}

/** A closure running one step on fixed random inputs; returns the loss. */
function trainingStep(model: Trainable, inputShape: number[], seed: number): { step: () => number; dispose: () => void } {
  const rng = new Rng(seed);
  const input = tf.tensor(rng.fillNormal(new Float32Array(inputShape.reduce((a, b) => a * b))), inputShape);
  const output = tf.tidy(() => model.apply(input, { training: false }));
  const target = tf.tensor(rng.fillNormal(new Float32Array(output.size)), output.shape);
  output.dispose();
  const adam = new Adam(model.variables, { learningRate: 1e-4 });
  const names = Object.keys(model.variables);
  const list = names.map((name) => model.variables[name]);
  return {
    step: () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(model.apply(input, { training: true }), target)) as tf.Scalar, list);
        adam.applyGradients(Object.fromEntries(names.map((name, i) => [name, grads[list[i].name]])));
        return value.dataSync()[0];
      }),
    dispose: () => {
      input.dispose();
      target.dispose();
      adam.dispose();
    },
  };
}

async function time(label: string, backend: 'wasm' | 'cpu', model: Trainable, inputShape: number[], images: number, n: number): Promise<number> {
  const info = await initBackend(backend);
  const { step, dispose } = trainingStep(model, inputShape, 1);
  step(); // warm-up: kernel setup, first allocations
  const tensorsBefore = tf.memory().numTensors;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const [start, cpuStart] = [performance.now(), process.cpuUsage()];
    step();
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  const [best, typical, typicalCpu] = [Math.min(...wall), median(wall), median(cpu)];
  const rate = (ms: number): string => `${((images * 1000) / ms).toFixed(1).padStart(6)} img/s`;
  console.log(
    `${label.padEnd(44)} ${info.name.padEnd(5)} ${String(images).padStart(3)} img | ms/step: median ${typical.toFixed(0).padStart(6)} (${rate(typical)}), ` +
      `best ${best.toFixed(0).padStart(6)} (${rate(best)}), CPU ${typicalCpu.toFixed(0).padStart(6)} (${rate(typicalCpu)})` +
      (leaked ? `  LEAK ${leaked} tensors over ${n} steps` : ''),
  );
  if (profile) {
    const result = await tf.profile(() => {
      step();
    });
    const byKernel = new Map<string, number>();
    for (const k of result.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    console.log('   kernel time by kernel (ms; nested kernels counted inside their caller too):');
    for (const [name, t] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`     ${name.padEnd(26)} ${t.toFixed(1).padStart(8)}  ${((100 * t) / total).toFixed(0)}%`);
  }
  dispose();
  return best / images;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  console.log(describeBackend(await initBackend('wasm')));
  const cnnWasm = fourDigitCnn({ seed: 1 });
  const wasmPerImage = await time('four-digit CNN, 20 sets × 5 items', 'wasm', cnnWasm, [20, 5, 28, 112], 100, steps);
  cnnWasm.dispose();
  if (only) return;
  await initBackend('cpu');
  const cnnCpu = fourDigitCnn({ seed: 1 });
  const cpuPerImage = await time('four-digit CNN, 1 set × 5 items', 'cpu', cnnCpu, [1, 5, 28, 112], 5, 1);
  cnnCpu.dispose();
  console.log(`wasm / cpu speed per image: ${(cpuPerImage / wasmPerImage).toFixed(1)}×`);
  for (const width of [1, 0.25]) {
    await initBackend('wasm');
    const trunk = resnet18Trunk({ width, seed: 1 });
    await time(`ResNet18 trunk, width ${width}, batch 70 of 96×96`, 'wasm', trunk, [70, 96, 96, 3], 70, Math.max(1, Math.round(steps / 2)));
    trunk.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
