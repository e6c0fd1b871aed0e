import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index';
import {
  ACTIVE_RUN_ENV_VAR,
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
} from '../src/experiments/index';
import { ROOT } from '../scripts/jupyter-env';
import { resumeAdvice, startCommand } from '../scripts/run-notebooks';
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

test("the runner's advice after a stop: the run, its checkpoint and the commands that resume it", () => {
  const run: ActiveRun = {
    experiment: 'ranking',
    runId: 'logistic-n5-hessian-lam1e+0-quick-seed2-0123abcd',
    dir: path.join(ROOT, 'data', 'results', 'ranking', 'logistic-n5-hessian-lam1e+0-quick-seed2-0123abcd'),
    step: 1337,
    totalSteps: 2000,
    checkpointStep: 1250,
    command: 'npx newton-losses ranking --preset quick --relaxation logistic --variant hessian --lambda 1 --seed 2',
    defaultResultsRoot: true,
    updatedAt: new Date().toISOString(),
  };
  const rerun = startCommand('/x/notebooks/03-ranking-supervision.ipynb', 'quick');
  assert.equal(rerun, 'npm start -- --only 03-ranking-supervision');
  assert.equal(startCommand('03-ranking-supervision.ipynb', 'smoke'), 'npm start -- --only 03-ranking-supervision --preset smoke');
  assert.equal(
    resumeAdvice(run, rerun),
    [
      'The run that was training: ranking/logistic-n5-hessian-lam1e+0-quick-seed2-0123abcd, at step 1337 of 2000; saved up to its checkpoint at step 1250 (data/results/ranking/logistic-n5-hessian-lam1e+0-quick-seed2-0123abcd/).',
      'To resume: rerun `npm start -- --only 03-ranking-supervision` (or `npm start`): finished runs load, this one continues from step 1250.',
      `Or train that run alone first (it resumes too): ${run.command}`,
    ].join('\n'),
  );
  assert.match(resumeAdvice({ ...run, failed: 'step 1338: loss is NaN' }, rerun), /^The last run to fail: ranking\/\S+ \(step 1338: loss is NaN\), at step 1337/);
  assert.match(resumeAdvice({ ...run, checkpointStep: null, step: 0 }, rerun), /, it was being set up \(.*continues from its last checkpoint, if it has one/s);
  const elsewhere = resumeAdvice({ ...run, dir: '/tmp/r/ranking/x', defaultResultsRoot: false, command: `${run.command} --results-dir /tmp/r` }, rerun);
  assert.match(elsewhere, /\(\/tmp\/r\/ranking\/x\/\)\.\nTo resume that run: npx newton-losses .* --results-dir \/tmp\/r {2}\(it continues from step 1250\)\./);
  assert.match(resumeAdvice(undefined, rerun), /^No run was training when it stopped\. Rerun it with `npm start -- --only 03-ranking-supervision`/);
});
