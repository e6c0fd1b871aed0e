/**
 * Grids at scale without training in child processes or a Slurm cluster: free cores, the run
 * options' checks, the sbatch script of a job array, resubmission of what is left, and the states
 * `status` reports from the run store and from Slurm (a stand-in `squeue` on PATH).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index';
import { digitRankingExperiment, registerExperiment, resolveConfig, runExperiment, runId, LOCK_FILE } from '../src/experiments/index';
import { freeCores, runStates, slurmScript, slurmTasks, submitSlurmGrid } from '../src/sweeps/index';
import { parseJobs, parseSlurmResources } from '../src/sweeps/run-options';
import { cli, fakeExperiment, type FakeConfig } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
  registerExperiment(fakeExperiment);
});

const fake = (overrides: Partial<FakeConfig>): FakeConfig => resolveConfig(fakeExperiment, { steps: 4, evalEvery: 2, ...overrides });
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'nl-sweeps-'));

test('freeCores: the cores minus the rounded load average, at least 1; bad input named', () => {
  assert.equal(freeCores(2, 0.1), 2);
  assert.equal(freeCores(2, 0.6), 1);
  assert.equal(freeCores(16, 3.4), 13);
  assert.equal(freeCores(2, 7.9), 1);
  assert.ok(freeCores() >= 1 && freeCores() <= os.availableParallelism());
  assert.throws(() => freeCores(0, 0), /freeCores: cores must be an integer >= 1, got 0/);
  assert.throws(() => freeCores(2, NaN), /loadAverage must be a number >= 0, got NaN/);
});

test('run options: --jobs and the Slurm flags are checked, quoting what was typed', () => {
  assert.equal(parseJobs({ jobs: '3' }), 3);
  assert.equal(parseJobs({}, 'fake'), 1);
  assert.ok(parseJobs({}) >= 1);
  for (const bad of ['0', '1.5', 'two', '', '-1']) assert.throws(() => parseJobs({ jobs: bad }), new RegExp(`--jobs must be an integer >= 1, got '${bad}'`));
  assert.throws(() => parseJobs({ jobs: '2' }, 'fake'), /--jobs 2: experiment 'fake' is registered in this process only.*use --jobs 1/);
  assert.throws(() => parseSlurmResources({ partition: 'gpu' }), /--partition applies to --slurm only/);
  assert.throws(() => parseSlurmResources({ slurm: true, 'cpus-per-task': '0' }), /--cpus-per-task must be an integer >= 1, got '0'/);
  assert.throws(() => parseSlurmResources({ slurm: true, time: '' }), /--time needs a value, got ''/);
  assert.deepEqual(parseSlurmResources({ slurm: true, partition: 'gpu', 'array-limit': '4', sbatch: ['--qos=long'] }), {
    partition: 'gpu', time: undefined, gpus: undefined, mem: undefined, cpusPerTask: undefined, arrayLimit: 4, extra: ['--qos=long'],
  });
});

test('CLI: --jobs > 1 and --slurm refuse an experiment a child process cannot load; --dry-run needs --slurm', async () => {
  const root = tmp();
  const jobs = await cli(['fake', '--grid', '--seed', '0,1', '--jobs', '2', '--results-dir', root]);
  assert.equal(jobs.code, 2);
  assert.match(jobs.stderr, /--jobs 2: experiment 'fake' is registered in this process only/);
  const slurm = await cli(['fake', '--grid', '--seed', '0,1', '--slurm', '--results-dir', root]);
  assert.equal(slurm.code, 2);
  assert.match(slurm.stderr, /--slurm: experiment 'fake' is registered in this process only/);
  const dry = await cli(['fake', '--dry-run', '--results-dir', root]);
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, /--dry-run applies to --slurm only/);
  const help = await cli(['fake', '--help']);
  assert.match(help.stdout, /--jobs <k> +runs of a grid trained at once/);
  assert.match(help.stdout, /--slurm +submit the grid as a Slurm job array/);
});

test('slurmScript: one array task per cell, resources as #SBATCH lines, each task runs the CLI on its cell', () => {
  const configs = [0, 1, 2].map((seed) => resolveConfig(digitRankingExperiment, { preset: 'smoke', seed, variant: seed === 2 ? 'fisher' : 'baseline' }));
  const tasks = slurmTasks(digitRankingExperiment, configs);
  const root = tmp();
  const script = slurmScript(digitRankingExperiment, tasks, {
    resultsRoot: root, partition: 'gpu', time: '2:00:00', cpusPerTask: 4, gpus: '1', mem: '8G', arrayLimit: 2, extra: ['--account=abc'], backend: 'wasm', workers: 4, node: '/opt/node/bin/node',
  });
  const sbatch = script.split('\n').filter((line) => line.startsWith('#SBATCH '));
  assert.deepEqual(sbatch, [
    '#SBATCH --job-name=newton-losses-digit-ranking',
    '#SBATCH --array=0-2%2',
    `#SBATCH --output=${root}/.slurm/digit-ranking/%A_%a.out`,
    '#SBATCH --partition=gpu',
    '#SBATCH --time=2:00:00',
    '#SBATCH --cpus-per-task=4',
    '#SBATCH --gpus=1',
    '#SBATCH --mem=8G',
    '#SBATCH --account=abc',
  ]);
  for (const task of tasks) assert.ok(script.includes(`  ${task.index}) cell=(${task.args.join(' ')}) ;;  # ${task.runId}\n`), task.runId);
  assert.match(script, /exec "\$\{NEWTON_LOSSES_NODE:-\/opt\/node\/bin\/node\}" \S+\/bin\/newton-losses\.js digit-ranking "\$\{cell\[@\]\}" --results-dir \S+ --progress lines --backend wasm --workers 4\n$/);
  // Each task's cell, run through bash, resolves to the run id in its comment.
  const file = path.join(root, 'script.sh');
  fs.writeFileSync(file, script.replace(/^exec .*$/m, 'printf "%s\\n" "${cell[@]}"'));
  for (const task of tasks) {
    const args = execFileSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(task.index) }, encoding: 'utf8' }).trim().split('\n');
    const overrides: Record<string, string | number> = {};
    for (let i = 0; i < args.length; i += 2) overrides[args[i].slice(2)] = args[i] === '--seed' ? Number(args[i + 1]) : args[i + 1];
    assert.equal(runId(digitRankingExperiment, resolveConfig(digitRankingExperiment, overrides)), task.runId);
  }
  assert.throws(() => execFileSync('bash', [file], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '3' }, stdio: 'pipe' }), /no grid cell for array task 3/);
  assert.throws(() => slurmScript(digitRankingExperiment, tasks, { resultsRoot: root, partition: 'a b' }), /--partition must be one word.*got 'a b'/);
  assert.throws(() => slurmScript(digitRankingExperiment, tasks, { resultsRoot: root, extra: ['account=abc'] }), /--sbatch must be one sbatch option.*got 'account=abc'/);
  assert.throws(() => slurmScript(digitRankingExperiment, [], { resultsRoot: root }), /no tasks/);
});

test('submitSlurmGrid: resubmitting leaves out finished runs and runs Slurm lists as queued or running', async () => {
  const root = tmp();
  const configs = [0, 1, 2, 3].map((seed) => fake({ seed }));
  await runExperiment(fakeExperiment, configs[0], { resultsRoot: root });
  const first = submitSlurmGrid(fakeExperiment, configs, { resultsRoot: root, dryRun: true });
  assert.deepEqual(first.tasks.map((task) => task.runId), configs.slice(1).map((config) => runId(fakeExperiment, config)));
  assert.deepEqual(first.skipped, [{ runId: runId(fakeExperiment, configs[0]), state: 'finished' }]);
  assert.match(first.script!, /--array=0-2\n/);

  // A recorded submission of seeds 1 and 2, which a stand-in squeue reports pending and running.
  const bin = withSlurmStandIn(root, { '17_0': 'PENDING', '17_1': 'RUNNING' });
  recordSubmission(root, '17', [configs[1], configs[2]]);
  const again = withPath(bin, () => submitSlurmGrid(fakeExperiment, configs, { resultsRoot: root, dryRun: true }));
  assert.deepEqual(again.tasks.map((task) => task.runId), [runId(fakeExperiment, configs[3])]);
  assert.deepEqual(again.skipped.map((skip) => skip.state).sort(), ['finished', 'queued', 'running']);
});

test('runStates: queued, running, interrupted, failed, finished, submitted, from the run store and Slurm', async () => {
  const root = tmp();
  const [finished, failed, held, died, queued, lost, ended] = [0, 1, 2, 3, 4, 5, 6].map((seed) => fake({ seed, nanAtStep: seed === 1 ? 2 : 0 }));
  await runExperiment(fakeExperiment, finished, { resultsRoot: root });
  await assert.rejects(runExperiment(fakeExperiment, failed, { resultsRoot: root }), /step 2: loss is NaN/);
  // Stored runs whose lock names a live process (pid 1) and a dead one (status still 'running').
  for (const [config, pid] of [[held, 1], [died, 2 ** 22 + 1]] as const) {
    const controller = new AbortController();
    await runExperiment(fakeExperiment, config, { resultsRoot: root, signal: controller.signal, onStep: () => controller.abort() });
    const dir = path.join(root, 'fake', runId(fakeExperiment, config));
    fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ state: 'running', step: 0, totalSteps: 4, updatedAt: new Date().toISOString() }));
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: os.hostname(), startedAt: new Date().toISOString() }));
  }
  recordSubmission(root, '21', [queued, lost, ended, finished]);
  const bin = withSlurmStandIn(root, { '21_0': 'PENDING' }, { '21_2': 'FAILED', '21_3': 'COMPLETED' });
  const states = Object.fromEntries(withPath(bin, () => runStates(fakeExperiment, root)).map((row) => [row.runId, row]));
  const state = (config: FakeConfig): string => states[runId(fakeExperiment, config)]?.state;
  assert.equal(state(finished), 'finished');
  assert.equal(state(failed), 'failed');
  assert.match(states[runId(fakeExperiment, failed)].message!, /step 2: loss is NaN/);
  assert.equal(state(held), 'running');
  assert.match(states[runId(fakeExperiment, held)].where!, /^pid 1 on this host$/);
  assert.equal(state(died), 'interrupted');
  assert.equal(state(queued), 'queued');
  assert.equal(states[runId(fakeExperiment, queued)].where, 'slurm 21_0');
  assert.equal(state(lost), 'submitted');
  assert.equal(state(ended), 'failed');
  assert.match(states[runId(fakeExperiment, ended)].message!, /array task 21_2 ended FAILED/);

  const shown = await withPathAsync(bin, () => cli(['status', 'fake', '--results-dir', root]));
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\n7 runs: 1 queued, 1 running, 1 interrupted, 2 failed, 1 submitted, 1 finished\n$/);
  const none = await cli(['status', 'fake', '--results-dir', tmp()]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no fake runs under .*, stored or submitted/);
});

/** Writes a submission record as `submitSlurmGrid` does, tasks 0, 1, … for `configs`. */
function recordSubmission(root: string, jobId: string, configs: FakeConfig[]): void {
  const folder = path.join(root, '.slurm', 'fake');
  fs.mkdirSync(folder, { recursive: true });
  const tasks = configs.map((config, index) => ({ index, runId: runId(fakeExperiment, config) }));
  fs.writeFileSync(path.join(folder, `job-${jobId}.json`), JSON.stringify({ jobId, jobName: 'newton-losses-fake', script: 'x.sh', submittedAt: new Date().toISOString(), tasks }));
}

/** A folder with stand-in `squeue` and `sacct` that print the given task states in their formats. */
function withSlurmStandIn(root: string, queue: Record<string, string>, accounting: Record<string, string> = {}): string {
  const bin = fs.mkdtempSync(path.join(root, 'bin-'));
  const print = (states: Record<string, string>): string => Object.entries(states).map(([id, state]) => `echo '${id}|${state}'`).join('\n');
  fs.writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\n${print(queue)}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'sacct'), `#!/bin/sh\n${print(accounting)}\n`, { mode: 0o755 });
  return bin;
}

function withPath<T>(bin: string, body: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return body();
  } finally {
    process.env.PATH = saved;
  }
}

async function withPathAsync<T>(bin: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}
