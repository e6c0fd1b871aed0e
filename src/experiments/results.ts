/**
 * Reading stored runs back: results of many runs as one table (config columns + result columns),
 * evaluation / training logs for curves, summaries with mean ± std over seeds per group.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCsv, readJsonFile, type CsvRow, type CsvValue } from './csv';
import type { RunConfig } from './experiment';
import { DEFAULT_RESULTS_ROOT, readRunStatus, type RunStatus } from './run-store';

export interface StoredRun {
  id: string;
  dir: string;
  config: RunConfig;
  status: RunStatus | null;
  /** The result row, for finished runs. */
  result: CsvRow | null;
}

export interface LoadOptions {
  /** Default `DEFAULT_RESULTS_ROOT`. */
  resultsRoot?: string;
  /** Keep only runs whose config has these values (a list means any of them). */
  where?: Record<string, CsvValue | readonly CsvValue[]>;
  /**
   * Told about each run folder that is skipped because one of its files cannot be read (the
   * message names the file and what is wrong); default: a line on stderr.
   */
  onWarning?: (message: string) => void;
}

/**
 * Every run folder of `experiment` (sorted by id), matching `where`. A run whose config, status or
 * result file cannot be read is skipped with a warning naming the file (see `onWarning`), so one
 * damaged run does not hide the others.
 */
export function listRuns(experiment: string, options: LoadOptions = {}): StoredRun[] {
  const root = path.join(options.resultsRoot ?? DEFAULT_RESULTS_ROOT, experiment);
  if (!fs.existsSync(root)) return [];
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const runs: StoredRun[] = [];
  for (const id of fs.readdirSync(root).sort()) {
    const dir = path.join(root, id);
    const configFile = path.join(dir, 'config.json');
    if (!fs.existsSync(configFile)) continue;
    try {
      const record = readJsonFile<{ config?: RunConfig }>(configFile);
      if (!record || typeof record.config !== 'object' || record.config === null) throw new Error(`${configFile}: has no config object`);
      const config = record.config;
      if (!matches(config, options.where)) continue;
      const status = readRunStatus(dir);
      const resultFile = path.join(dir, 'result.csv');
      const result = status?.state === 'finished' && fs.existsSync(resultFile) ? readCsv(resultFile)[0] ?? null : null;
      if (status?.state === 'finished' && !result) throw new Error(`${resultFile}: the run is finished but its result is missing or empty`);
      runs.push({ id, dir, config, status, result });
    } catch (error) {
      warn(`skipped run ${id}: ${(error as Error).message}`);
    }
  }
  return runs;
}

/** One row per finished run: `run_id`, the config, then the result columns. */
export function loadResults(experiment: string, options: LoadOptions = {}): CsvRow[] {
  return listRuns(experiment, options)
    .filter((run) => run.result)
    .map((run) => ({ run_id: run.id, ...run.config, ...run.result! }));
}

/**
 * The evaluation log (`'eval'`) or training log (`'train'`) of every matching run, one row per
 * evaluation / step, with `run_id` and the config columns in front (for curves with bands over seeds).
 */
export function loadRunLogs(experiment: string, log: 'eval' | 'train', options: LoadOptions = {}): CsvRow[] {
  return listRuns(experiment, options).flatMap((run) =>
    readCsv(path.join(run.dir, `${log}.csv`)).map((row) => ({ run_id: run.id, ...run.config, ...row })),
  );
}

/** A group's summary: the group keys, `runs` (count), and `<metric>_mean`, `<metric>_std` per metric. */
export type SummaryRow = Record<string, CsvValue>;

/**
 * Mean and sample standard deviation (n − 1; NaN for a single value) of `metrics` per group of
 * rows with equal values of `by`, groups in order of first appearance. A cell that holds no number
 * (empty, or text) is a missing value: it is left out of that metric's mean and std, never
 * counted as 0; `runs` counts the group's rows.
 */
