import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listNotebooks, runNotebooks } from '../../scripts/run-notebooks';

// Executes every notebook headlessly with the `smoke` preset, as `npm start` does with `quick`.
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-notebooks-'));
for (const notebook of listNotebooks()) {
  test(`notebook ${path.basename(notebook)} executes (smoke preset)`, () => {
    const [outcome] = runNotebooks([notebook], { preset: 'smoke', outDir, cellIdleSeconds: 600 });
    assert.ok(outcome.ok, `${outcome.notebook} failed:\n${outcome.error}`);
    const executed = JSON.parse(fs.readFileSync(path.join(outDir, path.basename(notebook)), 'utf8')) as {
      cells: { cell_type: string; outputs?: { output_type: string }[] }[];
    };
    const errors = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error');
    assert.equal(errors.length, 0);
    const html = fs.readFileSync(path.join(outDir, path.basename(notebook, '.ipynb') + '.html'), 'utf8');
    assert.ok(html.includes('Smoke run: the numbers in this notebook mean nothing.'), 'the smoke banner is shown');
    assert.match(html, /<style>\.highlight pre[^<]*white-space: pre-wrap/, 'long lines wrap in the HTML report');
  });
}
