/**
 * The vocabulary of Newton losses (Petersen et al., NeurIPS 2024), shared by the curvature helpers,
 * the solves and the losses.
 *
 * Notation: network outputs Y [N, m] (row y_i per sample), per-sample loss l_i(y_i), batch loss
 * L(Y) = mean_i l_i(y_i), per-sample gradient g_i = ∇ l_i(y_i), Tikhonov strength λ > 0, curvature M
 * (mean Hessian, empirical Fisher, or one Hessian per sample). The Newton target is
 * z*_i = y_i − (M + λI)⁻¹ g_i and the Newton loss L*(Y) = mean_i ½‖z*_i − y_i‖² with z* constant.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * A per-sample loss: Y [N, m] ↦ [l_1(y_1), …, l_N(y_N)] [N]. Sample i's loss must depend on row i
 * only (no batch statistics): the curvature helpers rely on it (see `assertPerSampleLoss`).
 */
export type PerSampleLoss = (y: tf.Tensor2D) => tf.Tensor1D;

/** Which curvature M the Newton step uses: the Hessian of the loss or the empirical Fisher. */
export type NewtonVariant = 'hessian' | 'fisher';
export const NEWTON_VARIANTS: readonly NewtonVariant[] = ['hessian', 'fisher'];

/**
 * 'batch-mean' (the paper): one M for the batch, M = mean_i H_i (Hessian) or mean_i g_i g_iᵀ (Fisher).
 * 'per-sample' (not in the paper): each sample its own M_i = H_i (Hessian) or g_i g_iᵀ (Fisher).
 */
export type CurvatureMode = 'batch-mean' | 'per-sample';
export const CURVATURE_MODES: readonly CurvatureMode[] = ['batch-mean', 'per-sample'];

/**
 * What to do when M + λI is not positive definite (Hessians of relaxations can be indefinite).
 * 'invert' (default; the paper's and the reference's (M + λI)⁻¹): solve exactly; only eigenvalues
 *   that are zero to working precision (|μ| < 1e-3·λ) are raised to λ.
 * 'clip': replace every eigenvalue μ < λ of M + λI by λ, i.e. use M₊ + λI with M₊ the projection of
 *   M onto the positive semidefinite cone (a descent direction always).
 * Either way the result is finite, and each system that needed the eigenvalue change is counted in
 * `NewtonDiagnostics.fallbacks`.
 */
export type IndefinitePolicy = 'invert' | 'clip';
export const INDEFINITE_POLICIES: readonly IndefinitePolicy[] = ['invert', 'clip'];

/** Options of every Newton-step function. */
export interface NewtonOptions {
  /** 'hessian' or 'fisher'. */
  variant: NewtonVariant;
  /** Tikhonov strength λ > 0. As λ → ∞ the Newton-loss gradient tends to ∇L / λ. */
  lambda: number;
  /** Default 'batch-mean'. */
  curvature?: CurvatureMode;
  /** Default 'invert'. */
  indefinite?: IndefinitePolicy;
  /**
   * Debug: before the step, check on probes that sample i's loss and gradient do not change when
   * other rows of Y change (the per-sample assumption behind the batched Hessian). Default false.
   */
  checkPerSample?: boolean;
  /**
   * Compute the exact eigenvalue range of M + λI for the diagnostics (Jacobi, O(s³) per system of
   * size s: ~0.03 ms at s = 10, ~60 ms at s = 144). Default: true when s ≤ 32. Without it, systems
   * solved by Cholesky have no spectrum and the reported range is NaN.
   */
  spectrum?: boolean;
}

/** A matrix-valued input: a tensor, nested arrays, or a flat row-major Float64Array (kept in float64). */
export type ArrayOrTensor2D = tf.Tensor2D | number[][] | Float64Array;
export type ArrayOrTensor3D = tf.Tensor3D | number[][][] | Float64Array;