export function summarizeResults(rows: readonly CsvRow[], by: readonly string[], metrics: readonly string[]): SummaryRow[] {
  const groups = new Map<string, CsvRow[]>();
  for (const row of rows) {
    for (const key of [...by, ...metrics]) {
      if (!(key in row)) throw new Error(`summarizeResults: a row has no column '${key}' (columns: ${Object.keys(row).join(', ')})`);
    }
    const key = JSON.stringify(by.map((k) => row[k]));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((members) => {
    const summary: SummaryRow = {};
    for (const key of by) summary[key] = members[0][key];
    summary.runs = members.length;
    for (const metric of metrics) {
      const values = members.map((row) => row[metric]).filter((value): value is number => typeof value === 'number');
      const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
      const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : NaN;
      summary[`${metric}_mean`] = mean;
      summary[`${metric}_std`] = Math.sqrt(variance);
    }
    return summary;
  });
}

/** One curve of `curvesOverRuns`: a `BandSeries` for `bandFigure` (mean ± std over runs) plus its group. */
export interface RunCurve {
  name: string;
  group: Record<string, CsvValue>;
  /** Runs in the group. */
  runs: number;
  x: number[];
  mean: number[];
  /** Sample standard deviation over runs (0 for a single run). */
  spread: number[];
}

/**
 * Mean ± std over runs of column `y` against column `x` (rows from `loadRunLogs`, keyed by
 * `run_id`), one curve per group of equal `by` values, named by those values. With `every`, x is
 * binned up to multiples of `every` and each run is first averaged within a bin (for noisy
 * per-step logs). Points where only some runs have a value use the runs that have one; an empty
 * cell is a missing value.
 */
export function curvesOverRuns(rows: readonly CsvRow[], options: { x: string; y: string; by: readonly string[]; every?: number }): RunCurve[] {
  const { x, y, by, every } = options;
  if (every !== undefined && !(every > 0)) throw new Error(`curvesOverRuns: every must be > 0, got ${every}`);
  const groups = new Map<string, { group: Record<string, CsvValue>; runs: Map<string, Map<number, number[]>> }>();
  for (const row of rows) {
    for (const key of ['run_id', x, y, ...by]) {
      if (!(key in row)) throw new Error(`curvesOverRuns: a row has no column '${key}' (columns: ${Object.keys(row).join(', ')})`);
    }
    if (typeof row[x] !== 'number' || typeof row[y] !== 'number') continue; // an empty cell is a missing value
    const key = JSON.stringify(by.map((k) => row[k]));
    if (!groups.has(key)) groups.set(key, { group: Object.fromEntries(by.map((k) => [k, row[k]])), runs: new Map() });
    const runs = groups.get(key)!.runs;
    const run = String(row.run_id);
    if (!runs.has(run)) runs.set(run, new Map());
    const xValue = Number(row[x]);
    const bin = every ? Math.ceil(xValue / every) * every : xValue;
    const points = runs.get(run)!;
    points.set(bin, [...(points.get(bin) ?? []), Number(row[y])]);
  }
  return [...groups.values()].map(({ group, runs }) => {
    const perBin = new Map<number, number[]>();
    for (const points of runs.values()) {
      for (const [bin, values] of points) perBin.set(bin, [...(perBin.get(bin) ?? []), values.reduce((a, b) => a + b, 0) / values.length]);
    }
    const bins = [...perBin.keys()].sort((a, b) => a - b);
    const stats = bins.map((bin) => {
      const values = perBin.get(bin)!;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
      return { mean, spread: Math.sqrt(variance) };
    });
    return {
      name: by.map((k) => String(group[k])).join(' '),
      group,
      runs: runs.size,
      x: bins,
      mean: stats.map((s) => s.mean),
      spread: stats.map((s) => s.spread),
    };
  });
}

/**
 * The unit a stored metric is shown in: a ratio (a name ending in `ratio`, e.g. the shortest
 * path's `test_cost_ratio` = true cost of the predicted path / optimal cost, ≥ 1) as a multiple
 * (`1.75×`), every other metric — a share in [0, 1] such as an accuracy — in percent (`6.25 %`).
 */
export function metricUnit(metric: string): '%' | '×' {
  return /ratio$/.test(metric) ? '×' : '%';
}

/** A metric's value in its unit (`metricUnit`), without the sign, `digits` decimals: 0.0625 → '6.25' (%), 1.75 → '1.75' (×). */
export function formatMetric(metric: string, value: number, digits = 2): string {
  return (metricUnit(metric) === '%' ? 100 * value : value).toFixed(digits);
}

/**
 * Summary rows with each metric as one text column `mean ± std` in its unit (`metricUnit`: accuracies
 * ×100 in %, ratios as they are), or multiplied by `scale` when given, with `digits` decimals
 * (default 2); `n/a` where no run has a value.
 */
export function formatSummary(summary: readonly SummaryRow[], metrics: readonly string[], options: { scale?: number; digits?: number } = {}): Record<string, CsvValue>[] {
  const digits = options.digits ?? 2;
  return summary.map((row) => {
    const out: Record<string, CsvValue> = {};
    for (const [key, value] of Object.entries(row)) if (!/_(mean|std)$/.test(key)) out[key] = value;
    for (const metric of metrics) {
      const scale = options.scale ?? (metricUnit(metric) === '%' ? 100 : 1);
      const value = Number(row[`${metric}_mean`]);
      const mean = Number.isNaN(value) ? 'n/a' : (value * scale).toFixed(digits);
      const std = Number(row[`${metric}_std`]);
      out[metric] = Number.isNaN(std) || Number.isNaN(value) ? mean : `${mean} ± ${(std * scale).toFixed(digits)}`;
    }
    return out;
  });
}

/** Rows as a plain-text table with aligned columns (numbers, and texts such as `6.25 ± 0.50`, right-aligned). */
export function formatTable(rows: readonly Record<string, CsvValue>[], columns: readonly string[] = rows.length ? Object.keys(rows[0]) : []): string {
  const cell = (value: CsvValue | undefined): string =>
    value === undefined ? '' : typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(4))) : String(value);
  const body = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...body.map((line) => line[i].length)));
  const looksNumeric = (value: CsvValue | undefined): boolean =>
    typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?( ± \d+(\.\d+)?)?$/.test(value));
  const numeric = columns.map((column) => rows.length > 0 && rows.every((row) => looksNumeric(row[column])));
  const format = (line: readonly string[]): string =>
    line.map((text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join('  ').trimEnd();
  return [format(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

function matches(config: RunConfig, where: LoadOptions['where']): boolean {
  if (!where) return true;
  return Object.entries(where).every(([key, wanted]) =>
    Array.isArray(wanted) ? (wanted as readonly CsvValue[]).includes(config[key]) : config[key] === wanted,
  );
}
