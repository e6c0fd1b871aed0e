/**
 * Notebook helpers on top of tslab's display API. One call at the top of a notebook,
 * `const nb = await setupNotebook()`, picks and reports the backend, reads the preset and injects
 * plotly.js once (inlined from the npm package: plots render offline, in Jupyter and in HTML
 * exports). Then `show(figure)` draws a plotly figure, `table(rows)` an HTML table, `progress()`
 * an in-place progress line. Outside a tslab kernel they fall back to plain text on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, describeBackend, type BackendInfo } from '../runtime/backend';
import { presetFromEnvironment, type Preset } from '../runtime/preset';
import { resolveOptional } from '../runtime/optional-package';
import { finishLayout, type Figure } from './figures';

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  text(s: string): void;
}
interface Tslab {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

let plotlyInjected = false;
let figureCounter = 0;

export interface NotebookContext {
  backend: BackendInfo;
  preset: Preset;
}

/**
 * Starts a notebook: backend (argument, else `NEWTON_LOSSES_BACKEND`, else auto), preset
 * (`NEWTON_LOSSES_PRESET`, default quick), plotly injected once per kernel. Prints one line saying
 * both, and under the smoke preset a banner (`SMOKE_BANNER`) that its numbers mean nothing.
 */
export async function setupNotebook(preferredBackend?: string): Promise<NotebookContext> {
  const backend = await initBackend(preferredBackend);
  const preset = presetFromEnvironment();
  const tslab = kernelDisplay();
  if (tslab && !plotlyInjected) {
    const bundle = plotlyBundle();
    // Shadow AMD/CommonJS globals so the UMD bundle defines window.Plotly even under RequireJS.
    tslab.display.html(`<script>(function(){var define, module, exports;\n${bundle}\n})();</script>`);
    plotlyInjected = true;
  }
  console.log(`backend: ${describeBackend(backend)} | preset: ${preset}`);
  if (preset === 'smoke') {
    if (tslab) tslab.display.html(`<div style="${BANNER_STYLE}">${SMOKE_BANNER}</div>`);
    else console.log(SMOKE_BANNER.replace(/<[^>]+>/g, ''));
  }
  return { backend, preset };
}

/** What a notebook run with the `smoke` preset says at its top. */
export const SMOKE_BANNER =
  '<b>Smoke run: the numbers in this notebook mean nothing.</b> It ran with the <code>smoke</code> preset ' +
  '(tiny sizes, seconds: what the tests run). Text that quotes results says which preset it holds for; ' +
  'for real results run it with the <code>quick</code> preset (the default, <code>npm start</code>).';
const BANNER_STYLE = 'border: 2px solid #d62728; background: #fff4f4; padding: 8px 12px; margin: 6px 0; font-size: 14px';

/** The plotly config of every drawn figure: the mode bar only while the pointer is over the figure. */
const PLOT_CONFIG = { responsive: true, displaylogo: false, displayModeBar: 'hover' };

/** Environment variable: a folder where `show()` outside a kernel writes each figure as an HTML file. */
export const FIGURES_DIR_ENV_VAR = 'NEWTON_LOSSES_FIGURES_DIR';

/**
 * Draws a plotly figure (after `setupNotebook`). Outside a kernel it prints a one-line summary, and
 * writes the figure as a standalone HTML page (plotly inlined) to `options.file`, or into the folder
 * `NEWTON_LOSSES_FIGURES_DIR` when that is set.
 */
export function show(figure: Figure, options: { file?: string } = {}): void {
  const tslab = kernelDisplay();
  const title = figureTitle(figure);
  if (!tslab) {
    const dir = process.env[FIGURES_DIR_ENV_VAR];
    const file = options.file ?? (dir ? path.join(dir, `figure-${String(++figureCounter).padStart(3, '0')}-${slug(title)}.html`) : undefined);
    if (file) writeFigureHtml(file, [figure], title);
    console.log(`[figure: ${title}; ${figure.data.length} trace(s)${file ? `; written to ${file}` : ''}]`);
    return;
  }
  if (options.file) writeFigureHtml(options.file, [figure], title);
  const id = `nl-figure-${Date.now().toString(36)}-${figureCounter++}`;
  // The placeholder text shows where scripts do not run (an untrusted notebook reopened in Jupyter);
  // drawing replaces it.
  const placeholder =
    `<p style="color:#666;font:13px sans-serif">[plotly figure: ${escapeHtml(title)}, ${figure.data.length} trace(s). ` +
    'It is drawn by JavaScript: trust the notebook (File → Trust Notebook) and rerun the cell, or open its HTML report.]</p>';
  tslab.display.html(
    `<div id="${id}" style="width:100%;min-height:${Number(figure.layout.height ?? 420)}px">${placeholder}</div>` +
      `<script>(function(){var s=${escapeScript(plotSpec(figure))};` +
      `function draw(){if(window.Plotly){var el=document.getElementById('${id}');el.innerHTML='';window.Plotly.newPlot(el,s.data,s.layout,s.config);}else{setTimeout(draw,50);}}draw();})();</script>`,
  );
}

