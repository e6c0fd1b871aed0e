import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index';
import { registerExperiment, resolveConfig, runGrid, loadResults, summarizeResults, formatSummary, formatMetric, metricUnit, curvesOverRuns } from '../src/experiments/index';
import { cli, fakeExperiment } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
  registerExperiment(fakeExperiment);
});

test('summarizeResults: an empty cell is a missing value, never 0', () => {
  const summary = summarizeResults([{ g: 'a', m: '' }, { g: 'a', m: 0.4 }], ['g'], ['m']);
  assert.equal(summary[0].m_mean, 0.4);
  assert.ok(Number.isNaN(summary[0].m_std as number));
  assert.equal(summary[0].runs, 2);
  assert.equal(formatSummary(summary, ['m'])[0].m, '40.00');
  const none = summarizeResults([{ g: 'a', m: '' }], ['g'], ['m']);
  assert.equal(formatSummary(none, ['m'])[0].m, 'n/a');
  const ratios = summarizeResults([{ g: 'a', test_cost_ratio: 1.5, test_match: 0.25 }, { g: 'a', test_cost_ratio: 2, test_match: 0.75 }], ['g'], ['test_cost_ratio', 'test_match']);
  const shown = formatSummary(ratios, ['test_cost_ratio', 'test_match'])[0];
  assert.equal(shown.test_cost_ratio, '1.75 ± 0.35', 'a ratio is shown as a multiple, not a percent');
  assert.equal(shown.test_match, '50.00 ± 35.36');
  assert.deepEqual([metricUnit('test_cost_ratio'), metricUnit('val_exact')], ['×', '%']);
  assert.equal(formatMetric('test_cost_ratio', 1.75), '1.75');
  const curves = curvesOverRuns(
    [{ run_id: 'r1', step: 1, y: '' }, { run_id: 'r2', step: 1, y: 0.4 }],
    { x: 'step', y: 'y', by: [] },
  );
  assert.deepEqual(curves[0].mean, [0.4]);
});

test('results: runs that differ in any config field but the seed are separate groups; the table shows the fields that differ', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-results-'));
  const configs = [6, 9].flatMap((steps) => [0, 1].map((seed) => resolveConfig(fakeExperiment, { steps, seed, evalEvery: 3 })));
  await runGrid(fakeExperiment, configs, { resultsRoot: root, progress: 'none' });
  const table = await cli(['results', 'fake', '--results-dir', root, '--metrics', 'test_score']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /^steps +lr +runs +test_score % +wall s\/run$/);
  assert.equal(lines.length, 4, table.stdout);
  assert.deepEqual(lines.slice(2).map((line) => line.trim().split(/ +/).slice(0, 3).join(' ')).sort(), ['6 0.2 2', '9 0.2 2']);
  const csv = await cli(['results', 'fake', '--results-dir', root, '--csv']);
  assert.match(csv.stdout, /^steps,lr,runs,test_score_mean,/);
  const chosen = await cli(['results', 'fake', '--results-dir', root, '--by', 'lr', '--csv']);
  assert.match(chosen.stdout, /^lr,runs,.*\n0.2,4,/, '--by still groups as asked');
});

test('results: a run whose files cannot be read is skipped with a warning naming the file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-results-'));
  const configs = [0, 1, 2].map((seed) => resolveConfig(fakeExperiment, { steps: 6, seed, evalEvery: 3 }));
  const grid = await runGrid(fakeExperiment, configs, { resultsRoot: root, progress: 'none' });
  const [a, b, c] = grid.outcomes.map((outcome) => outcome.dir);
  fs.writeFileSync(path.join(a, 'config.json'), '{ "config": { "seed": 0, }');
  fs.writeFileSync(path.join(b, 'result.csv'), 'run_id,test_score\nx\n');
  const warnings: string[] = [];
  const rows = loadResults('fake', { resultsRoot: root, onWarning: (message) => warnings.push(message) });
  assert.deepEqual(rows.map((row) => row.run_id), [path.basename(c)]);
  assert.equal(warnings.length, 2);
  assert.match(warnings.join('\n'), new RegExp(`skipped run ${path.basename(a)}: ${path.join(a, 'config.json').replace(/[.]/g, '\\.')}:1:26: invalid JSON`));
  assert.match(warnings.join('\n'), new RegExp(`skipped run ${path.basename(b)}: ${path.join(b, 'result.csv').replace(/[.]/g, '\\.')}: line 2 has 1 cells, expected 2`));
  const table = await cli(['results', 'fake', '--results-dir', root]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stderr, /^warning: skipped run .*config\.json:1:26: invalid JSON/m);
  assert.match(table.stdout, /\n *0.2 +1 /);
});
