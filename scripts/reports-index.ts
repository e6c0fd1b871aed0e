/**
 * `reports/index.html`: a small static site over the executed notebooks. Each run of the notebook
 * runner records its outcomes in `index.json` next to the reports (merged by notebook, so
 * `--only` updates one entry) and writes `index.html`: one row per notebook with its status, time,
 * preset and when it ran, linking the HTML page (or, for a notebook that stopped, the partly
 * executed .ipynb). The folder can be published as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface IndexEntry {
  /** The notebook's file name without extension, e.g. '03-ranking-supervision'. */
  name: string;
  ok: boolean;
  seconds: number;
  preset: string;
  /** ISO time the notebook finished. */
  finishedAt: string;
  /** First line of the reason it failed. */
  error?: string;
}

const INDEX_JSON = 'index.json';

/** Merges `entries` into `<outDir>/index.json`, writes `<outDir>/index.html`; returns the HTML's path. */
export function updateReportsIndex(outDir: string, entries: IndexEntry[]): string {
  fs.mkdirSync(outDir, { recursive: true });
  const byName = new Map<string, IndexEntry>();
  for (const entry of readIndex(outDir)) byName.set(entry.name, entry);
  for (const entry of entries) byName.set(entry.name, entry);
  const all = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  fs.writeFileSync(path.join(outDir, INDEX_JSON), `${JSON.stringify(all, null, 2)}\n`);
  const file = path.join(outDir, 'index.html');
  fs.writeFileSync(file, indexHtml(outDir, all));
  return file;
}

function readIndex(outDir: string): IndexEntry[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(outDir, INDEX_JSON), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as IndexEntry[]).filter((e) => typeof e?.name === 'string') : [];
  } catch {
    return [];
  }
}

/** The page: a table of the notebooks, each linking its report. */
export function indexHtml(outDir: string, entries: IndexEntry[]): string {
  const rows = entries.map((entry) => {
    const html = `${entry.name}.html`;
    const ipynb = `${entry.name}.ipynb`;
    const hasHtml = entry.ok && fs.existsSync(path.join(outDir, html));
    const links = [
      hasHtml ? `<a href="${encodeURI(html)}">${escapeHtml(entry.name)}</a>` : escapeHtml(entry.name),
      fs.existsSync(path.join(outDir, ipynb)) ? ` <a class="nb" href="${encodeURI(ipynb)}">.ipynb</a>` : '',
    ].join('');
    const status = entry.ok ? '<span class="ok">ok</span>' : `<span class="failed">failed</span>${entry.error ? ` <small>${escapeHtml(entry.error)}</small>` : ''}`;
    return `<tr><td>${links}</td><td>${status}</td><td class="num">${formatSeconds(entry.seconds)}</td><td>${escapeHtml(entry.preset)}</td><td>${escapeHtml(entry.finishedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</td></tr>`;
  });
  const failed = entries.filter((e) => !e.ok).length;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<title>Newton Losses: executed notebooks</title>',
    '<style>',
    'body{font-family:sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}',
    'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #ddd}',
    '.num{text-align:right}.ok{color:#2ca02c;font-weight:bold}.failed{color:#d62728;font-weight:bold}.nb{font-size:85%;color:#666}small{color:#666}',
    '</style></head><body>',
    '<h1>Newton Losses: executed notebooks</h1>',
    '<p>A TypeScript reproduction of <em>Newton Losses: Using Curvature Information for Learning with Differentiable Algorithms</em>',
    '(Petersen, Borgelt, Sutter, Kuehne, Deussen, Ermon; NeurIPS 2024, <a href="https://arxiv.org/abs/2410.19055">arXiv 2410.19055</a>).',
    'Each page below is a notebook executed headlessly, figures included; the pages work offline.</p>',
    `<p>${entries.length} notebook(s), ${failed ? `<span class="failed">${failed} failed</span>` : 'all ok'}.</p>`,
    '<table><thead><tr><th>notebook</th><th>status</th><th class="num">time</th><th>preset</th><th>finished</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
    '</body></html>',
    '',
  ].join('\n');
}

function formatSeconds(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function escapeHtml(text: string): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
