export { Adam } from './adam';
export type { AdamOptions, AdamState } from './adam';
export { writeCheckpoint, readCheckpoint, CheckpointError } from './checkpoint';
export type { Checkpoint, StoredTensor, JsonValue } from './checkpoint';
export { parseCsv, readCsv, readJsonFile, toCsv, writeCsv, writeFileAtomic, FileWriteError } from './csv';
export type { CsvRow, CsvValue } from './csv';
export { resolveConfig, checkOptionValue } from './experiment';
export type { Experiment, Trainer, TrainerOptions, OptionSpec, OptionValue, ConfigOf, RunConfig, ConfigValue, Schedule, MetricRow } from './experiment';
export { DataParallelGradients, shareBounds } from './data-parallel';
export type { DataParallelOptions } from './data-parallel';
export type { ModelSpec } from './data-parallel-models';
export { runExperiment, runId, runDirectory, readRunStatus, NonFiniteError, CheckpointMismatchError, DEFAULT_RESULTS_ROOT, RESULTS_ENV_VAR } from './run-store';
export { acquireRunLock, readRunLock, holderIsDead, RunLockedError, LOCK_FILE } from './run-lock';
export type { LockHolder, RunLock } from './run-lock';
export { runCommand, runArguments, readActiveRun, ACTIVE_RUN_ENV_VAR } from './active-run';
export type { ActiveRun } from './active-run';
export type { RunOptions, RunOutcome, RunStatus, RunState } from './run-store';
export { expandGrid, runGrid, describeResult } from './grid';
export type { GridOptions, GridOutcome, GridFailure, GridHeld } from './grid';
export { Progress, formatDuration } from './progress';
export type { ProgressOptions, ProgressMode } from './progress';
export { listRuns, loadResults, loadRunLogs, summarizeResults, curvesOverRuns, formatSummary, formatMetric, metricUnit, formatTable } from './results';
export type { StoredRun, LoadOptions, SummaryRow, RunCurve } from './results';
export { registerExperiment, getExperiment, listExperiments, isBuiltInExperiment } from './registry';
export { rankingExperiment, RankingTrainer, validateRankingConfig, RANKING_EVALUATION_SEED } from './ranking';
export { RANKING_PRESETS, RANKING_VARIANTS, RANKING_NEWTON_LAMBDA } from './ranking-presets';
export { digitRankingExperiment, DigitRankingTrainer, validateDigitRankingConfig, DIGIT_RANKING_PRESETS } from './digit-ranking';
export type { DigitRankingConfig } from './digit-ranking';
export { rankingObjective, evaluateRanking } from './ranking-objective';
export type { RankingConfig, RankingPreset, RankingVariant } from './ranking-presets';
export { shortestPathExperiment, ShortestPathTrainer, validateShortestPathConfig } from './shortest-path';
export type { ShortestPathPrediction } from './shortest-path';
export { SHORTEST_PATH_PRESETS, SHORTEST_PATH_VARIANTS, PAPER_SAMPLE_COUNTS, SHORTEST_PATH_NEWTON_SETTINGS } from './shortest-path-presets';
export type { ShortestPathConfig, ShortestPathVariant, NewtonSetting } from './shortest-path-presets';
export { shortestPathLoss, shortestPathMethod, isRelaxedMethod, SHORTEST_PATH_METHOD_TABLE, SHORTEST_PATH_METHODS } from './shortest-path-methods';
export type { ShortestPathLoss, ShortestPathMethod, ShortestPathMethodRow } from './shortest-path-methods';
export { loadShortestPathData, assembleBatch, generatedTerrainDir } from './shortest-path-data';
export type { ShortestPathData, ShortestPathBatch, ShortestPathSizes } from './shortest-path-data';
export { bootstrapMeanInterval, pairedComparisons } from './paired-comparison';
export type { PairedComparison, PairedOptions, IntervalOptions } from './paired-comparison';
export { selectOnValidation } from './selection';
export type { Selection, SelectionOptions } from './selection';
export {
  DIGIT_RANKING_STUDIES,
  DIGIT_RANKING_METHOD_KEYS,
  digitRankingSelectionConfigs,
  digitRankingSelections,
  digitRankingFinalConfigs,
  digitRankingComparisons,
} from './digit-ranking-study';
export type { DigitRankingStudy, DigitRankingComparison } from './digit-ranking-study';
export { PAPER_RANKING_EXACT_MATCH, paperShortestPathNote } from './paper-results';
export { RANKING_STUDY_METHODS, rankingStudyConfigs } from './ranking-study';
