/** Summaries of repeated runs and of noisy per-step values, for curves with a band over seeds. */
import { mean, standardDeviation } from 'simple-statistics';

/**
 * Point-wise mean and standard deviation (population, ÷ R) over R runs of equal length L:
 * `runs[r][k]` ↦ `{ mean[k], spread[k] }`, the shape `bandFigure` draws. Throws when there are no
 * runs or their lengths differ.
 */
export function meanAndSpread(runs: readonly (readonly number[])[]): { mean: number[]; spread: number[] } {
  if (runs.length === 0) throw new Error('meanAndSpread: runs must hold at least one run, got none');
  const length = runs[0].length;
  const other = runs.find((run) => run.length !== length);
  if (other) throw new Error(`meanAndSpread: every run must have the same length, got ${length} and ${other.length}`);
  const columns = Array.from({ length }, (_, k) => runs.map((run) => run[k]));
  return { mean: columns.map((column) => mean(column)), spread: columns.map((column) => standardDeviation(column)) };
}

/**
 * Means of consecutive windows of `width` values (the last window may be shorter): a per-step
 * training loss is noisy, its windowed means show the trend. Throws when `width` is not a positive integer.
 */
export function windowedMeans(values: readonly number[], width: number): number[] {
  if (!(Number.isInteger(width) && width >= 1)) throw new Error(`windowedMeans: width must be a positive integer, got ${width}`);
  return Array.from({ length: Math.ceil(values.length / width) }, (_, k) => mean(values.slice(k * width, (k + 1) * width)));
}