/** A standalone HTML page drawing `figures` one below the other, plotly.js inlined (works offline). */
export function figureHtml(figures: Figure[], title = 'figures'): string {
  const bundle = plotlyBundle();
  const divs = figures
    .map((figure, k) => `<div id="figure-${k}" style="width:100%;min-height:${Number(figure.layout.height ?? 420)}px"></div>\n` +
      `<script>(function(){var s=${escapeScript(plotSpec(figure))};Plotly.newPlot('figure-${k}',s.data,s.layout,s.config);})();</script>`)
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}</style>',
    `<script>${escapeScript(bundle)}</script>`,
    '</head><body>',
    divs,
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes `figureHtml(figures, title)` to `file` (its folder is created). */
export function writeFigureHtml(file: string, figures: Figure[], title = 'figures'): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, figureHtml(figures, title));
}

/** The plotly.js bundle (the optional peer dependency plotly.js-dist-min), as text to inline. */
function plotlyBundle(): string {
  return fs.readFileSync(resolveOptional('plotly.js-dist-min', 'drawing plotly figures'), 'utf8');
}

function plotSpec(figure: Figure): string {
  return JSON.stringify({ data: figure.data, layout: finishLayout(figure.layout), config: PLOT_CONFIG }, finiteOrNull);
}

function figureTitle(figure: Figure): string {
  return (figure.layout.title as { text?: string } | undefined)?.text ?? 'untitled';
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'figure';
}

/** A table from rows of objects (columns: the keys of the first row) or a danfo DataFrame. */
export function table(rows: Record<string, unknown>[] | { columns: string[]; values: unknown[][] }, caption?: string): void {
  const { columns, values } = Array.isArray(rows)
    ? { columns: rows.length ? Object.keys(rows[0]) : [], values: rows.map((r) => Object.keys(rows[0] ?? {}).map((c) => r[c])) }
    : { columns: rows.columns, values: rows.values };
  const tslab = kernelDisplay();
  if (!tslab) {
    console.log([columns.join('\t'), ...values.map((row) => row.map(formatCell).join('\t'))].join('\n'));
    return;
  }
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = values.map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(formatCell(v))}</td>`).join('')}</tr>`).join('');
  const cap = caption ? `<caption style="caption-side:top;text-align:left">${escapeHtml(caption)}</caption>` : '';
  tslab.display.html(`<table>${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`);
}

/** Markdown output (headings, notes computed at run time). */
export function markdown(text: string): void {
  const tslab = kernelDisplay();
  if (tslab) tslab.display.markdown(text);
  else console.log(text);
}

/**
 * A progress line updated in place in the notebook (or on stderr outside it). tslab sends display
 * updates asynchronously: a loop that never yields to the event loop shows them all at its end.
 * `await bar.update(…)` lets the update reach Jupyter at once (it resolves after one turn of the
 * event loop); the run store yields between steps by itself.
 */
export function progress(label: string): { update(fraction: number, detail?: string): Promise<void> } {
  const tslab = kernelDisplay();
  const target = tslab?.newDisplay();
  return {
    update(fraction: number, detail = '') {
      const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      const line = `${label}: ${pct}%${detail ? ` — ${detail}` : ''}`;
      if (target) target.text(line);
      else process.stderr.write(`${line}\n`);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** tslab's display API when running inside a tslab kernel, else null. */
function kernelDisplay(): Tslab | null {
  try {
    // tslab is loaded lazily: it brings a TypeScript compiler along, which scripts do not need.
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    if (jupyter.lastWriteDisplayData == null) return null;
    return require('tslab') as Tslab;
  } catch {
    return null;
  }
}

function formatCell(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return String(value ?? '');
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeScript(json: string): string {
  return json.replace(/<\/(script)/gi, '<\\/$1');
}
