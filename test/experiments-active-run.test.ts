import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ACTIVE_RUN_ENV_VAR,
  initBackend,
  rankingExperiment,
  readActiveRun,
  resolveConfig,
  runCommand,
  runExperiment,
  runId,
  shortestPathExperiment,
  SHORTEST_PATH_NEWTON_SETTINGS,
  type ActiveRun,
  type Experiment,
  type RunConfig,
} from '../src/index';
import { fakeExperiment } from './experiments-fake';

before(async () => {
  await initBackend('wasm');
});

/** The config the CLI builds from `command` (flags as the CLI parses them: numbers, booleans, strings). */
function configOfCommand(experiment: Experiment, command: string): RunConfig {
  const words = command.split(' ');
  assert.deepEqual(words.slice(0, 3), ['npx', 'newton-losses', experiment.name]);
  const overrides: RunConfig = {};
  for (let k = 3; k < words.length; k += 2) {
    const name = words[k].replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const spec = experiment.options.find((option) => option.name === name);
    assert.ok(spec, `unknown flag ${words[k]}`);
    const text = words[k + 1];
    overrides[name] = spec.type === 'number' || spec.type === 'integer' ? Number(text) : spec.type === 'boolean' ? text === 'true' : text;
  }
  return resolveConfig(experiment, overrides);
}

test('runCommand names exactly the run: the CLI command resolves to the same run id', () => {
  const cases: [Experiment, RunConfig][] = [
    [rankingExperiment, resolveConfig(rankingExperiment, { preset: 'quick', relaxation: 'neuralsort', variant: 'baseline', seed: 0 })],
    [rankingExperiment, resolveConfig(rankingExperiment, { preset: 'quick', relaxation: 'logistic', variant: 'hessian', lambda: 1, seed: 2 })],
    [rankingExperiment, resolveConfig(rankingExperiment, { preset: 'paper', variant: 'fisher', lambda: 0.01, n: 10, lr: Math.pow(10, -3.25), seed: 7 })],
    [
      shortestPathExperiment,
      resolveConfig(shortestPathExperiment, { preset: 'quick', method: 'perturbed-fy', samples: 3, variant: 'hessian', seed: 1, ...SHORTEST_PATH_NEWTON_SETTINGS['perturbed-fy'].hessian }),
    ],
  ];
  for (const [experiment, config] of cases) {
    const command = runCommand(experiment, config);
    assert.equal(runId(experiment, configOfCommand(experiment, command)), runId(experiment, config), command);
    assert.match(command, new RegExp(`--preset ${config.preset} .*--seed ${config.seed}`));
  }
  const baseline = runCommand(rankingExperiment, cases[0][1] as never);
  assert.equal(baseline, 'npx newton-losses ranking --preset quick --seed 0'); // a baseline's λ is not an option that matters
  assert.equal(
    runCommand(rankingExperiment, cases[0][1] as never, '/tmp/my results'),
    "npx newton-losses ranking --preset quick --seed 0 --results-dir '/tmp/my results'",
  );
});

test('while a run trains, the file named by NEWTON_LOSSES_ACTIVE_RUN_FILE says which; it is removed when the run finishes, kept when it fails', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-active-'));
  const file = path.join(dir, 'active-run.json');
  process.env[ACTIVE_RUN_ENV_VAR] = file;
  try {
    const config = resolveConfig(fakeExperiment, { steps: 12, evalEvery: 5, seed: 3 });
    const seen: ActiveRun[] = [];
    const outcome = await runExperiment(fakeExperiment, config, {
      resultsRoot: dir,
      onEvaluation: () => seen.push(readActiveRun(file)!),
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(seen.length, 4); // steps 0, 5, 10, 12
    assert.deepEqual(seen.map((record) => record.checkpointStep), [0, 5, 10, 12]);
    for (const record of seen) {
      assert.equal(record.experiment, 'fake');
      assert.equal(record.runId, runId(fakeExperiment, config));
      assert.equal(record.dir, outcome.dir);
      assert.equal(record.totalSteps, 12);
      assert.equal(record.defaultResultsRoot, false);
      assert.ok(record.command.startsWith('npx newton-losses fake --preset smoke --seed 3 '), record.command);
    }
    assert.equal(fs.existsSync(file), false);

    const failing = resolveConfig(fakeExperiment, { nanAtStep: 13, evalEvery: 5 });
    await assert.rejects(runExperiment(fakeExperiment, failing, { resultsRoot: dir }), /step 13/);
    const failed = readActiveRun(file)!;
    assert.equal(failed.runId, runId(fakeExperiment, failing));
    assert.equal(failed.checkpointStep, 10);
    assert.match(failed.failed!, /step 13: loss is NaN/);
  } finally {
    delete process.env[ACTIVE_RUN_ENV_VAR];
  }
});
