/**
 * Drills of the run store as a careful operator would try them: two processes on one run, a dead
 * holder's lock, a grid meeting a held run, damaged or disagreeing checkpoints, failing writes,
 * leftover temporary files, a read-only results folder.
 */
import { test, before, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index';
import { resolveConfig, runExperiment, runId, runGrid, readRunStatus, readCheckpoint, writeCheckpoint, readCsv } from '../src/experiments/index';
import { fakeExperiment } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
});

/** The module object itself (the namespace import above is a copy whose methods cannot be mocked). */
const realFs = require('node:fs') as typeof fs;

const tempRoot = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'nl-reliable-'));
const runDir = (root: string, config: ReturnType<typeof resolveConfig>): string => path.join(root, 'fake', runId(fakeExperiment, config));
const withoutTimes = (rows: Record<string, unknown>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !/(_s)$/.test(k))));
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A live process that is not this one (its pid is what a lock of another process holds). */
function otherProcess(): { pid: number; stop(): void } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => child.kill() };
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function writeLock(dir: string, pid: number, host = os.hostname()): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid, host, startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
}

/** Runs `config` and stops it (as if killed) after `stopAt` steps. */
async function killedAt(root: string, config: ReturnType<typeof resolveConfig>, stopAt: number): Promise<string> {
  const controller = new AbortController();
  const outcome = await runExperiment(fakeExperiment, config, { resultsRoot: root, signal: controller.signal, onStep: (step) => step === stopAt && controller.abort() });
  assert.equal(outcome.status, 'interrupted');
  return outcome.dir;
}

test('lock: a second run of the same config while the first trains is refused at once; the log has one row per step', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 40, evalEvery: 10, seed: 21 });
  const dir = runDir(root, config);
  let second: Promise<Error | null> | undefined;
  const first = runExperiment(fakeExperiment, config, {
    resultsRoot: root,
    onStep: (step) => {
      if (step === 5) second = runExperiment(fakeExperiment, config, { resultsRoot: root }).then(() => null, (error: Error) => error);
    },
  });
  assert.equal((await first).status, 'completed');
  const error = await second!;
  assert.ok(error, 'the second run was refused');
  assert.match(error.message, new RegExp(`^run ${escape(runId(fakeExperiment, config))} \\(${escape(dir)}\\) is held by pid ${process.pid} on host ${escape(os.hostname())} since `));
  assert.deepEqual(readCsv(path.join(dir, 'train.csv')).map((row) => row.step), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(!fs.existsSync(path.join(dir, 'run.lock')), 'released at the end');
});

test('lock: a run held by another live process is refused naming the run, its folder and the holder; nothing is written', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { seed: 22 });
  const dir = runDir(root, config);
  const other = otherProcess();
  try {
    writeLock(dir, other.pid);
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), new RegExp(`run .*${escape(path.basename(dir))}.* is held by pid ${other.pid} on host`));
    assert.deepEqual(fs.readdirSync(dir), ['run.lock']);
    writeLock(dir, other.pid, 'some-other-host');
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), /is held by pid \d+ on host some-other-host/);
  } finally {
    other.stop();
  }
});

