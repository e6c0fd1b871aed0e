/**
 * One grid trained twice through the CLI, one right after the other, each into its own empty
 * results folder: with `--jobs 1` (one run after another in one process) and with `--jobs 2` (two
 * runs at once, one process each). Prints both wall times and their ratio, with the machine's cores
 * and its load average before and after (a ratio measured on a busy machine says little about an
 * idle one: on 2 free cores it should approach 2×).
 *
 *   npx tsx bench/grid-jobs.ts [--steps N] [--jobs K] [-- <more grid options>]
 *   default: the ranking quick preset's four-run grid NeuralSort × {baseline, Fisher λ 0.01} × seeds
 *   {0, 1}, shortened to 150 steps (evaluation every 75); --jobs K compares 1 with K (default 2).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { steps: { type: 'string', default: '150' }, jobs: { type: 'string', default: '2' } },
  allowPositionals: true,
});
const steps = Number(values.steps);
const jobs = Number(values.jobs);
if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`--steps must be an integer >= 1, got '${values.steps}'`);
if (!(Number.isInteger(jobs) && jobs >= 2)) throw new Error(`--jobs must be an integer >= 2, got '${values.jobs}'`);
const bin = path.join(__dirname, '..', 'bin', 'newton-losses.js');
const grid = [
  'ranking', '--grid', '--preset', 'quick', '--relaxation', 'neuralsort', '--variant', 'baseline,fisher', '--lambda', '0.01', '--seed', '0,1',
  '--steps', String(steps), '--eval-every', String(Math.max(1, Math.floor(steps / 2))), '--backend', 'wasm', '--progress', 'none', ...positionals,
];

const loadavg = (): string => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`grid: newton-losses ${grid.join(' ')}`);
console.log(`machine: ${os.availableParallelism()} cores, load average (1, 5, 15 min) before: ${loadavg()}`);
const seconds: Record<number, number> = {};
for (const k of [1, jobs]) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `nl-bench-jobs${k}-`));
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, ...grid, '--jobs', String(k), '--results-dir', root], { encoding: 'utf8', env: { ...process.env, NEWTON_LOSSES_PRESET: '' } });
  seconds[k] = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`--jobs ${k} failed (exit ${run.status}):\n${run.stderr}`);
  const runs = fs.readdirSync(path.join(root, 'ranking')).length;
  console.log(`--jobs ${k}: ${runs} runs in ${seconds[k].toFixed(1)} s (load average after: ${loadavg()})`);
  fs.rmSync(root, { recursive: true, force: true });
}
console.log(`wall-time ratio --jobs 1 / --jobs ${jobs}: ${(seconds[1] / seconds[jobs]).toFixed(2)}×`);
