export { initBackend, activeBackend, describeBackend, BACKEND_ENV_VAR, BACKEND_CHOICES } from './backend';
export type { BackendInfo, BackendChoice } from './backend';
export { Rng } from './random';
