/**
 * The quick study of notebook 03 (`rankingStudyConfigs('quick')`: 21 runs of the ranking quick
 * preset) trained twice, one right after the other, each into its own empty results folder: with
 * `jobs` = 1 (one run after another in this process) and with 2 (two runs at once, one process
 * each), as the notebook trains it with `runGridInProcesses`. Prints both wall times, their ratio and
 * the load average before and after each (a figure from a busy machine says little about an idle one).
 *
 *   npx tsx bench/quick-study-jobs.ts        (about 35 minutes on 2 idle cores)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index';
import { rankingExperiment, rankingStudyConfigs } from '../src/experiments/index';
import { runGridInProcesses } from '../src/sweeps/index';

const loadavg = (): string => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

(async () => {
  await initBackend('wasm');
  const configs = rankingStudyConfigs('quick');
  console.log(`notebook 03's quick study: ${configs.length} runs; machine: ${os.availableParallelism()} cores, load average (1, 5, 15 min) before: ${loadavg()}`);
  const seconds: Record<number, number> = {};
  for (const jobs of [1, 2]) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `nl-quick-study-jobs${jobs}-`));
    const started = performance.now();
    const grid = await runGridInProcesses(rankingExperiment, configs, { jobs, resultsRoot: root, backend: 'wasm', progress: 'none' });
    seconds[jobs] = (performance.now() - started) / 1000;
    const failed = grid.failures.length + grid.held.length;
    if (failed) throw new Error(`jobs ${jobs}: ${failed} runs failed or held: ${[...grid.failures, ...grid.held].map((f) => f.error.message).join('; ')}`);
    console.log(`jobs ${jobs}: ${grid.outcomes.length} runs in ${(seconds[jobs] / 60).toFixed(1)} min (load average after: ${loadavg()})`);
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(`wall-time ratio jobs 1 / jobs 2: ${(seconds[1] / seconds[2]).toFixed(2)}×`);
})();