test('lock: a lock held by a real second process (taken with acquireRunLock) is respected', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { seed: 23 });
  const dir = runDir(root, config);
  fs.mkdirSync(dir, { recursive: true });
  const source = `const { acquireRunLock } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'experiments', 'run-lock.ts'))});
    acquireRunLock(${JSON.stringify(dir)}, 'x'); console.log('locked'); setTimeout(() => {}, 60000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (data: Buffer) => data.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`the locking process exited (${code})`)));
    });
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), new RegExp(`is held by pid ${child.pid} `));
  } finally {
    child.kill();
  }
  await new Promise((resolve) => child.once('exit', resolve));
  // killed: its lock stays behind, and is taken over
  const messages: string[] = [];
  const outcome = await runExperiment(fakeExperiment, config, { resultsRoot: root, onMessage: (text) => messages.push(text) });
  assert.equal(outcome.status, 'completed');
  assert.match(messages.join('\n'), new RegExp(`took over the lock of pid ${child.pid} on host .*, which is no longer running`));
});

test('lock: a dead holder\'s lock is taken over and said so; the lock is released after finishing, failing and interrupting', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { seed: 24 });
  const dir = runDir(root, config);
  const pid = deadPid();
  writeLock(dir, pid);
  const messages: string[] = [];
  const outcome = await runExperiment(fakeExperiment, config, { resultsRoot: root, onMessage: (text) => messages.push(text) });
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(messages, [`run ${outcome.id}: took over the lock of pid ${pid} on host ${os.hostname()} since 2026-01-01T00:00:00.000Z, which is no longer running`]);
  assert.ok(!fs.existsSync(path.join(dir, 'run.lock')));

  const failing = resolveConfig(fakeExperiment, { seed: 25, nanAtStep: 3 });
  await assert.rejects(runExperiment(fakeExperiment, failing, { resultsRoot: root }), /loss is NaN/);
  assert.ok(!fs.existsSync(path.join(runDir(root, failing), 'run.lock')), 'released after a failure');

  const interrupted = resolveConfig(fakeExperiment, { seed: 26 });
  const stop = new AbortController();
  await runExperiment(fakeExperiment, interrupted, { resultsRoot: root, interrupt: stop.signal, onStep: (step) => step === 4 && stop.abort() });
  assert.ok(!fs.existsSync(path.join(runDir(root, interrupted), 'run.lock')), 'released after an interrupt');
});

test('lock: a lock with this process\'s pid that it does not hold (an earlier process with the same pid) is taken over', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { seed: 27 });
  writeLock(runDir(root, config), process.pid);
  const messages: string[] = [];
  const outcome = await runExperiment(fakeExperiment, config, { resultsRoot: root, onMessage: (text) => messages.push(text) });
  assert.equal(outcome.status, 'completed');
  assert.match(messages.join('\n'), new RegExp(`took over the lock of pid ${process.pid} on host`));
});

test('grid: a run held by another process is skipped, run after the others once free, and reported when still held', async () => {
  const root = tempRoot();
  const configs = [0, 1, 2].map((seed) => resolveConfig(fakeExperiment, { seed: 30 + seed, steps: 6, evalEvery: 3 }));
  const other = otherProcess();
  try {
    writeLock(runDir(root, configs[0]), other.pid);
    let text = '';
    const order: number[] = [];
    const stream = {
      write: (s: string) => {
        text += s;
        if (/run 1\/3 .*held by another process, coming back/.test(s)) fs.rmSync(path.join(runDir(root, configs[0]), 'run.lock')); // the holder finishes
        return true;
      },
    };
    const grid = await runGrid(fakeExperiment, configs, { resultsRoot: root, stream, progress: 'lines' });
    for (const outcome of grid.outcomes) order.push(configs.findIndex((config) => runId(fakeExperiment, config) === outcome.id));
    assert.deepEqual(order, [1, 2, 0], 'the held run comes last');
    assert.deepEqual(grid.outcomes.map((o) => o.status), ['completed', 'completed', 'completed']);
    assert.deepEqual(grid.held, []);
    assert.match(text, /run 1\/3 lr0.2-seed30-[0-9a-f]{8}: held by another process, coming back to it after the others/);

    const more = [3, 4].map((seed) => resolveConfig(fakeExperiment, { seed: 30 + seed, steps: 6, evalEvery: 3 }));
    writeLock(runDir(root, more[1]), other.pid);
    let log = '';
    const again = await runGrid(fakeExperiment, more, { resultsRoot: root, stream: { write: (s: string) => (log += s) }, progress: 'lines' });
    assert.equal(again.outcomes.length, 1);
    assert.equal(again.held.length, 1);
    assert.equal(again.failures.length, 0);
    assert.match(again.held[0].error.message, new RegExp(`is held by pid ${other.pid} on host`));
    assert.match(log, /run 2\/2 still held by another process, not run: run lr0.2-seed34-/);
    assert.match(log, /100% 12\/12 steps/);
  } finally {
    other.stop();
  }
});

test('checkpoints: a flipped bit is found by the checksum; the message names the file and offers the previous checkpoint or --restart', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 30, evalEvery: 10, seed: 40 });
  const dir = await killedAt(root, config, 25);
  const file = path.join(dir, 'checkpoint.bin');
  assert.ok(fs.existsSync(path.join(dir, 'checkpoint.prev.bin')), 'the checkpoint before is kept');
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 5] ^= 0x10; // a weight's bit
  fs.writeFileSync(file, bytes);
  await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), (error: Error) => {
    assert.match(error.message, new RegExp(`^fake run ${escape(path.basename(dir))}: ${escape(file)} cannot be used: not a valid checkpoint \\(payload checksum mismatch`));
    assert.match(error.message, new RegExp(`resume from the previous checkpoint ${escape(path.join(dir, 'checkpoint.prev.bin'))} \\(step 10, checked\\) with --previous-checkpoint, or start the run over with --restart`));
    return true;
  });
  assert.equal(readRunStatus(dir)?.state, 'failed');
  assert.ok(!fs.existsSync(path.join(dir, 'run.lock')));

  const header = fs.readFileSync(file);
  header[14] ^= 0x01; // inside the JSON header
  fs.writeFileSync(file, header);
  await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), /not a valid checkpoint \((header checksum mismatch|header is not JSON)/);

  // the way out: the previous checkpoint, then the same result as a run never interrupted
  const straight = await runExperiment(fakeExperiment, config, { resultsRoot: tempRoot() });
  const messages: string[] = [];
  const resumed = await runExperiment(fakeExperiment, config, { resultsRoot: root, checkpoint: 'previous', onMessage: (m) => messages.push(m) });
  assert.equal(resumed.status, 'completed');
  assert.match(messages.join('\n'), /resuming from the previous checkpoint \(step 10\); the rejected one is kept as .*checkpoint\.rejected\.bin/);
  assert.deepEqual(withoutTimes(readCsv(path.join(dir, 'train.csv'))), withoutTimes(readCsv(path.join(straight.dir, 'train.csv'))));
  assert.deepEqual(withoutTimes([resumed.result!]), withoutTimes([straight.result!]));
});

test('checkpoints: a header that disagrees with the logs, the config or the trainer stops the run naming what disagrees', async () => {
  const config = resolveConfig(fakeExperiment, { steps: 40, evalEvery: 10, seed: 41 });
  const rewrite = (dir: string, change: (meta: Record<string, unknown>, tensors: Record<string, tf.Tensor>) => void): void => {
    const file = path.join(dir, 'checkpoint.bin');
    const stored = readCheckpoint(file);
    const meta = stored.meta as Record<string, unknown>;
    const tensors = Object.fromEntries(Object.entries(stored.tensors).map(([name, t]) => [name, tf.tensor(t.values, t.shape, t.dtype)]));
    change(meta, tensors);
    writeCheckpoint(file, meta as never, tensors);
    tf.dispose(Object.values(tensors));
  };
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['header step 30, logs end at 12', (dir) => rewrite(dir, (meta) => (meta.step = 30)), /its header says step 30, but .*train\.csv holds 12 rows up to that step \(steps 1…12\)/],
    ['train log shorter than the step', (dir) => {
      const file = path.join(dir, 'train.csv');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
    }, /its header says step 10, but .*train\.csv holds 5 rows up to that step/],
    ['train log longer than a run checkpointed there can have', (dir) => {
      const file = path.join(dir, 'train.csv');
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      const extra = Array.from({ length: 13 }, (_, i) => `${13 + i},0.5,0.01`);
      fs.writeFileSync(file, [...lines, ...extra].join('\n') + '\n');
    }, /train\.csv holds 25 rows, more than the 20 a run checkpointed at step 10 can have logged/],
    ['eval log missing an evaluation', (dir) => {
      const file = path.join(dir, 'eval.csv');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      fs.writeFileSync(file, [lines[0], lines[2], ''].join('\n'));
    }, /eval\.csv should hold evaluations at steps 0, 10, but it holds 10/],
    ['last evaluation differs', (dir) => rewrite(dir, (meta) => ((meta.lastEval as Record<string, number>).val_score = 1)), /its last evaluation has val_score=1, .*eval\.csv at step 10 has -/],
    ['another run', (dir) => rewrite(dir, (meta) => (meta.runId = 'lr0.2-seed9-00000000')), /its header names run lr0.2-seed9-00000000, config.json is run lr0.2-seed41-/],
    ['another schedule', (dir) => rewrite(dir, (meta) => (meta.totalSteps = 50)), /its header says 50 steps, config.json's schedule has 40/],
    ['a tensor of another shape', (dir) => rewrite(dir, (_, tensors) => (tensors.w = tf.zeros([2, 2]))), /tensor 'w' is float32 \[2,2\], the trainer's is float32 \[4,1\]/],
    ['a missing tensor', (dir) => rewrite(dir, (_, tensors) => delete tensors.w), /it has no tensor 'w'/],
  ];
  for (const [name, damage, expected] of cases) {
    const root = tempRoot();
    const dir = await killedAt(root, config, 12);
    damage(dir);
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), (error: Error) => {
      assert.match(error.message, expected, name);
      assert.match(error.message, new RegExp(`${escape(path.join(dir, 'checkpoint.bin'))} cannot be used: `), name);
      assert.match(error.message, /start the run over with --restart/, name);
      return true;
    }, name);
  }
});

test('restart: discards the stored state and ends like a fresh run; a run held by another process is not restarted', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 20, evalEvery: 5, seed: 42 });
  const dir = await killedAt(root, config, 12);
  fs.writeFileSync(path.join(dir, 'checkpoint.bin'), 'garbage');
  const restarted = await runExperiment(fakeExperiment, config, { resultsRoot: root, restart: true });
  const fresh = await runExperiment(fakeExperiment, config, { resultsRoot: tempRoot() });
  assert.deepEqual(withoutTimes([restarted.result!]), withoutTimes([fresh.result!]));
  assert.deepEqual(withoutTimes(readCsv(path.join(dir, 'train.csv'))), withoutTimes(readCsv(path.join(fresh.dir, 'train.csv'))));
  assert.match(fs.readFileSync(path.join(dir, 'run.log'), 'utf8'), /restarted: the stored state was discarded/);
  assert.equal((await runExperiment(fakeExperiment, config, { resultsRoot: root, restart: true })).status, 'completed', 'a finished run is rerun');

  const other = otherProcess();
  try {
    writeLock(dir, other.pid);
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root, restart: true }), /is held by pid/);
    assert.ok(fs.existsSync(path.join(dir, 'result.csv')), 'nothing was discarded');
  } finally {
    other.stop();
  }
});

test('interrupt: stops at the step boundary with a checkpoint there; resuming ends like an uninterrupted run', async () => {
  const config = resolveConfig(fakeExperiment, { steps: 30, evalEvery: 10, seed: 43 });
  const straight = await runExperiment(fakeExperiment, config, { resultsRoot: tempRoot() });
  const root = tempRoot();
  const stop = new AbortController();
  const interrupted = await runExperiment(fakeExperiment, config, { resultsRoot: root, interrupt: stop.signal, onStep: (step) => step === 17 && stop.abort() });
  assert.equal(interrupted.status, 'interrupted');
  assert.equal(interrupted.step, 17);
  assert.equal(readRunStatus(interrupted.dir)?.step, 17);
  assert.equal((readCheckpoint(path.join(interrupted.dir, 'checkpoint.bin')).meta as { step: number }).step, 17);
  let startStep = -1;
  const resumed = await runExperiment(fakeExperiment, config, { resultsRoot: root, onStart: (info) => (startStep = info.startStep) });
  assert.equal(startStep, 17);
  assert.deepEqual(withoutTimes(readCsv(path.join(resumed.dir, 'train.csv'))), withoutTimes(readCsv(path.join(straight.dir, 'train.csv'))));
  assert.deepEqual(withoutTimes(readCsv(path.join(resumed.dir, 'eval.csv'))), withoutTimes(readCsv(path.join(straight.dir, 'eval.csv'))));
  assert.deepEqual(withoutTimes([resumed.result!]), withoutTimes([straight.result!]));
});

test('failures: a failed write names the file, leaves no temporary file, and marks the run failed (and it resumes)', async (t) => {
  const config = resolveConfig(fakeExperiment, { steps: 20, evalEvery: 5, seed: 44 });
  const straight = await runExperiment(fakeExperiment, config, { resultsRoot: tempRoot() });
  for (const code of ['ENOSPC', 'EROFS', 'EACCES']) {
    const root = tempRoot();
    const dir = runDir(root, config);
    let writes = 0;
    const original = fs.writeFileSync;
    const failing = t.mock.method(realFs, 'writeFileSync', function (this: unknown, file: fs.PathOrFileDescriptor, ...rest: unknown[]) {
      // the third checkpoint write (step 10) fails half-way through, as a full disk does
      if (typeof file === 'number' && rest[0] instanceof Uint8Array && (rest[0] as Uint8Array).byteLength > 100 && ++writes === 3) {
        throw Object.assign(new Error(`${code}: simulated, write`), { code, syscall: 'write' });
      }
      return (original as (...args: unknown[]) => void).call(realFs, file, ...rest);
    });
    await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), (error: Error) => {
      assert.match(error.message, new RegExp(`^fake run .*: step 10: cannot write ${escape(path.join(dir, 'checkpoint.bin'))}: ${code}, `));
      return true;
    });
    failing.mock.restore();
    assert.deepEqual(fs.readdirSync(dir).filter((name) => /\.tmp-/.test(name)), [], `${code}: no temporary file is left`);
    const status = readRunStatus(dir)!;
    assert.equal(status.state, 'failed');
    assert.equal(status.step, 10);
    assert.match(status.message!, new RegExp(`cannot write .*checkpoint\\.bin: ${code}`));
    const resumed = await runExperiment(fakeExperiment, config, { resultsRoot: root });
    assert.deepEqual(withoutTimes([resumed.result!]), withoutTimes([straight.result!]), `${code}: resumable`);
  }
});

test('failures: temporaries of a killed process are removed when the run next starts', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 20, evalEvery: 5, seed: 45 });
  const dir = await killedAt(root, config, 7);
  for (const name of ['checkpoint.bin.tmp-999999', 'status.json.tmp-12', 'checkpoint.prev.bin.tmp-77']) fs.writeFileSync(path.join(dir, name), 'partial');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  await runExperiment(fakeExperiment, config, { resultsRoot: root });
  assert.deepEqual(fs.readdirSync(dir).filter((name) => /tmp|notes/.test(name)), ['notes.txt']);
});

test('failures: a read-only results folder says so', async (t) => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { seed: 46 });
  t.mock.method(realFs, 'mkdirSync', () => {
    throw Object.assign(new Error(`EROFS: read-only file system, mkdir '${root}/fake'`), { code: 'EROFS' });
  });
  await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), new RegExp(`the results folder ${escape(root)} is read-only \\(EROFS`));
});

test('failures: an error inside a training step names the step that failed and the run', async () => {
  const root = tempRoot();
  const base = resolveConfig(fakeExperiment, { seed: 47 });
  const experiment = {
    ...fakeExperiment,
    async createTrainer(config: typeof base) {
      const trainer = await fakeExperiment.createTrainer(config);
      return {
        ...trainer,
        step(step: number) {
          if (step === 2) throw new Error('neuralsort: scores must be finite, got NaN at scores[0][1]');
          return trainer.step(step);
        },
      };
    },
  };
  await assert.rejects(runExperiment(experiment, base, { resultsRoot: root }), (error: Error) => {
    assert.match(error.message, /^fake run lr0.2-seed47-[0-9a-f]{8}: step 2: neuralsort: scores must be finite, got NaN at scores\[0\]\[1\]$/);
    return true;
  });
  const status = readRunStatus(runDir(root, base))!;
  assert.equal(status.step, 2);
  assert.equal(status.message, 'step 2: neuralsort: scores must be finite, got NaN at scores[0][1]');
});

test('reads: malformed status, config and log files are errors naming the file and the line', async () => {
  const root = tempRoot();
  const config = resolveConfig(fakeExperiment, { steps: 10, evalEvery: 5, seed: 48 });
  const dir = await killedAt(root, config, 7);
  fs.writeFileSync(path.join(dir, 'status.json'), '{\n  "state": "running",\n  "step": 5,,\n}\n');
  assert.throws(() => readRunStatus(dir), new RegExp(`${escape(path.join(dir, 'status.json'))}:3:13: invalid JSON`));
  fs.rmSync(path.join(dir, 'status.json'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{ "config": ');
  await assert.rejects(runExperiment(fakeExperiment, config, { resultsRoot: root }), new RegExp(`${escape(path.join(dir, 'config.json'))}:1:13: invalid JSON`));
  fs.writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n1,2\n3\n');
  assert.throws(() => readCsv(path.join(dir, 'bad.csv')), new RegExp(`${escape(path.join(dir, 'bad.csv'))}: line 3 has 1 cells, expected 2`));
  mock.restoreAll();
});
