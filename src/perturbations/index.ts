/**
 * Perturbation, for any function and any noise: smoothing noise (Gaussian, Cauchy; antithetic),
 * the stochastic-smoothing estimator of a function's value, gradient and Hessian, and the wrapper
 * that turns such an estimate into a loss op and a curvature provider for the Newton step. The
 * shortest-path estimators (`relaxations/shortest-path`) are built on them.
 */
export { SMOOTHING_DISTRIBUTIONS, drawSmoothingNoise } from './smoothing-noise';
export type { SmoothingDistribution, NoiseOptions } from './smoothing-noise';
export { smoothingEstimate } from './stochastic-smoothing';
export type { SmoothingOptions, SmoothingEstimate } from './stochastic-smoothing';
export { lossWithEstimatedGradient, estimatedCurvature, checkCurvatureRequest } from './estimated-loss';
export type { LossEstimate, EstimatedCurvature } from './estimated-loss';
