export { NamedWeights } from './named-weights';
export { FourDigitCnn, fourDigitCnn } from './four-digit-cnn';
export type { FourDigitCnnOptions } from './four-digit-cnn';
export { Resnet18Trunk, resnet18Trunk } from './resnet18-trunk';
export type { Resnet18TrunkOptions } from './resnet18-trunk';
export { DigitMlp, digitMlp, valueDigits } from './digit-mlp';
export type { DigitMlpOptions } from './digit-mlp';
