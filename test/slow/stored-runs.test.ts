import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { initBackend } from '../../src/index';
import { getExperiment, listRuns, readCsv, DEFAULT_RESULTS_ROOT, type StoredRun } from '../../src/experiments/index';

/**
 * The committed runs under data/results/ are this code's: for the first stored run of each variant
 * (baseline, hessian, fisher) of each experiment, retrain its first steps from the stored config and
 * compare every logged training value (all but the step's wall-clock time) with the stored log.
 * `eig_min` is compared relative to `eig_max`: for shift-invariant losses it is λ plus the float32
 * noise of a zero eigenvalue, whose relative size says nothing.
 */
const STEPS = 5;
const TOLERANCE = 1e-6;

before(async () => {
  await initBackend('wasm');
});

for (const name of ['digit-ranking', 'ranking', 'shortest-path']) {
  test(`stored ${name} runs: retraining the first ${STEPS} steps of one run per variant reproduces the logged values (relative 1e-6)`, async () => {
    const runs = listRuns(name, { resultsRoot: DEFAULT_RESULTS_ROOT }).filter((run) => run.status?.state === 'finished');
    assert.ok(runs.length > 0, `no finished ${name} run under ${DEFAULT_RESULTS_ROOT}: the committed study runs are missing`);
    const picked = ['baseline', 'hessian', 'fisher'].map((variant) => runs.find((r) => r.config.variant === variant)).filter((r): r is StoredRun => r !== undefined);
    for (const run of picked) await reproduce(name, run);
  });
}

async function reproduce(name: string, run: StoredRun): Promise<void> {
  {
    const stored = readCsv(path.join(run.dir, 'train.csv')).slice(0, STEPS);
    assert.equal(stored.length, STEPS, `${run.id}: train.csv has fewer than ${STEPS} rows`);
    const experiment = getExperiment(name);
    const trainer = await experiment.createTrainer(experiment.validate(run.config));
    try {
      for (const row of stored) {
        const step = Number(row.step);
        const fresh = await trainer.step(step);
        for (const [column, value] of Object.entries(row)) {
          if (column === 'step' || column === 'step_s') continue;
          const expected = Number(value);
          const actual = fresh[column];
          assert.ok(actual !== undefined, `${run.id} step ${step}: the retrained run logs no '${column}'`);
          const scale = Math.max(Math.abs(expected), column === 'eig_min' ? Math.abs(Number(row.eig_max)) : 0, 1e-9);
          assert.ok(Math.abs(actual - expected) <= TOLERANCE * scale, `${run.id} step ${step}: ${column} = ${actual}, stored ${expected}`);
        }
      }
    } finally {
      trainer.dispose();
    }
  }
}
