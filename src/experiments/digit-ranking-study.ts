/**
 * The loss-bound ranking study (`digit-ranking`), declared once so that the notebook, the CLI
 * (`npm start -- --retrain`) and the tests run the same runs:
 *
 * 1. Selection grid, on `selectionSeeds`: every relaxation's baseline; for each relaxation, n and
 *    Newton variant, the candidate λ (and, where the Hessian can be indefinite, the policy). For
 *    NeuralSort and SoftSort the λ grid spans six decades and doubles as the λ ablation. For the
 *    sorting networks' Hessian (minutes per run on a loaded CPU core: n Hessian-vector products
 *    through n layers per step) λ = 1 only (about a quarter of the largest eigenvalue of their H̄ on
 *    the CNN benchmark, where λ = 0.1 failed): at n = 5 both indefinite policies, at n = 10 'clip'.
 * 2. Per (relaxation, n, variant), the candidate with the best mean validation exact match
 *    (`selectOnValidation`) is run on every seed of `seeds`; the baselines too.
 * 3. Larger n (`largerN`): the baseline and the Newton variants at the setting chosen for the
 *    largest n of step 2 (same relaxation and variant), on every seed; the sorting networks' Hessian
 *    is left out there (n Hessian-vector products through n layers: minutes per run on a CPU).
 *
 * Test numbers are never used to choose; they are compared per seed against the baseline
 * (`pairedComparisons`).
 */
import type { CsvRow } from './csv';
import { DIGIT_RANKING_PRESETS, digitRankingExperiment, type DigitRankingConfig } from './digit-ranking';
import { resolveConfig, type ConfigValue } from './experiment';
import { expandGrid } from './grid';
import { pairedComparisons } from './paired-comparison';
import { runId } from './run-store';
import { selectOnValidation, type Selection } from './selection';

export interface DigitRankingStudy {
  preset: keyof typeof DIGIT_RANKING_PRESETS;
  relaxations: readonly string[];
  /** Set sizes of the full comparison (steps 1 and 2). */
  n: readonly number[];
  /** Set sizes of step 3. */
  largerN: readonly number[];
  selectionSeeds: readonly number[];
  seeds: readonly number[];
  /** Step 1's Newton candidates, as grids of options (each also gets the selection seeds). */
  candidates: readonly Record<string, readonly ConfigValue[]>[];
}

const PAPER_RELAXATIONS = ['neuralsort', 'softsort', 'logistic', 'cauchy'] as const;
const SIX_DECADES = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

export const DIGIT_RANKING_STUDIES: Readonly<Record<'smoke' | 'quick', DigitRankingStudy>> = {
  quick: {
    preset: 'quick',
    relaxations: PAPER_RELAXATIONS,
    n: [5, 10],
    largerN: [16],
    selectionSeeds: [0, 1, 2],
    seeds: [0, 1, 2, 3, 4],
    candidates: [
      { relaxation: ['neuralsort', 'softsort'], n: [5, 10], variant: ['hessian', 'fisher'], lambda: SIX_DECADES },
      { relaxation: ['logistic', 'cauchy'], n: [5, 10], variant: ['fisher'], lambda: [1e-4, 1e-3, 1e-2, 1e-1, 1] },
      { relaxation: ['logistic', 'cauchy'], n: [5], variant: ['hessian'], lambda: [1], indefinite: ['invert', 'clip'] },
      { relaxation: ['logistic', 'cauchy'], n: [10], variant: ['hessian'], lambda: [1], indefinite: ['clip'] },
    ],
  },
  smoke: {
    preset: 'smoke',
    relaxations: ['neuralsort', 'logistic'],
    n: [5],
    largerN: [8],
    selectionSeeds: [0],
    seeds: [0, 1],
    candidates: [
      { relaxation: ['neuralsort'], n: [5], variant: ['hessian', 'fisher'], lambda: [1e-2, 1] },
      { relaxation: ['logistic'], n: [5], variant: ['fisher'], lambda: [1e-2] },
      { relaxation: ['logistic'], n: [5], variant: ['hessian'], lambda: [1], indefinite: ['invert', 'clip'] },
    ],
  },
};

/** The keys that tell a study's methods apart (a baseline has lambda 0, indefinite 'invert'). */
export const DIGIT_RANKING_METHOD_KEYS = ['variant', 'lambda', 'indefinite'] as const;

/** Step 1: every baseline on every seed, and the Newton candidates on the selection seeds. */
export function digitRankingSelectionConfigs(study: DigitRankingStudy): DigitRankingConfig[] {
  const baselines = expandGrid({ relaxation: study.relaxations, n: study.n, variant: ['baseline'], seed: study.seeds });
  const candidates = study.candidates.flatMap((axes) => expandGrid({ ...axes, seed: study.selectionSeeds }));
  return unique([...baselines, ...candidates].map((overrides) => resolveConfig(digitRankingExperiment, { ...overrides, preset: study.preset })));
}

/**
 * Step 2's choice: per (relaxation, n, variant), the candidate with the best mean validation exact
 * match on the selection seeds. Only the study's own candidate runs take part (other stored runs of
 * the experiment, e.g. with other steps, are ignored).
 */
