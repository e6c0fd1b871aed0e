/**
 * Ctrl-C and SIGTERM against the real command (bin/newton-losses.js, ranking smoke preset): the run
 * stops at the next step boundary with a checkpoint there, says where, exits 130 / 143, and the
 * same command resumes from that step; also with the model on worker threads (--workers 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCheckpoint, readRunStatus } from '../../src/experiments/index';

const BIN = path.join(__dirname, '..', '..', 'bin', 'newton-losses.js');

/** Starts the command, sends `signal` once train.csv has `afterRows` rows; resolves to its exit code and stderr. */
async function interrupt(args: string[], root: string, signal: NodeJS.Signals, afterRows: number): Promise<{ code: number | null; stderr: string; dir: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NEWTON_LOSSES_PRESET: '' } });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let dir = '';
  try {
    for (;;) {
      const runs = path.join(root, 'ranking');
      dir = fs.existsSync(runs) && fs.readdirSync(runs).length ? path.join(runs, fs.readdirSync(runs)[0]) : '';
      const train = dir && path.join(dir, 'train.csv');
      if (train && fs.existsSync(train) && fs.readFileSync(train, 'utf8').split('\n').length - 2 >= afterRows) break;
      if (child.exitCode !== null) throw new Error(`the command ended early (${child.exitCode}): ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill(signal);
    return { code: await exited, stderr, dir };
  } finally {
    clearTimeout(guard);
  }
}

for (const [signal, code, workers] of [['SIGINT', 130, 1], ['SIGTERM', 143, 2]] as const) {
  test(`${signal} during training (--workers ${workers}): checkpoint at the step reached, exit ${code}, the same command resumes there`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-signals-'));
    const args = ['ranking', '--preset', 'smoke', '--steps', '100000', '--eval-every', '50000', '--results-dir', root, '--progress', 'none', '--backend', 'wasm', '--workers', String(workers)];
    const first = await interrupt(args, root, signal, 3);
    assert.equal(first.code, code, first.stderr);
    const step = Number(/interrupted at step (\d+) of 100000; run the same command to resume\n$/.exec(first.stderr)?.[1]);
    assert.ok(step >= 3, first.stderr);
    assert.equal((readCheckpoint(path.join(first.dir, 'checkpoint.bin')).meta as { step: number }).step, step);
    assert.equal(readRunStatus(first.dir)?.state, 'interrupted');
    assert.equal(readRunStatus(first.dir)?.step, step);
    assert.ok(!fs.existsSync(path.join(first.dir, 'run.lock')), 'the lock is released');

    const second = await interrupt(args, root, signal, step + 2);
    assert.equal(second.code, code, second.stderr);
    assert.match(fs.readFileSync(path.join(first.dir, 'run.log'), 'utf8'), new RegExp(`resumed from the checkpoint at step ${step}\\n`));
    const steps = fs.readFileSync(path.join(first.dir, 'train.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
    assert.deepEqual(steps, Array.from({ length: steps.length }, (_, i) => i + 1), 'one row per step, none twice');
  });
}
