// A Newton loss on a ranking loss: eight batches of scores fitted to the order of their targets by
// plain gradient descent on the scores, with the NeuralSort ranking loss itself (baseline) and with
// its Hessian and Fisher Newton losses. Each run prints the ranking loss and the exact-match and
// element-wise accuracies after 30 steps. Run: node ranking-newton-loss.mjs
import * as tf from '@tensorflow/tfjs';
import * as nl from 'newton-losses';

console.log(nl.describeBackend(await nl.initBackend()));
const targets = tf.randomNormal([8, 5], 0, 1, 'float32', 1); // [B, n]: only their order is supervised
const start = tf.randomNormal([8, 5], 0, 1, 'float32', 2); // scores [B, n] before training
const lossPerSample = nl.rankingLossPerSample(nl.makeRelaxation('neuralsort', { tau: 1 }), targets);
const rankingLoss = (scores) => tf.tidy(() => tf.mean(lossPerSample(scores)).dataSync()[0]);

const methods = {
  baseline: { lr: 1, loss: (y) => tf.mean(lossPerSample(y)) },
  hessian: { lr: 0.5, loss: (y) => nl.newtonLoss(y, lossPerSample, { variant: 'hessian', lambda: 0.1 }) },
  fisher: { lr: 0.5, loss: (y) => nl.newtonLoss(y, lossPerSample, { variant: 'fisher', lambda: 0.1 }) },
};
let allLower = true;
for (const [name, { lr, loss }] of Object.entries(methods)) {
  let scores = start.clone();
  const gradient = tf.grad(loss);
  for (let step = 0; step < 30; step++) {
    const next = tf.tidy(() => scores.sub(gradient(scores).mul(lr)));
    scores.dispose();
    scores = next;
  }
  const { exactMatch, elementwise } = nl.rankingMetrics(scores, targets);
  const [before, after] = [rankingLoss(start), rankingLoss(scores)];
  allLower &&= after < before;
  console.log(`${name.padEnd(8)} ranking loss ${before.toFixed(4)} -> ${after.toFixed(4)}   exact match ${exactMatch.toFixed(3)}   element-wise ${elementwise.toFixed(3)}`);
  scores.dispose();
}
if (!allLower) throw new Error('a method did not lower the ranking loss');
console.log('ok');
