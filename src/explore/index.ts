/**
 * Interactive explorations of the method, shared by the notebooks and the browser playground:
 * one set of scores under a relaxation (`probeScores`), the gradient sweep of notebook 02
 * (`gradientSweep`), gradient-descent and Newton paths on a two-score landscape (`descentPath`,
 * `twoScoreRankingLoss`, `lossSurface`), and notebook 01's linear scorer, step by step
 * (`LinearScorerRun`) or to the end (`trainLinearScorer`). Browser-safe: tfjs and the library's math only.
 */
export { probeScores } from './score-probe';
export type { ScoreProbe, ScoreProbeOptions, ProbeNewtonStep } from './score-probe';
export { gradientSweep } from './gradient-sweep';
export type { GradientSweep, GradientSweepOptions } from './gradient-sweep';
export { descentPath } from './descent-paths';
export type { DescentMethod, DescentPath } from './descent-paths';
export { twoScoreRankingLoss, lossSurface } from './two-score-landscape';
export { LinearScorerRun, trainLinearScorer } from './linear-scorer';
export type { LinearScorerOptions, LinearScorerTraining, LinearScorerResult } from './linear-scorer';
