export { initBackend, activeBackend, describeBackend, BACKEND_ENV_VAR, BACKEND_CHOICES } from './backend';
export type { BackendInfo, BackendChoice } from './backend';
export { Rng } from './random';
export { finiteDifferenceGradient, finiteDifferenceHessian, autodiffHessian, relativeError } from './finite-differences';
export type { ScalarFunction } from './finite-differences';
export { PRESETS, PRESET_ENV_VAR, parsePreset, presetFromEnvironment } from './preset';
export type { Preset } from './preset';
export { installSecondOrderGradients, secondOrderGradientsInstalled, SECOND_ORDER_GRADIENTS } from './second-order-gradients';
export { logSoftmax, logSigmoid } from './twice-differentiable';
