import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lineFigure } from '../src/viz/figures';
import { FIGURES_DIR_ENV_VAR, show } from '../src/viz/notebook';

test('show() outside a kernel writes the figure as a standalone offline page to a file or into NEWTON_LOSSES_FIGURES_DIR', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-show-'));
  const logged: string[] = [];
  const log = console.log;
  console.log = (text: string) => logged.push(text);
  try {
    const figure = lineFigure([{ name: 'baseline', x: [0, 1, 2], y: [0.1, 0.5, 0.7] }], { title: 'Test exact match', xTitle: 'step', yTitle: 'exact match' });
    const file = path.join(dir, 'one', 'figure.html');
    show(figure, { file });
    const html = fs.readFileSync(file, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<script src=/, 'no CDN');
    assert.ok(html.includes('Plotly.newPlot') && html.includes('"exact match"'));
    assert.match(logged[0], /\[figure: Test exact match; 1 trace\(s\); written to .*figure\.html\]/);
    process.env[FIGURES_DIR_ENV_VAR] = path.join(dir, 'all');
    show(figure);
    const written = fs.readdirSync(path.join(dir, 'all'));
    assert.equal(written.length, 1);
    assert.match(written[0], /^figure-\d{3}-test-exact-match\.html$/);
  } finally {
    console.log = log;
    delete process.env[FIGURES_DIR_ENV_VAR];
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
