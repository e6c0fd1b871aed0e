export { spectrum, spectralApply } from './spectrum';
export type { Spectrum } from './spectrum';
export { dot, norm, cosine } from './vectors';
export { meanAndSpread, windowedMeans } from './series';
