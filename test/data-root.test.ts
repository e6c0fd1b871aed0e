import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultDataRoot, isInstalledPackage } from '../src/runtime/data-root';
import { DEFAULT_RESULTS_ROOT, RESULTS_ENV_VAR } from '../src/experiments/index';
import { ROOT } from '../scripts/jupyter-env';

test("runs and generated data go to the checkout's data/, and to the working directory's for an installed package", () => {
  assert.equal(isInstalledPackage(ROOT), ROOT.split(path.sep).includes('node_modules'));
  assert.equal(defaultDataRoot(ROOT), path.join(ROOT, 'data'));
  const installed = path.join(path.sep, 'home', 'user', 'project', 'node_modules', 'newton-losses');
  assert.equal(isInstalledPackage(installed), true);
  assert.equal(defaultDataRoot(installed), path.resolve('data'));
  if (!process.env[RESULTS_ENV_VAR]) assert.equal(DEFAULT_RESULTS_ROOT, path.join(ROOT, 'data', 'results'));
});
