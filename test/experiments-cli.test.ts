import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index';
import { registerExperiment, listExperiments, loadResults, readRunStatus } from '../src/experiments/index';
import { main } from '../src/cli';
import { cli, fakeExperiment } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
  registerExperiment(fakeExperiment);
});

test('cli --help lists the commands; <experiment> --help lists every option with its default per preset', async () => {
  const general = await cli(['--help']);
  assert.equal(general.code, 0);
  assert.match(general.stdout, /^Usage: newton-losses <command> \[options\]/);
  assert.match(general.stdout, /\n  fake +linear regression for tests \(--grid for sweeps\)/);
  assert.match(general.stdout, /\n  results +mean ± std/);
  const help = await cli(['fake', '--help']);
  assert.equal(help.code, 0);
  for (const spec of fakeExperiment.options) {
    const flag = spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    assert.match(help.stdout, new RegExp(`\\n  --${flag} `), `--${flag} is listed`);
  }
  assert.match(help.stdout, /--eval-every <integer> +evaluation interval \[default: 10\]/);
  assert.match(help.stdout, /--preset <smoke> +preset \[default: smoke, or \$NEWTON_LOSSES_PRESET\]/);
  assert.match(help.stdout, /--grid +every option takes a comma-separated list/);
  assert.match(help.stdout, /--workers <k> +worker threads for training/);
});

test('cli: unknown options, bad values and lists without --grid are clear errors', async () => {
  const unknown = await cli(['fake', '--learning-rate', '3']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^newton-losses: fake: Unknown option '--learning-rate'.*see newton-losses fake --help\n$/);
  assert.match((await cli(['fake', '--steps', 'many'])).stderr, /fake: --steps 'many' is not a number; option 'steps' must be an integer/);
  assert.match((await cli(['fake', '--seed', '0,1'])).stderr, /--seed '0,1' is a list; add --grid/);
  assert.match((await cli(['fake', '--progress', 'loud'])).stderr, /--progress must be one of auto, tty, lines, none/);
  assert.match((await cli(['fake', '--backend', 'tpu'])).stderr, /--backend must be one of auto, tfjs-node-gpu/);
  assert.match((await cli(['fake', '--workers', '0'])).stderr, /--workers must be an integer >= 1, got '0'/);
  assert.match((await cli(['nope'])).stderr, /unknown experiment 'nope'; expected one of .*fake/);
  assert.ok(listExperiments().includes('fake'));
});

test('cli: a grid runs every combination once, skips finished runs, and `results` prints mean ± std', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-cli-'));
  const args = ['fake', '--grid', '--lr', '0.1,10^-1.5', '--seed', '0,1', '--steps', '6', '--eval-every', '3', '--results-dir', root, '--backend', 'wasm'];
  const first = await cli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /newton-losses fake: 4 runs on wasm/);
  assert.match(first.stderr, /run 4\/4 lr0.0316\d*-seed1-[0-9a-f]{8}: test_score=/);
  assert.match(first.stdout, /lr +seed +test_score % +best_step +wall_s/);
  assert.match(first.stderr, /test_score=-?\d+\.\d\d%/, 'the progress lines give the metric in % as the tables do');
  assert.equal((first.stderr.match(/100% 24\/24 steps/g) ?? []).length, 1, `the last progress line prints once:\n${first.stderr}`);
  const runTable = first.stdout.trim().split('\n').slice(2).map((line) => line.trim().split(/ +/));
  const stored = loadResults('fake', { resultsRoot: root });
  const shown = runTable.map((cells) => Number(cells[2])).sort((a, b) => a - b);
  assert.deepEqual(shown, stored.map((r) => Number((100 * Number(r.test_score)).toFixed(2))).sort((a, b) => a - b), 'the run table in %, as `results`');
  const rows = loadResults('fake', { resultsRoot: root });
  assert.deepEqual(rows.map((r) => [r.lr, r.seed]).sort(), [[0.03162277660168379, 0], [0.03162277660168379, 1], [0.1, 0], [0.1, 1]]);
  const again = await cli(args);
  assert.equal(again.code, 0);
  assert.equal((again.stderr.match(/already finished, skipped/g) ?? []).length, 4);

  const table = await cli(['results', 'fake', '--results-dir', root, '--metrics', 'test_score']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /lr +runs +test_score % +wall s\/run/);
  assert.equal(lines.length, 4);
  assert.ok(lines.slice(2).some((line) => /^ *0.1 +2 +-?\d+\.\d\d ± \d+\.\d\d +\d+$/.test(line)), table.stdout);
  const filtered = await cli(['results', 'fake', '--results-dir', root, '--where', 'lr=0.1', '--csv']);
  assert.match(filtered.stdout, /^lr,runs,test_score_mean,test_score_std,wall_s_mean,wall_s_std\n0.1,2,/);
  assert.match((await cli(['results', 'fake', '--results-dir', path.join(root, 'empty')])).stderr, /no finished fake runs/);
  const none = await cli(['results', 'fake', '--results-dir', root, '--where', 'lr=0.5']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no finished fake run matches --where lr=0.5 \(4 finished runs under .* do not; drop --where to list them\)/);

  const out = path.join(root, 'plots', 'score.html');
  const plot = await cli(['plot', 'fake', '--metric', 'test_score', '--results-dir', root, '--out', out]);
  assert.equal(plot.code, 0, plot.stderr);
  assert.match(plot.stderr, /2 curves from 4 runs written to /);
  const html = fs.readFileSync(out, 'utf8');
  assert.doesNotMatch(html, /<script src=/, 'plotly inlined, no CDN');
  assert.ok(html.length > 1_000_000 && html.includes('Plotly.newPlot'), 'plotly.js in the page');
  const end = html.indexOf(";Plotly.newPlot('figure-0'");
  const spec = JSON.parse(html.slice(html.lastIndexOf('{var s=', end) + '{var s='.length, end)) as { data: { name: string; showlegend?: boolean }[]; layout: { xaxis: { title: { text: string } } } };
  assert.deepEqual(spec.data.filter((t) => t.showlegend !== false).map((t) => t.name).sort(), ['lr=0.03162277660168379', 'lr=0.1']);
  assert.equal(spec.layout.xaxis.title.text, 'step');
  assert.match((await cli(['plot', 'fake', '--metric', 'nope', '--results-dir', root, '--out', out])).stderr, /the eval log has no column 'nope'/);
  assert.match((await cli(['plot', 'fake', '--metric', 'test_score', '--results-dir', root])).stderr, /--out <file.html> is required/);
  assert.match((await cli(['results', 'fake', '--where', 'width=3'])).stderr, /--where: unknown option 'width' of fake/);
});

