/**
 * Rows of results as a danfo DataFrame, for tables in notebooks. danfojs-node is an optional peer
 * dependency, loaded on first use (it is heavy).
 */
import type { DataFrame } from 'danfojs-node';
import type { CsvValue } from '../experiments/csv';
import { requireOptional } from '../runtime/optional-package';

/**
 * Rows (one object per row, the columns the keys of the rows) as a danfo DataFrame.
 * Throws `MissingPackageError` when danfojs-node is not installed.
 */
export async function toDataFrame(rows: readonly Record<string, CsvValue>[]): Promise<DataFrame> {
  const danfo = requireOptional<typeof import('danfojs-node')>('danfojs-node', 'toDataFrame');
  return new danfo.DataFrame(rows.map((row) => ({ ...row })));
}
