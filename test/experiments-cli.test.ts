import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, registerExperiment, listExperiments, loadResults, readRunStatus } from '../src/index';
import { main } from '../src/cli';
import { fakeExperiment } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
  registerExperiment(fakeExperiment);
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY: false } });
  return { code, stdout, stderr };
}

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
  assert.match((await cli(['fake', '--steps', 'many'])).stderr, /fake: option 'steps' must be an integer, got null/);
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