test('cli: a failing run (NaN) gives exit code 1 and names the run, step and quantity', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-cli-'));
  const result = await cli(['fake', '--nan-at-step', '2', '--results-dir', root, '--progress', 'none']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /failed: lr0.2-seed0-[0-9a-f]{8}: fake run lr0.2-seed0-[0-9a-f]{8}: step 2: loss is NaN/);
  const [dir] = fs.readdirSync(path.join(root, 'fake'));
  assert.equal(readRunStatus(path.join(root, 'fake', dir))?.state, 'failed');
});

test('bin/newton-losses.js runs the TypeScript CLI through tsx', () => {
  const bin = path.join(__dirname, '..', 'bin', 'newton-losses.js');
  const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.match(out, /^Usage: newton-losses <command> \[options\]/);
});

test('cli: numbers, seeds, lists and folders that cannot be used are refused quoting what was typed', async () => {
  const error = async (args: string[]): Promise<string> => {
    const result = await cli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    return result.stderr;
  };
  assert.match(await error(['fake', '--seed', '4294967296']), /fake: option 'seed' must be an integer in \[0, 2\^32\), got 4294967296/);
  assert.match(await error(['fake', '--seed=-1']), /option 'seed' must be an integer in \[0, 2\^32\), got -1/);
  assert.match(await error(['fake', '--lr', 'NaN']), /fake: --lr 'NaN' is not a number; option 'lr' must be a finite number/);
  assert.match(await error(['fake', '--lr', 'Infinity']), /--lr 'Infinity' is not a number/);
  assert.match(await error(['fake', '--lr', '1e400']), /--lr '1e400' is too large for a finite number/);
  assert.match(await error(['fake', '--lr', '10^400']), /--lr '10\^400' is too large for a finite number/);
  assert.match(await error(['fake', '--steps', '0x10']), /--steps '0x10' is not a number/);
  assert.match(await error(['fake', '--grid', '--seed', '0,,1']), /--seed '0,,1' has an empty item/);
  assert.match(await error(['fake', '--seed=']), /--seed needs a value, got ''/);
  assert.match(await error(['fake', '--results-dir=']), /--results-dir needs a folder, got ''/);
  assert.match(await error(['results', 'fake', '--results-dir=']), /--results-dir needs a folder, got ''/);
  assert.match(await error(['ranking', '--n', '1000000']), /ranking: option 'n' = 1000000 cannot fit: a training batch of batchSize 32 sets × n 1000000 items .* lower 'n' or 'batchSize'/);
  assert.match(await error(['ranking', '--n', '20000', '--batch-size', '1']), /option 'n' = 20000 cannot fit: the relaxed permutation matrices/);
  assert.match(await error(['shortest-path', '--train-maps', '1000000']), /shortest-path: option 'trainMaps' = 1000000 cannot fit: the images of 1000000 maps of 96 × 96 pixels take 27.6 GB/);
  assert.match(await error(['shortest-path', '--batch-size', '20000', '--train-maps', '20000']), /option 'batchSize' = 20000 cannot fit/);
  // a boolean option is given bare, as --help shows it: the error is about the next option, not about it
  assert.match(await error(['shortest-path', '--spectrum', '--epochs', 'x']), /--epochs 'x' is not a number/);
  assert.match(await error(['shortest-path', '--spectrum', 'maybe']), /--spectrum 'maybe' must be true or false/);
  assert.match(await error(['fake', '--restart', '--previous-checkpoint']), /--restart and --previous-checkpoint exclude each other/);
});

