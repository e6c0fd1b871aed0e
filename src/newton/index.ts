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
export { perSampleGradients, perSampleHessians, meanHessian, empiricalFisher, assertPerSampleLoss } from './curvature';
export {
  newtonStep,
  newtonStepFromCurvature,
  newtonTarget,
  newtonLoss,
  newtonTargetFromCurvature,
  newtonLossFromCurvature,
  curvatureRequest,
} from './newton-step';
export { withFisherNewtonGradient } from './fisher-gradient';
export { trainingLoss } from './training-loss';
export { choleskyFactor, choleskySolveRows, symmetricEigen } from './linear-algebra';
export type { SymmetricEigen } from './linear-algebra';
