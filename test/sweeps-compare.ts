/**
 * The stored numbers of a run that must agree between two runs of the same config on the same
 * backend: its eval log and result, every column except the wall-clock ones (named `*_s`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** eval.csv and result.csv of the run in `dir`, without the columns that end in `_s`. */
export function storedMetrics(dir: string): { eval: string[][]; result: string[][] } {
  const read = (file: string): string[][] => {
    const [header, ...rows] = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((line) => line.split(','));
    const keep = header.map((name, i) => (name.endsWith('_s') ? -1 : i)).filter((i) => i >= 0);
    return [header, ...rows].map((row) => keep.map((i) => row[i]));
  };
  return { eval: read('eval.csv'), result: read('result.csv') };
}
