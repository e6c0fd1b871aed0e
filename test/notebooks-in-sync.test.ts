import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { percentToNotebook } from '../scripts/build-notebook';

const dir = path.join(__dirname, '..', 'notebooks');

test('every notebook has a percent-format source and matches it (edit notebooks/src, then npm run notebooks:build)', () => {
  const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
  assert.ok(notebooks.length > 0);
  for (const file of notebooks) {
    const source = path.join(dir, 'src', file.replace(/\.ipynb$/, '.ts'));
    assert.ok(fs.existsSync(source), `${file} has no source ${path.relative(dir, source)}`);
    const built = percentToNotebook(fs.readFileSync(source, 'utf8'));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), JSON.parse(JSON.stringify(built)), `${file} is out of date`);
  }
});
