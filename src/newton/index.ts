/**
 * Newton losses (Petersen et al., NeurIPS 2024): z*_i = y_i − (M + λI)⁻¹ g_i and
 * L*(Y) = mean_i ½‖z*_i − y_i‖² with z* constant, M the mean Hessian or the empirical Fisher (or
 * one per sample).
 *
 * - curvature by autodiff of a per-sample loss: `perSampleGradients`, `perSampleHessians`,
 *   `meanHessian`, `empiricalFisher`, `assertPerSampleLoss`;
 * - one Newton step, `newtonStep` (loss, target, diagnostics), and its two halves `newtonTarget`,
 *   `newtonLoss`; each takes its curvature from a `CurvatureProvider`: `autodiffCurvature(loss)`
 *   (or the per-sample loss itself), `givenCurvature(estimate)`, or a relaxation's estimator
 *   (`curvatureRequest` says what the step asks for);
 * - the Fisher variant as a custom gradient: `withFisherNewtonGradient`; one switch for training
 *   loops: `trainingLoss`;
 * - the float64 symmetric eigen-decomposition used by the solves: `symmetricEigen`.
 */
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
  SolveReport,
  NewtonStep,
} from './types';
export { NEWTON_VARIANTS, CURVATURE_MODES, INDEFINITE_POLICIES } from './types';
export { perSampleGradients, perSampleHessians, meanHessian, empiricalFisher, assertPerSampleLoss } from './curvature';
export { newtonStep, newtonTarget, newtonLoss, curvatureRequest } from './newton-step';
export type { CurvatureSource } from './newton-step';
export { autodiffCurvature, givenCurvature } from './curvature-providers';
export { withFisherNewtonGradient } from './fisher-gradient';
export { trainingLoss } from './training-loss';
export { symmetricEigen } from './linear-algebra';
export type { SymmetricEigen } from './linear-algebra';
