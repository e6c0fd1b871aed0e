export { spectrum, spectralApply } from './spectrum';
export type { Spectrum } from './spectrum';
export { dot, norm, cosine, linspace } from './vectors';
export { meanAndSpread, windowedMeans } from './series';
