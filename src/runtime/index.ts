/**
 * How the library runs on tfjs (internals a user of the method rarely needs): experiment size
 * presets, second-order-safe gradients and the twice-differentiable `logSoftmax` / `logSigmoid`,
 * the wasm training kernels, and the error for a missing optional package. The backend choice
 * (`initBackend`) is at the top level of the package.
 */
export { PRESETS, PRESET_ENV_VAR, parsePreset, presetFromEnvironment } from './preset';
export type { Preset } from './preset';
export { installSecondOrderGradients, secondOrderGradientsInstalled, SECOND_ORDER_GRADIENTS } from './second-order-gradients';
export { logSoftmax, logSigmoid } from './twice-differentiable';
export { installWasmTrainingKernels, wasmTrainingKernelsInstalled, WASM_TRAINING_KERNELS } from './wasm-training-kernels';
export { MissingPackageError } from './optional-package';
