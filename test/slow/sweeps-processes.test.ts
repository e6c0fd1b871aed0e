/**
 * Grids in child processes through the real command (bin/newton-losses.js, digit-ranking smoke
 * runs): `--jobs 2` stores the same numbers as `--jobs 1`; a failed run is reported and the others
 * finish; Ctrl-C stops every child at a step boundary with a checkpoint, and the same command
 * resumes the grid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { digitRankingExperiment, readRunStatus, resolveConfig, runId, LOCK_FILE } from '../../src/experiments/index';
import { storedMetrics } from '../sweeps-compare';

const BIN = path.join(__dirname, '..', '..', 'bin', 'newton-losses.js');
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'nl-jobs-'));

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args, '--backend', 'wasm', '--progress', 'lines'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEWTON_LOSSES_PRESET: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

const runDirs = (root: string): string[] => fs.readdirSync(path.join(root, 'digit-ranking')).sort().map((id) => path.join(root, 'digit-ranking', id));

test('--jobs 2: the same stored numbers as --jobs 1; a failed run is reported and the others finish', async () => {
  const grid = ['digit-ranking', '--grid', '--preset', 'smoke', '--seed', '0,1', '--variant', 'baseline,fisher'];
  const one = tmp();
  const two = tmp();
  const sequential = await start([...grid, '--lr', '0.003', '--jobs', '1', '--results-dir', one]).done;
  assert.equal(sequential.code, 0, sequential.stderr);
  assert.doesNotMatch(sequential.stderr, /at once/);
  const parallel = await start([...grid, '--lr', '1e30,0.003', '--jobs', '2', '--results-dir', two]).done;
  assert.equal(parallel.code, 1, parallel.stderr);
  assert.match(parallel.stderr, /8 runs on wasm .*, up to 2 at once \(one process each\)/);
  assert.match(parallel.stderr, /\| 4\/8 runs finished, 0 running, 4 failed\n/);
  assert.equal((parallel.stderr.match(/^failed: neuralsort-n5-\S+: step 2: .*NaN/gm) ?? []).length, 4, parallel.stderr);
  const finished = runDirs(two).filter((dir) => readRunStatus(dir)?.state === 'finished');
  assert.equal(finished.length, 4);
  assert.deepEqual(finished.map((dir) => storedMetrics(dir)), runDirs(one).map((dir) => storedMetrics(dir)));
  assert.equal(parallel.stdout.trim().split('\n').length, 6, parallel.stdout); // the table of the 4 finished runs
});

/** Waits until both runs of the grid in `root` have trained at least 5 steps. */
async function bothTraining(root: string, grid: ChildProcess): Promise<void> {
  const trainRows = (): number[] =>
    fs.existsSync(path.join(root, 'digit-ranking'))
      ? runDirs(root).map((dir) => (fs.existsSync(path.join(dir, 'train.csv')) ? fs.readFileSync(path.join(dir, 'train.csv'), 'utf8').split('\n').length - 2 : 0))
      : [];
  while (!(trainRows().length === 2 && trainRows().every((rows) => rows >= 5))) {
    assert.equal(grid.exitCode, null, 'the grid ended before both runs trained');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('Ctrl-C stops every child with a checkpoint (exit 130); the same command resumes the grid', async () => {
  const root = tmp();
  const args = ['digit-ranking', '--grid', '--preset', 'smoke', '--seed', '0,1', '--steps', '1500', '--eval-every', '500', '--jobs', '2', '--results-dir', root];
  const first = start(args);
  await bothTraining(root, first.child);
  first.child.kill('SIGINT');
  const stopped = await first.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /interrupted 2 runs, each at its step \(\d+ of 1500, \d+ of 1500\); run the same command to resume\n$/);
  const steps = runDirs(root).map((dir) => {
    const status = readRunStatus(dir)!;
    assert.equal(status.state, 'interrupted');
    assert.ok(status.step >= 5, `saved at step ${status.step}`);
    assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock is released');
    return status.step;
  });

  const resumed = await start(args).done;
  assert.equal(resumed.code, 0, resumed.stderr);
  runDirs(root).forEach((dir, i) => {
    assert.equal(readRunStatus(dir)?.state, 'finished');
    assert.match(fs.readFileSync(path.join(dir, 'run.log'), 'utf8'), new RegExp(`resumed from the checkpoint at step ${steps[i]}\\n`));
    const trained = fs.readFileSync(path.join(dir, 'train.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    assert.deepEqual(trained, Array.from({ length: 1500 }, (_, k) => k + 1), 'one row per step, none twice');
  });
});

test('--jobs 2: a run another live process holds is not trained; the grid comes back to it, then reports it', async () => {
  const root = tmp();
  const heldDir = path.join(root, 'digit-ranking', runId(digitRankingExperiment, resolveConfig(digitRankingExperiment, { preset: 'smoke', seed: 1 })));
  fs.mkdirSync(heldDir, { recursive: true });
  fs.writeFileSync(path.join(heldDir, LOCK_FILE), JSON.stringify({ pid: 1, host: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' })); // pid 1 lives
  const grid = await start(['digit-ranking', '--grid', '--preset', 'smoke', '--seed', '0,1', '--jobs', '2', '--results-dir', root]).done;
  assert.equal(grid.code, 1, grid.stderr);
  assert.match(grid.stderr, /run 2\/2 \S+: held by another process, coming back to it after the others\n/);
  assert.match(grid.stderr, /not run: run \S+ \(.*\) is held by pid 1 on host .* since 2026-01-01T00:00:00.000Z/);
  assert.equal(readRunStatus(heldDir), null, 'the held run was not touched');
  assert.equal(runDirs(root).filter((dir) => readRunStatus(dir)?.state === 'finished').length, 1);
});

test('the grid process killed with SIGKILL: its children checkpoint and stop (their IPC channel closed)', async () => {
  const root = tmp();
  const grid = start(['digit-ranking', '--grid', '--preset', 'smoke', '--seed', '0,1', '--steps', '100000', '--eval-every', '50000', '--jobs', '2', '--results-dir', root]);
  await bothTraining(root, grid.child);
  grid.child.kill('SIGKILL');
  await grid.done;
  const deadline = Date.now() + 60_000;
  while (!runDirs(root).every((dir) => readRunStatus(dir)?.state === 'interrupted' && !fs.existsSync(path.join(dir, LOCK_FILE)))) {
    if (Date.now() > deadline) assert.fail(`the children did not stop: ${JSON.stringify(runDirs(root).map((dir) => readRunStatus(dir)))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const dir of runDirs(root)) assert.ok(readRunStatus(dir)!.step >= 5, `saved at step ${readRunStatus(dir)!.step}`);
});
