export type {
  PerSampleLoss,
  NewtonVariant,
  CurvatureMode,
  IndefinitePolicy,
  NewtonOptions,
  ArrayOrTensor2D,
  ArrayOrTensor3D,
  CurvatureEstimate,
  CurvatureRequest,
  CurvatureProvider,
  NewtonDiagnostics,
  NewtonStep,
} from './types';
export { NEWTON_VARIANTS, CURVATURE_MODES, INDEFINITE_POLICIES } from './types';
