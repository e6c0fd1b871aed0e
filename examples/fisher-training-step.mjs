// A Fisher Newton loss inside a training step: a small network maps 16 features to 5 scores, trained
// with Adam to rank them like hidden targets. `trainingLoss` swaps the NeuralSort ranking loss for
// its Fisher Newton loss with one option (the Fisher variant as a custom gradient: no extra backward
// pass); the value it returns is the original ranking loss, so both runs log the same quantity.
// Run: node fisher-training-step.mjs
import * as tf from '@tensorflow/tfjs';
import * as nl from 'newton-losses';

console.log(nl.describeBackend(await nl.initBackend()));
const features = tf.randomNormal([64, 16], 0, 1, 'float32', 3); // [N, 16]
const targets = tf.matMul(features, tf.randomNormal([16, 5], 0, 1, 'float32', 4)); // [N, n = 5]
const lossPerSample = nl.rankingLossPerSample(nl.makeRelaxation('neuralsort', { tau: 1 }), targets);

function train(newton) {
  const w1 = tf.variable(tf.randomNormal([16, 32], 0, 0.25, 'float32', 5));
  const w2 = tf.variable(tf.randomNormal([32, 5], 0, 0.25, 'float32', 6));
  const optimizer = tf.train.adam(0.01);
  const losses = [];
  for (let step = 0; step < 40; step++) {
    const loss = optimizer.minimize(() => {
      const scores = tf.matMul(tf.relu(tf.matMul(features, w1)), w2); // [N, 5]
      return nl.trainingLoss(scores, lossPerSample, newton);
    }, true);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  const scores = tf.tidy(() => tf.matMul(tf.relu(tf.matMul(features, w1)), w2));
  const metrics = nl.rankingMetrics(scores, targets);
  tf.dispose([scores, w1, w2]);
  optimizer.dispose();
  return { first: losses[0], last: losses[losses.length - 1], ...metrics };
}

let allLower = true;
for (const [name, newton] of [['baseline', undefined], ['fisher', { variant: 'fisher', lambda: 0.1 }]]) {
  const { first, last, exactMatch, elementwise } = train(newton);
  allLower &&= last < first;
  console.log(`${name.padEnd(8)} ranking loss ${first.toFixed(4)} -> ${last.toFixed(4)}   exact match ${exactMatch.toFixed(3)}   element-wise ${elementwise.toFixed(3)}`);
}
if (!allLower) throw new Error('a training run did not lower the ranking loss');
console.log('ok');
