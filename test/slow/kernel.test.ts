import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentToNotebook } from '../../scripts/build-notebook';
import { runNotebooks } from '../../scripts/run-notebooks';

// zeromq 6 throws EBUSY on a second send while one is in flight; tslab does not wait for its sends,
// so a cell that displays faster than Jupyter reads used to fail (or kill the kernel) after ~500 updates.
test('the kernel survives a cell that displays thousands of updates without pause', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-kernel-'));
  const notebook = path.join(dir, 'display-storm.ipynb');
  const source = [
    '// %%',
    "import * as tslab from 'tslab';",
    'const display = tslab.newDisplay();',
    "for (let k = 0; k < 5000; k++) display.text('update ' + k);",
    '// %%',
    "console.log('next cell ran');",
  ].join('\n');
  fs.writeFileSync(notebook, JSON.stringify(percentToNotebook(source)));
  const [outcome] = runNotebooks([notebook], { preset: 'smoke', outDir: dir, cellIdleSeconds: 120 });
  assert.ok(outcome.ok, `the display storm failed:\n${outcome.error}`);
  const executed = fs.readFileSync(path.join(dir, 'display-storm.ipynb'), 'utf8');
  assert.match(executed, /next cell ran/);
});
