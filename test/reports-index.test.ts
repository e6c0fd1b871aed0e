import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { updateReportsIndex } from '../scripts/reports-index';

test('reports index: every executed notebook with its status, time and link; later runs merge by notebook', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-index-'));
  try {
    fs.writeFileSync(path.join(dir, '00-runtime.html'), '<html></html>');
    fs.writeFileSync(path.join(dir, '00-runtime.ipynb'), '{}');
    fs.writeFileSync(path.join(dir, '03-ranking-supervision.ipynb'), '{}');
    const finishedAt = '2026-11-30T19:00:00.000Z';
    const file = updateReportsIndex(dir, [
      { name: '00-runtime', ok: true, seconds: 12.34, preset: 'smoke', finishedAt },
      { name: '03-ranking-supervision', ok: false, seconds: 1840.2, preset: 'quick', finishedAt, error: 'stopped: the cell sent no output for 900 s' },
    ]);
    assert.equal(file, path.join(dir, 'index.html'));
    let html = fs.readFileSync(file, 'utf8');
    assert.match(html, /<a href="00-runtime.html">00-runtime<\/a>/);
    assert.match(html, /12\.3 s/);
    assert.match(html, /class="failed">failed<\/span> <small>stopped: the cell sent no output for 900 s/);
    assert.match(html, /30 min 40 s/);
    assert.doesNotMatch(html, /href="03-ranking-supervision.html"/, 'a notebook that stopped has no HTML page: its .ipynb is linked');
    assert.match(html, /href="03-ranking-supervision.ipynb"/);
    assert.match(html, /1 failed/);
    fs.writeFileSync(path.join(dir, '03-ranking-supervision.html'), '<html></html>');
    updateReportsIndex(dir, [{ name: '03-ranking-supervision', ok: true, seconds: 95, preset: 'quick', finishedAt }]);
    html = fs.readFileSync(file, 'utf8');
    assert.match(html, /<a href="00-runtime.html">/, 'the entry of an earlier run stays');
    assert.match(html, /<a href="03-ranking-supervision.html">/);
    assert.match(html, /all ok/);
    assert.equal((html.match(/<tr><td>/g) ?? []).length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
