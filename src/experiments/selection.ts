/**
 * Choosing a method's hyperparameters on validation data: among runs that differ only in the
 * candidate keys (e.g. λ and the indefinite policy), the setting with the best mean validation
 * metric over its seeds wins, per cell (e.g. per relaxation, n and Newton variant). Test metrics
 * play no part in the choice.
 */
import type { CsvRow, CsvValue } from './csv';

export interface SelectionOptions {
  /** The validation metric, e.g. 'val_exact'. */
  metric: string;
  /** 'max' (accuracy) or 'min' (loss); default 'max'. */
  mode?: 'max' | 'min';
  /** Config keys of a cell: one setting is chosen per cell. */
  cell: readonly string[];
  /** Config keys being chosen, e.g. ['lambda', 'indefinite']. */
  candidates: readonly string[];
}

/** The chosen setting of one cell. */
export interface Selection {
  /** The cell's and the chosen setting's config values. */
  group: Record<string, CsvValue>;
  /** Mean validation metric of the chosen setting, and its number of runs. */
  value: number;
  runs: number;
  /** Settings compared in this cell. */
  compared: number;
}

/**
 * The best setting per cell by the mean of `metric` over runs (ties: the first in row order; a
 * NaN mean never wins over a number).
 * Rows as `loadResults` returns them; a row missing a key is an error naming it.
 */
export function selectOnValidation(rows: readonly CsvRow[], options: SelectionOptions): Selection[] {
  const { metric, mode = 'max', cell, candidates } = options;
  const cells = new Map<string, Map<string, { group: Record<string, CsvValue>; values: number[] }>>();
  for (const row of rows) {
    for (const key of [metric, ...cell, ...candidates]) {
      if (!(key in row)) throw new Error(`selectOnValidation: a row has no column '${key}' (columns: ${Object.keys(row).join(', ')})`);
    }
    const cellKey = JSON.stringify(cell.map((k) => row[k]));
    const settings = cells.get(cellKey) ?? new Map();
    const settingKey = JSON.stringify(candidates.map((k) => row[k]));
    const entry = settings.get(settingKey) ?? { group: Object.fromEntries([...cell, ...candidates].map((k) => [k, row[k]])), values: [] };
    entry.values.push(Number(row[metric]));
    settings.set(settingKey, entry);
    cells.set(cellKey, settings);
  }
  const sign = mode === 'max' ? 1 : -1;
  return [...cells.values()].map((settings) => {
    let best: Selection | undefined;
    for (const { group, values } of settings.values()) {
      const value = values.reduce((a, b) => a + b, 0) / values.length;
      if (!best || Number.isNaN(best.value) || sign * value > sign * best.value) best = { group, value, runs: values.length, compared: settings.size };
    }
    return best!;
  });
}
