/**
 * Paired comparison of a method against its baseline over seeds: runs with the same seed share the
 * initial weights and the training batches, so the per-seed difference d_s = metric(method, s) −
 * metric(baseline, s) removes what the seed does to both. Reported: the mean difference d̄ and its
 * percentile bootstrap confidence interval (resampling the seeds' differences with replacement,
 * `resamples` times; simple-statistics draws, our seeded `Rng` supplies the randomness, so the
 * interval is reproducible). A gain is claimed only where the interval excludes 0.
 *
 * With few seeds (5–10) the percentile bootstrap is somewhat too narrow (it cannot see beyond the
 * observed differences); read an interval that barely excludes 0 as a hint, not a finding.
 */
import { mean, quantile, sampleWithReplacement } from 'simple-statistics';
import { Rng } from '../runtime/random';
import type { CsvRow, CsvValue } from './csv';

export interface IntervalOptions {
  /** Confidence level in (0, 1); default 0.95. */
  level?: number;
  /** Bootstrap resamples; default 10 000. */
  resamples?: number;
  /** Seed of the resampling; default 0. */
  seed?: number;
}

/** The mean of `values` with its percentile bootstrap interval [low, high]. */
export function bootstrapMeanInterval(values: readonly number[], options: IntervalOptions = {}): { mean: number; low: number; high: number } {
  const { level = 0.95, resamples = 10_000, seed = 0 } = options;
  if (values.length === 0) throw new Error('bootstrapMeanInterval: values must not be empty');
  if (!values.every(Number.isFinite)) throw new Error(`bootstrapMeanInterval: values must be finite numbers, got [${values.join(', ')}]`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapMeanInterval: level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new Error(`bootstrapMeanInterval: resamples must be an integer >= 1, got ${resamples}`);
  const rng = new Rng(seed).fork('bootstrap');
  const random = (): number => rng.uniform();
  const means = Array.from({ length: resamples }, () => mean(sampleWithReplacement([...values], values.length, random)));
  const alpha = (1 - level) / 2;
  return { mean: mean([...values]), low: quantile(means, alpha), high: quantile(means, 1 - alpha) };
}

/** One method's comparison with its baseline within one cell (e.g. one relaxation and n). */
export interface PairedComparison {
  /** The cell's and the method's config values (the keys of `cell` and `method`). */
  group: Record<string, CsvValue>;
  /** Seeds that both the method and the baseline have. */
  pairs: number;
  baselineMean: number;
  methodMean: number;
  /** Mean per-seed difference method − baseline, and its interval. */
  difference: number;
  low: number;
  high: number;
  /** Seeds on which the method is better / worse than the baseline. */
  better: number;
  worse: number;
}

export interface PairedOptions extends IntervalOptions {
  /** The compared metric (a result column, e.g. 'test_exact'). */
  metric: string;
  /** Config keys of a cell: a method is compared with the baseline of its own cell (e.g. relaxation, n). */
  cell: readonly string[];
  /** Config keys that tell methods apart within a cell (e.g. variant, lambda, indefinite). */
  method: readonly string[];
  /** Which rows are the baseline (config values), e.g. `{ variant: 'baseline' }`. */
  baseline: Record<string, CsvValue>;
  /** The key that pairs runs; default 'seed'. */
  pairBy?: string;
}

/**
 * Every non-baseline method of every cell against that cell's baseline, paired by `pairBy`.
 * Methods with no common seed are left out. Rows as `loadResults` returns them. Throws when a
 * method (or a baseline) has two rows with the same `pairBy` value in one cell: they differ in a key
 * the comparison does not know, and averaging them would hide it.
 */
export function pairedComparisons(rows: readonly CsvRow[], options: PairedOptions): PairedComparison[] {
  const { metric, cell, method, baseline, pairBy = 'seed' } = options;
  for (const row of rows) {
    for (const key of [metric, pairBy, ...cell, ...method]) {
      if (!(key in row)) throw new Error(`pairedComparisons: a row has no column '${key}' (columns: ${Object.keys(row).join(', ')})`);
    }
  }
  const duplicate = (row: CsvRow, what: string): Error =>
    new Error(`pairedComparisons: ${what} has two runs with ${pairBy} = ${String(row[pairBy])} in cell ${JSON.stringify(cell.map((k) => row[k]))}; filter the rows or add the key that tells them apart to 'cell' or 'method'`);
  const isBaseline = (row: CsvRow): boolean => Object.entries(baseline).every(([key, value]) => row[key] === value);
  const cellKey = (row: CsvRow): string => JSON.stringify(cell.map((k) => row[k]));
  const baselines = new Map<string, Map<CsvValue, number>>();
  for (const row of rows.filter(isBaseline)) {
    const bySeed = baselines.get(cellKey(row)) ?? new Map<CsvValue, number>();
    if (bySeed.has(row[pairBy])) throw duplicate(row, 'the baseline');
    bySeed.set(row[pairBy], Number(row[metric]));
    baselines.set(cellKey(row), bySeed);
  }
  const methods = new Map<string, { group: Record<string, CsvValue>; rows: CsvRow[] }>();
  for (const row of rows) {
    if (isBaseline(row)) continue;
    const key = JSON.stringify([...cell, ...method].map((k) => row[k]));
    const entry = methods.get(key) ?? { group: Object.fromEntries([...cell, ...method].map((k) => [k, row[k]])), rows: [] };
    if (entry.rows.some((other) => other[pairBy] === row[pairBy])) throw duplicate(row, JSON.stringify(entry.group));
    entry.rows.push(row);
    methods.set(key, entry);
  }
  const out: PairedComparison[] = [];
  for (const { group, rows: members } of methods.values()) {
    const reference = baselines.get(cellKey(members[0]));
    const paired = members.filter((row) => reference?.has(row[pairBy]) && Number.isFinite(Number(row[metric])));
    const base = paired.map((row) => reference!.get(row[pairBy])!).filter(Number.isFinite);
    if (paired.length === 0 || base.length !== paired.length) continue;
    const values = paired.map((row) => Number(row[metric]));
    const differences = values.map((value, i) => value - base[i]);
    const interval = bootstrapMeanInterval(differences, options);
    out.push({
      group,
      pairs: paired.length,
      baselineMean: mean(base),
      methodMean: mean(values),
      difference: interval.mean,
      low: interval.low,
      high: interval.high,
      better: differences.filter((d) => d > 0).length,
      worse: differences.filter((d) => d < 0).length,
    });
  }
  return out;
}
