/**
 * Numerical analysis for checking and explaining the method: finite-difference gradients and
 * Hessians against autodiff (`relativeError`), spectra and spectral functions of symmetric
 * matrices, vector helpers, and means and spreads over series.
 */
export { finiteDifferenceGradient, finiteDifferenceHessian, autodiffHessian, relativeError } from './finite-differences';
export type { ScalarFunction } from './finite-differences';
export { spectrum, spectralApply } from './spectrum';
export type { Spectrum } from './spectrum';
export { dot, norm, cosine, linspace } from './vectors';
export { meanAndSpread, windowedMeans } from './series';
