/**
 * A grid as a Slurm job array on a real single-node cluster (Debian's slurmctld, slurmd, munge,
 * started in a temporary folder: see ../slurm-cluster.ts): four digit-ranking smoke runs submitted
 * with `--slurm`, each task running the CLI on its cell; every run finishes with the numbers of the
 * same runs trained here; `status` and `results` read what the tasks wrote; resubmitting submits
 * nothing. Skipped, visibly, only where the daemons cannot run at all (not root); where they should
 * run and do not, the test fails with their logs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/index';
import { digitRankingExperiment, expandGrid, resolveConfig, runGrid, runId } from '../../src/experiments/index';
import { runStates } from '../../src/sweeps/index';
import { startSlurmCluster, slurmUnavailable, type SlurmCluster } from '../slurm-cluster';
import { storedMetrics } from '../sweeps-compare';

const BIN = path.join(__dirname, '..', '..', 'bin', 'newton-losses.js');
const notRoot = process.getuid?.() !== 0;
let cluster: SlurmCluster | undefined;

before(async () => {
  if (notRoot) return;
  const missing = slurmUnavailable();
  if (missing) throw new Error(`Slurm cannot start here: ${missing}`);
  cluster = await startSlurmCluster();
});

after(async () => {
  await cluster?.stop();
});

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NEWTON_LOSSES_PRESET: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('Slurm: a grid of 4 runs as a job array finishes with the numbers of the same runs done locally', { skip: notRoot ? 'needs root to start slurmctld, slurmd and munged' : false }, async () => {
  const env = cluster!.env;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-slurm-results-'));
  const grid = ['digit-ranking', '--grid', '--preset', 'smoke', '--seed', '0,1', '--variant', 'baseline,fisher', '--results-dir', root, '--backend', 'wasm'];
  const submitted = await cli([...grid, '--slurm', '--array-limit', '4', '--time', '10'], env);
  assert.equal(submitted.code, 0, submitted.stderr);
  const jobId = /submitted job (\d+): 4 array tasks/.exec(submitted.stderr)?.[1];
  assert.ok(jobId, submitted.stderr);

  const configs = expandGrid({ preset: ['smoke'], seed: [0, 1], variant: ['baseline', 'fisher'] }).map((overrides) => resolveConfig(digitRankingExperiment, overrides));
  const ids = configs.map((config) => runId(digitRankingExperiment, config));
  const saved = process.env.SLURM_CONF;
  process.env.SLURM_CONF = env.SLURM_CONF; // runStates asks squeue
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const states = runStates(digitRankingExperiment, root);
      if (ids.every((id) => states.find((row) => row.runId === id)?.state === 'finished')) break;
      const ended = states.filter((row) => row.state === 'failed' || row.state === 'submitted');
      const output = (): string =>
        fs.readdirSync(path.join(root, '.slurm', 'digit-ranking')).filter((f) => f.endsWith('.out')).map((f) => `${f}:\n${fs.readFileSync(path.join(root, '.slurm', 'digit-ranking', f), 'utf8')}`).join('\n');
      if (ended.length) assert.fail(`runs ended without finishing: ${JSON.stringify(ended)}\n${output()}`);
      if (Date.now() > deadline) assert.fail(`the array did not finish in 120 s: ${JSON.stringify(states)}\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    process.env.SLURM_CONF = saved;
  }
  const taskOutputs = fs.readdirSync(path.join(root, '.slurm', 'digit-ranking')).filter((f) => f.endsWith('.out')).sort();
  assert.deepEqual(taskOutputs, [0, 1, 2, 3].map((task) => `${jobId}_${task}.out`));

  await initBackend('wasm');
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-slurm-local-'));
  const here = await runGrid(digitRankingExperiment, configs, { resultsRoot: local, progress: 'none' });
  assert.equal(here.failures.length, 0);
  for (const id of ids) assert.deepEqual(storedMetrics(path.join(root, 'digit-ranking', id)), storedMetrics(path.join(local, 'digit-ranking', id)), id);

  const status = await cli(['status', 'digit-ranking', '--results-dir', root], env);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /\n4 runs: 4 finished\n$/);
  const results = await cli(['results', 'digit-ranking', '--results-dir', root], env);
  assert.equal(results.code, 0, results.stderr);
  assert.match(results.stdout, /neuralsort .* baseline/);
  assert.match(results.stdout, /neuralsort .* fisher/);
  const again = await cli([...grid, '--slurm'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /nothing to submit: all 4 runs of the grid are finished, queued or running/);
});
