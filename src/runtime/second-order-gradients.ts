/**
 * PLACEHOLDER, being written (issue 2, item 5): re-registers the gradients of ops whose tfjs
 * gradient reuses the op's saved output (exp, sigmoid, tanh, softmax, …) so that double backward
 * is correct, and gives comparison / logical ops zero gradients.
 */
export function installSecondOrderGradients(): void {}
