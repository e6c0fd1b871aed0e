/**
 * What the two ranking experiments (CNN on pixels, MLP on digits) share: the training objective of
 * one step on the scores, and exact-match / element-wise evaluation on the validation and test sets.
 *
 * Objective, for scores Y [B, n] and the per-sample ranking loss l_i:
 *   baseline:         L(Y) = mean_i l_i(y_i);
 *   hessian / fisher: the Newton loss L*(Y) = mean_i ½‖z*_i − y_i‖² with the constant target
 *                     z*_i = y_i − (M + λI)⁻¹ ∇l_i(y_i), M the batch-mean Hessian / empirical Fisher.
 * Logged: the ranking loss L, the Newton loss L*, ‖∇_Y L‖ and ‖∇_Y L*‖ (equal for the baseline),
 * the eigenvalue range of M + λI and the systems whose eigenvalues were changed (`fallbacks`).
 */
import * as tf from '@tensorflow/tfjs';
import type { EvaluationSets } from '../data/index';
import { autodiffCurvature, newtonStep, type IndefinitePolicy } from '../newton/index';
import { rankingLossPerSample, rankingMetrics, type Relaxation } from '../relaxations/sorting/index';
import type { MetricRow } from './experiment';
import { reportGradientNorm } from './gradient-norm-probe';
import { newtonLogRow } from './newton-log';
import type { RankingVariant } from './ranking-presets';

/** Sets per forward pass during evaluation. */
export const EVALUATION_BATCH = 100;

export interface RankingObjectiveOptions {
  variant: RankingVariant;
  /** λ > 0 of the Newton variants (unused by the baseline). */
  lambda: number;
  /** Indefinite policy of the Newton variants; default 'invert'. */
  indefinite?: IndefinitePolicy;
}

/**
 * The training loss of `scores` [B, n] against item values `targets` [B, n] (the ranking loss, or
 * its Newton loss); fills `row` with the logged values. The baseline's gradient norms are filled in
 * when the caller's backward pass runs.
 */
export function rankingObjective(
  scores: tf.Tensor2D,
  targets: tf.Tensor2D,
  relaxation: Relaxation,
  options: RankingObjectiveOptions,
  row: MetricRow,
): tf.Scalar {
  const lossPerSample = rankingLossPerSample(relaxation, targets);
  if (options.variant === 'baseline') {
    Object.assign(row, { loss: NaN, grad_norm: NaN, newton_grad_norm: NaN });
    const observed = reportGradientNorm(scores, (norm) => {
      row.grad_norm = norm;
      row.newton_grad_norm = norm;
    });
    return tf.mean(lossPerSample(observed)) as tf.Scalar;
  }
  const newton = newtonStep(scores, autodiffCurvature(lossPerSample), { variant: options.variant, lambda: options.lambda, indefinite: options.indefinite });
  newton.target.dispose();
  Object.assign(row, newtonLogRow(newton.diagnostics, { condition: false }));
  return newton.loss;
}

/**
 * Exact match and element-wise accuracy (fractions in [0, 1]) on the validation and test sets:
 * `{ val_exact, val_elementwise, test_exact, test_elementwise }`. `score(sets, start, size)` gives
 * the scores [size, n] of sets [start, start + size) of `sets` (a tensor the evaluation disposes).
 */
export function evaluateRanking(
  sets: { validation: EvaluationSets; test: EvaluationSets },
  score: (sets: EvaluationSets, start: number, size: number) => tf.Tensor2D,
): MetricRow {
  const row: MetricRow = {};
  for (const [prefix, split] of [['val', sets.validation], ['test', sets.test]] as const) {
    let exact = 0;
    let elementwise = 0;
    for (let start = 0; start < split.count; start += EVALUATION_BATCH) {
      const size = Math.min(EVALUATION_BATCH, split.count - start);
      const n = split.setSize;
      const targets = tf.tensor2d(split.values.subarray(start * n, (start + size) * n), [size, n]);
      const scores = score(split, start, size);
      const metrics = rankingMetrics(scores, targets);
      tf.dispose([targets, scores]);
      exact += metrics.exactMatch * size;
      elementwise += metrics.elementwise * size;
    }
    row[`${prefix}_exact`] = exact / split.count;
    row[`${prefix}_elementwise`] = elementwise / split.count;
  }
  return row;
}
