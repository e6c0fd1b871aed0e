/**
 * Operator drills on the real ranking experiment (smoke preset): a learning rate that blows the
 * scores up is reported at the step that failed, with the run, the step and the quantity.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/index';
import { resolveConfig, rankingExperiment, runExperiment, runId, readRunStatus } from '../../src/experiments/index';

before(async () => {
  await initBackend('wasm');
});

test('ranking --lr 1e30: the NaN caught by the relaxation is reported at the failing step (2), with the run and the quantity', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-drills-'));
  const config = resolveConfig(rankingExperiment, { preset: 'smoke', lr: 1e30 });
  const id = runId(rankingExperiment, config);
  await assert.rejects(runExperiment(rankingExperiment, config, { resultsRoot: root }), (error: Error) => {
    assert.match(error.message, new RegExp(`^ranking run ${id}: step 2: neuralSort: scores must be finite, got NaN at scores\\[\\d+\\]\\[\\d+\\]$`));
    return true;
  });
  const status = readRunStatus(path.join(root, 'ranking', id))!;
  assert.equal(status.state, 'failed');
  assert.equal(status.step, 2);
  assert.match(status.message!, /^step 2: neuralSort: scores must be finite/);
});
