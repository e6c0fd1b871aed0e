/**
 * PLACEHOLDER, being written (issue 2, item 4): conv2d gradients for the wasm backend expressed as
 * forward convolutions.
 */
export function installWasmTrainingKernels(): void {}