export function digitRankingSelections(study: DigitRankingStudy, results: readonly CsvRow[]): Selection[] {
  const candidates = new Set(digitRankingSelectionConfigs(study).filter((c) => c.variant !== 'baseline').map((c) => runId(digitRankingExperiment, c)));
  const rows = results.filter((row) => candidates.has(String(row.run_id)));
  return selectOnValidation(rows, { metric: 'val_exact', cell: ['relaxation', 'n', 'variant'], candidates: ['lambda', 'indefinite'] });
}

/**
 * The runs the comparison reports (steps 2 and 3): every baseline and the chosen settings on every
 * seed, and the larger set sizes. The baselines of step 1 are among them (already trained).
 */
export function digitRankingFinalConfigs(study: DigitRankingStudy, selections: readonly Selection[]): DigitRankingConfig[] {
  const largest = Math.max(...study.n);
  const overrides = [
    ...expandGrid({ relaxation: study.relaxations, n: [...study.n, ...study.largerN], variant: ['baseline'], seed: study.seeds }),
    ...selections.flatMap((s) => expandGrid({ ...single(s.group), seed: study.seeds })),
    ...selections
      .filter((s) => s.group.n === largest && !(s.group.variant === 'hessian' && !['neuralsort', 'softsort'].includes(String(s.group.relaxation))))
      .flatMap((s) => expandGrid({ ...single(s.group), n: study.largerN, seed: study.seeds })),
  ];
  return unique(overrides.map((o) => resolveConfig(digitRankingExperiment, { ...o, preset: study.preset })));
}

function single(group: Record<string, ConfigValue>): Record<string, ConfigValue[]> {
  return Object.fromEntries(Object.entries(group).map(([key, value]) => [key, [value]]));
}

function unique(configs: DigitRankingConfig[]): DigitRankingConfig[] {
  const seen = new Map<string, DigitRankingConfig>();
  for (const config of configs) seen.set(runId(digitRankingExperiment, config), config);
  return [...seen.values()];
}

/** One row of the study's main table: a Newton variant against its baseline in one cell. */
export interface DigitRankingComparison {
  relaxation: string;
  n: number;
  variant: string;
  /** The setting chosen on validation. */
  lambda: number;
  indefinite: string;
  /** Test exact match (fractions) of the baseline and the method, mean and std over seeds. */
  baselineMean: number;
  baselineStd: number;
  methodMean: number;
  methodStd: number;
  /** Paired per-seed difference method − baseline with its 95% bootstrap interval. */
  difference: number;
  low: number;
  high: number;
  seeds: number;
  better: number;
}

/**
 * The study's main table from stored results: per relaxation, n (both the full comparison's and
 * the larger ones) and Newton variant, the setting chosen on validation against the baseline on
 * the test set, paired by seed; only the study's own runs count. Cells with no paired runs are left out.
 */
export function digitRankingComparisons(study: DigitRankingStudy, results: readonly CsvRow[], metric = 'test_exact'): DigitRankingComparison[] {
  const chosen = digitRankingFinalConfigs(study, digitRankingSelections(study, results)).filter((c) => c.variant !== 'baseline');
  const own = new Set([...digitRankingSelectionConfigs(study), ...digitRankingFinalConfigs(study, digitRankingSelections(study, results))].map((c) => runId(digitRankingExperiment, c)));
  const rows = results.filter((row) => own.has(String(row.run_id)));
  const std = (values: number[]): number => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : NaN;
  };
  const out: DigitRankingComparison[] = [];
  const done = new Set<string>();
  for (const config of chosen) {
    const key = JSON.stringify([config.relaxation, config.n, config.variant]);
    if (done.has(key)) continue;
    done.add(key);
    const inCell = (row: CsvRow): boolean => row.relaxation === config.relaxation && row.n === config.n;
    const isMethod = (row: CsvRow): boolean => row.variant === config.variant && row.lambda === config.lambda && row.indefinite === config.indefinite;
    const cellRows = rows.filter((row) => inCell(row) && (row.variant === 'baseline' || isMethod(row)));
    const [comparison] = pairedComparisons(cellRows, { metric, cell: ['relaxation', 'n'], method: DIGIT_RANKING_METHOD_KEYS, baseline: { variant: 'baseline' } });
    if (!comparison) continue;
    const paired = new Set(cellRows.filter(isMethod).map((row) => row.seed));
    const values = (filter: (row: CsvRow) => boolean): number[] => cellRows.filter((row) => filter(row) && paired.has(row.seed)).map((row) => Number(row[metric]));
    out.push({
      relaxation: config.relaxation,
      n: config.n,
      variant: config.variant,
      lambda: config.lambda,
      indefinite: config.indefinite,
      baselineMean: comparison.baselineMean,
      baselineStd: std(values((row) => row.variant === 'baseline')),
      methodMean: comparison.methodMean,
      methodStd: std(values(isMethod)),
      difference: comparison.difference,
      low: comparison.low,
      high: comparison.high,
      seeds: comparison.pairs,
      better: comparison.better,
    });
  }
  return out;
}