/** Waits until `file` has at least `rows` data rows. */
async function rowsIn(file: string, rows: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length - 2 >= rows) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${file} never reached ${rows} rows`);
}

test('cli: SIGINT / SIGTERM stop at the next step with a checkpoint (exit 130 / 143), the same command resumes; a second signal exits at once', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-cli-'));
  const args = ['fake', '--steps', '1000000', '--eval-every', '100000', '--results-dir', root, '--progress', 'none'];
  const first = cli(args);
  const dir = () => path.join(root, 'fake', fs.readdirSync(path.join(root, 'fake'))[0]);
  for (let i = 0; i < 500 && !(fs.existsSync(path.join(root, 'fake')) && fs.readdirSync(path.join(root, 'fake')).length); i++) await new Promise((r) => setTimeout(r, 10));
  await rowsIn(path.join(dir(), 'train.csv'), 3);
  process.emit('SIGINT');
  const stopped = await first;
  assert.equal(stopped.code, 130, stopped.stderr);
  const step = Number(/interrupted at step (\d+) of 1000000; run the same command to resume\n$/.exec(stopped.stderr)?.[1]);
  assert.ok(step >= 3, stopped.stderr);
  assert.deepEqual(readRunStatus(dir()), { ...readRunStatus(dir())!, state: 'interrupted', step });
  assert.ok(!fs.existsSync(path.join(dir(), 'run.lock')));

  const second = cli(args);
  await rowsIn(path.join(dir(), 'train.csv'), step + 3);
  process.emit('SIGTERM');
  const terminated = await second;
  assert.equal(terminated.code, 143, terminated.stderr);
  assert.match(fs.readFileSync(path.join(dir(), 'run.log'), 'utf8'), new RegExp(`resumed from the checkpoint at step ${step}\\n`));
  const rows = fs.readFileSync(path.join(dir(), 'train.csv'), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]));
  assert.deepEqual(rows, Array.from({ length: rows.length }, (_, i) => i + 1), 'one row per step, none twice');

  let exited: number | undefined;
  let text = '';
  const third = main(args, {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (text += s) },
    exit: ((code: number) => {
      exited = code;
      throw new Error('exit');
    }) as (code: number) => never,
  });
  await rowsIn(path.join(dir(), 'train.csv'), rows.length + 2);
  process.emit('SIGINT');
  assert.throws(() => process.emit('SIGINT'), /exit/);
  assert.equal(exited, 130);
  assert.match(text, /SIGINT again: exiting now; the run resumes from its last checkpoint/);
  await third;
});

test('cli: a run held by another process is reported and gives exit code 1; --restart starts over', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-cli-'));
  const args = ['fake', '--steps', '6', '--eval-every', '3', '--results-dir', root, '--progress', 'none'];
  assert.equal((await cli(args)).code, 0);
  const dir = path.join(root, 'fake', fs.readdirSync(path.join(root, 'fake'))[0]);
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    fs.writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid: other.pid, host: os.hostname(), startedAt: 'now' }));
    const held = await cli([...args, '--restart']);
    assert.equal(held.code, 1);
    assert.match(held.stderr, new RegExp(`not run: run ${path.basename(dir)} \\(.*\\) is held by pid ${other.pid} on host`));
  } finally {
    other.kill();
  }
  fs.rmSync(path.join(dir, 'run.lock'));
  const before = fs.readFileSync(path.join(dir, 'result.csv'), 'utf8');
  const restarted = await cli([...args, '--restart']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.doesNotMatch(restarted.stderr, /already finished/);
  assert.match(fs.readFileSync(path.join(dir, 'run.log'), 'utf8'), /restarted: the stored state was discarded/);
  assert.notEqual(fs.readFileSync(path.join(dir, 'result.csv'), 'utf8'), '', before);
});