/**
 * Curvature supplied by a relaxation instead of autodiff (stochastic smoothing and perturbed
 * optimizers estimate g_i and H_i from samples). The caller keeps ownership of the tensors.
 * - `gradients` g_i [N, m] (required);
 * - `hessians` H_i [N, m, m]: needed for variant 'hessian' with curvature 'per-sample', and used
 *   (averaged) for 'batch-mean' when `hessianMean` is absent;
 * - `hessianMean` M [m, m]: the batch curvature for variant 'hessian', 'batch-mean';
 * - `losses` l_i [N]: optional, only reported in the diagnostics.
 * The Fisher variant needs only `gradients`. Asymmetric matrices are symmetrised, (A + Aᵀ)/2.
 */
export interface CurvatureEstimate {
  gradients: ArrayOrTensor2D;
  hessians?: ArrayOrTensor3D;
  hessianMean?: ArrayOrTensor2D;
  losses?: tf.Tensor1D | number[] | Float64Array;
}

/** Which parts of a `CurvatureEstimate` a step needs: see `curvatureRequest(options)`. */
export interface CurvatureRequest {
  /** 'none' (Fisher), 'batch-mean' (hessianMean or hessians) or 'per-sample' (hessians). */
  hessian: 'none' | CurvatureMode;
  /** Autodiff only: check on probes that the loss is per-sample first (`NewtonOptions.checkPerSample`). */
  checkPerSample?: boolean;
}

/**
 * Where a Newton step gets l_i, g_i and H_i: autodiff of a per-sample loss (`autodiffCurvature`),
 * an estimator of a relaxation (stochastic smoothing, perturbed optimizers), or numbers computed
 * elsewhere (`givenCurvature`). Called once per step with the outputs Y [N, m] (a constant: no
 * gradient flows through the estimate) and what the step needs; tensors it creates for its
 * result are disposed by the step.
 */
export interface CurvatureProvider {
  curvature(y: tf.Tensor2D, request: CurvatureRequest): CurvatureEstimate;
}

/** What the solves of (M + λI) d = g reported, over all systems of one step. */
export interface SolveReport {
  /** Smallest and largest eigenvalue of M + λI (over all samples for 'per-sample'); NaN: see `spectrum`. */
  eigenvalueMin: number;
  eigenvalueMax: number;
  /** max |μ| / min |μ| over the eigenvalues μ of M + λI (worst sample for 'per-sample'). */
  conditionNumber: number;
  /** Systems whose eigenvalues were changed (indefinite policy or singularity); 0 is the norm. */
  fallbacks: number;
  /**
   * Systems that failed the positive-definite test and were solved on their eigenbasis
   * ('invert': M + λI indefinite or near-singular; 'clip': M not positive semidefinite).
   */
  eigenSolves: number;
  /** Systems solved (1 for 'batch-mean', N for 'per-sample'). */
  systems: number;
}

/** What one Newton step saw, all numbers in float64. */
export interface NewtonDiagnostics extends SolveReport {
  variant: NewtonVariant;
  curvature: CurvatureMode;
  lambda: number;
  /** The original batch loss L(Y) = mean_i l_i(y_i) (NaN when a provider gave no losses). */
  loss: number;
  /** The Newton loss L*(Y) = mean_i ½‖z*_i − y_i‖². */
  newtonLoss: number;
  /** ‖∇_Y L‖_F = ‖G‖_F / N: the gradient before the transform. */
  gradientNorm: number;
  /** ‖∇_Y L*‖_F = ‖Z* − Y‖_F / N: the gradient after the transform. */
  newtonGradientNorm: number;
}

/** A Newton step: the Newton loss (gradient into Y only), the target z* and its diagnostics. */
export interface NewtonStep {
  /** L*(Y) = mean_i ½‖z*_i − y_i‖², z* constant: its gradient is (Y − Z*) / N. */
  loss: tf.Scalar;
  /** z* [N, m], a constant (not connected to Y). */
  target: tf.Tensor2D;
  diagnostics: NewtonDiagnostics;
}
