/**
 * Makes finished runs small enough to commit: in every finished run under
 * `<results-dir>/<experiment>/`, `train.csv` keeps its first `--keep-first` steps (default 20: what
 * the reproducibility test retrains) and then every `--every`-th step (default 10). Unfinished runs
 * are left alone (they need their whole log to resume). Checkpoints, run logs and temporaries are
 * git-ignored, never committed.
 *
 * Usage: tsx scripts/thin-run-logs.ts <experiment> [--results-dir DIR] [--every 10] [--keep-first 20]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as nl from '../src/index';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'results-dir': { type: 'string' }, every: { type: 'string', default: '10' }, 'keep-first': { type: 'string', default: '20' } },
});
const [experiment] = positionals;
if (!experiment) throw new Error('usage: thin-run-logs <experiment> [--results-dir DIR] [--every 10] [--keep-first 20]');
const every = Number(values.every);
const keepFirst = Number(values['keep-first']);
for (const [name, value] of [['--every', every], ['--keep-first', keepFirst]] as const) {
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`${name} must be an integer >= 1, got '${String(value)}'`);
}
let thinned = 0;
for (const run of nl.experiments.listRuns(experiment, { resultsRoot: values['results-dir'] })) {
  if (run.status?.state !== 'finished') continue;
  const file = path.join(run.dir, 'train.csv');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  const kept = lines.filter((line, i) => i === 0 || i <= keepFirst || Number(line.slice(0, line.indexOf(','))) % every === 0);
  if (kept.length < lines.length) {
    fs.writeFileSync(file, kept.join('\n') + '\n');
    thinned++;
  }
}
console.log(`thin-run-logs: thinned train.csv of ${thinned} finished ${experiment} runs (first ${keepFirst} steps, then every ${every}th)`);
