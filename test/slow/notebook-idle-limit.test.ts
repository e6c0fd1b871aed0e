import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentToNotebook } from '../../scripts/build-notebook';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../scripts/jupyter-env';
import { runNotebooks } from '../../scripts/run-notebooks';
import { rankingExperiment, readRunStatus, resolveConfig, runId } from '../../src/experiments/index';

// The runner stops a cell only when it stays silent longer than the idle limit (here 3 s instead
// of 900): a cell that trains longer than that while showing progress runs to the end; a cell that
// hangs is stopped, the message names the run it was training and the command that resumes it,
// and that command resumes the run from its checkpoint.
const IDLE_SECONDS = 3;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-idle-'));
const resultsRoot = path.join(dir, 'results');
const hungRun = runId(rankingExperiment, resolveConfig(rankingExperiment, { preset: 'smoke', seed: 1 }));

/**
 * The fixture: a smoke ranking run through the run store that shows its progress, a display loop,
 * and a second run that freezes at step 8 for two minutes without a word.
 */
function writeNotebook(name: string): string {
  const source = `// %%
import * as nl from './src/notebook';
await nl.initBackend('wasm');
const resultsRoot = ${JSON.stringify(resultsRoot)};
const busy = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end) {} };
const smoke = (seed: number) => nl.experiments.resolveConfig(nl.experiments.rankingExperiment, { preset: 'smoke', seed: seed });
// %%
const bar = nl.progress('run 1');
const first = await nl.experiments.runExperiment(nl.experiments.rankingExperiment, smoke(0), {
  resultsRoot: resultsRoot,
  onStep: (step) => { busy(400); bar.update(step / 12, 'step ' + step); },
});
console.log('run 1: ' + first.status);
// %%
const shown = nl.progress('a loop that is not a run');
for (let k = 1; k <= 8; k++) {
  busy(500);
  shown.update(k / 8);
  await new Promise((resolve) => setImmediate(resolve));
}
console.log('loop finished');
// %%
const second = await nl.experiments.runExperiment(nl.experiments.rankingExperiment, smoke(1), {
  resultsRoot: resultsRoot,
  onStart: (info) => console.log('run 2 starts at step ' + info.startStep),
  onStep: (step) => { if (step === 8) busy(120_000); },
});
console.log('run 2: ' + second.status);
`;
  const notebook = percentToNotebook(source) as { cells: { metadata: object }[] };
  // compiling the import takes seconds without output: the first cell raises its own limit
  notebook.cells[0].metadata = { newton_losses: { idle_seconds: 120 } };
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(notebook));
  return file;
}

test('a cell that shows progress runs past the idle limit; a silent one is stopped, its run named, and the named command resumes it', () => {
  const hanging = writeNotebook('hang.ipynb');
  const started = Date.now();
  const [stopped] = runNotebooks([hanging], { preset: 'smoke', outDir: path.join(dir, 'out'), cellIdleSeconds: IDLE_SECONDS });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(stopped.ok, false);
  const executed = fs.readFileSync(path.join(dir, 'out', 'hang.ipynb'), 'utf8');
  // (a) the cells that took 5 s and 4 s, over the 3 s limit, were not cut: they showed progress
  assert.match(executed, /run 1: completed/);
  assert.match(executed, /loop finished/);
  // (b) the hung cell was stopped for its silence, long before its two minutes were up
  assert.equal(stopped.stoppedIdle, true, stopped.error);
  assert.ok(seconds < 110, `took ${seconds} s`);
  assert.match(stopped.error!, /sent no output for [3-9] s, over the runner's limit of 3 s \(set by NEWTON_LOSSES_CELL_IDLE_SECONDS\)/);
  assert.match(stopped.error!, /run 2 starts at step 0/);
  // the message names the run and how to resume it (the run lives outside data/results/ here)
  assert.equal(stopped.activeRun?.runId, hungRun);
  assert.ok(stopped.error!.includes(`ranking/${hungRun}`), stopped.error);
  assert.match(stopped.error!, /saved up to its checkpoint at step 6/);
  assert.ok(stopped.error!.includes(`npx newton-losses ranking --preset smoke --seed 1 --results-dir ${resultsRoot}`), stopped.error);

  // the command in the message resumes the run from its checkpoint at step 6 and finishes it
  const command = /(npx newton-losses ranking [^\n]*?)  \(/.exec(stopped.error!)![1];
  const [, , ...args] = command.split(' ');
  const resumed = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'newton-losses.js'), ...args], { encoding: 'utf8', env: { ...process.env, NEWTON_LOSSES_PRESET: '' } });
  assert.equal(resumed.status, 0, resumed.stderr);
  const runDir = path.join(resultsRoot, 'ranking', hungRun);
  assert.match(fs.readFileSync(path.join(runDir, 'run.log'), 'utf8'), /resumed from the checkpoint at step 6/);
  assert.equal(readRunStatus(runDir)?.state, 'finished');
});
