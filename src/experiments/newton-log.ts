/**
 * The logged columns of a Newton step, shared by every experiment: the original loss L (`loss`),
 * the Newton loss L* (`newton_loss`), ‖∇_Y L‖ and ‖∇_Y L*‖ (`grad_norm`, `newton_grad_norm`), the
 * eigenvalue range of M + λI (`eig_min`, `eig_max`, and with `condition` its condition number
 * `condition`) when the step computed it, and the systems whose eigenvalues were changed (`fallbacks`).
 */
import type { NewtonDiagnostics } from '../newton/index';
import type { MetricRow } from './experiment';

export function newtonLogRow(diagnostics: NewtonDiagnostics, options: { condition: boolean }): MetricRow {
  const d = diagnostics;
  const row: MetricRow = { loss: d.loss, newton_loss: d.newtonLoss, grad_norm: d.gradientNorm, newton_grad_norm: d.newtonGradientNorm };
  if (Number.isFinite(d.eigenvalueMin)) {
    Object.assign(row, { eig_min: d.eigenvalueMin, eig_max: d.eigenvalueMax }, options.condition ? { condition: d.conditionNumber } : {});
  }
  row.fallbacks = d.fallbacks;
  return row;
}
