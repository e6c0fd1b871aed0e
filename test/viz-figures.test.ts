import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandFigure, barFigure, colorFor, contourFigure, finishLayout, heatmapFigure, intervalFigure, lineFigure, panelsFigure, styleFor, VARIANT_COLORS, type Figure } from '../src/viz/figures';

const xs = [1, 2, 3, 4, 5];
const line = (name: string, y = xs.map((x) => x * x)) => ({ name, x: xs, y });
const band = (name: string, mean: number[], spread: number[]) => ({ name, x: xs, mean, spread });

/** The title text of every x/y axis in a layout, by axis key. */
function axisTitles(figure: Figure): Record<string, string> {
  const titles: Record<string, string> = {};
  for (const [key, value] of Object.entries(figure.layout)) {
    if (/^[xy]axis\d*$/.test(key)) titles[key] = String(((value as { title?: { text?: string } }).title ?? {}).text ?? '');
  }
  return titles;
}

test('figure builders: every axis keeps the title it was given, also with a range and inside panels', () => {
  const titled = { xTitle: 'step', yTitle: 'exact match' };
  const figures: Figure[] = [
    lineFigure([line('baseline'), line('hessian')], { ...titled, yRange: [-1.5, 1.5] }),
    lineFigure([line('fisher')], { ...titled, logX: true, logY: true }),
    bandFigure([band('baseline', [0.1, 0.2, 0.3, 0.4, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2])], { ...titled, bounds: [0, 1] }),
    heatmapFigure([[1, 2], [3, 4]], titled),
    contourFigure([0, 1], [0, 1], [[1, 2], [3, 4]], titled),
    barFigure(['a', 'b'], [{ name: 'baseline', y: [1, 2] }], titled),
    intervalFigure([{ name: 'hessian', intervals: [{ label: 'n = 5', estimate: 0.1, low: 0, high: 0.2 }] }], titled),
  ];
  figures.push(panelsFigure(figures.slice(0, 4).map((figure, k) => ({ title: `panel ${k}`, figure })), { columns: 2 }));
  for (const figure of figures) {
    const titles = axisTitles(figure);
    assert.ok(Object.keys(titles).length >= 2, JSON.stringify(Object.keys(figure.layout)));
    for (const [key, text] of Object.entries(titles)) assert.ok(text === 'step' || text === 'exact match', `${key} untitled: ${JSON.stringify(figure.layout[key])}`);
  }
  const ranged = figures[0].layout.yaxis as { range?: number[] };
  assert.deepEqual(ranged.range, [-1.5, 1.5]);
});

test('palette: one colour per variant in every figure, whatever the order or the other series', () => {
  assert.equal(colorFor('baseline'), VARIANT_COLORS.baseline);
  assert.equal(colorFor('hessian λ=0.1'), VARIANT_COLORS.hessian);
  assert.equal(colorFor('NL-Fisher'), VARIANT_COLORS.fisher);
  assert.equal(colorFor('fisher λ=1: ‖∇L*‖'), VARIANT_COLORS.fisher);
  assert.equal(new Set(Object.values(VARIANT_COLORS)).size, 3);
  assert.equal(colorFor('cauchy'), colorFor('cauchy'));
  assert.notEqual(colorFor('cauchy'), colorFor('logistic'));
  assert.notEqual(colorFor('logistic'), colorFor('logistic_phi'));
  for (const name of ['neuralsort', 'softsort', 'perturbed-fy', 'loss (scaled)', 'gradient (per map)']) {
    assert.ok(!Object.values(VARIANT_COLORS).includes(colorFor(name)), `${name} takes a variant's colour`);
  }
  const colorsOf = (figure: Figure): Record<string, string> =>
    Object.fromEntries(figure.data.filter((t) => t.showlegend !== false).map((t) => [String(t.name), (t.line as { color: string }).color]));
  const a = colorsOf(lineFigure([line('baseline'), line('hessian'), line('fisher')]));
  const b = colorsOf(bandFigure(['fisher', 'baseline'].map((name) => band(name, xs, xs))));
  assert.equal(a.fisher, b.fisher);
  assert.equal(a.baseline, b.baseline);
  assert.equal(a.hessian, VARIANT_COLORS.hessian);
  assert.notEqual(styleFor('baseline').symbol, styleFor('hessian').symbol, 'coinciding curves differ by their markers');
  const same = bandFigure(['baseline', 'hessian', 'fisher'].map((name) => band(name, [0.1, 0.1, 0.2, 0.2, 0.3], [0, 0, 0, 0, 0]))).data.filter((t) => t.showlegend !== false);
  const widths = same.map((t) => (t.line as { width: number }).width);
  const sizes = same.map((t) => (t.marker as { size: number }).size);
  assert.ok(widths[0] > widths[1] && widths[1] > widths[2] && sizes[0] > sizes[1] && sizes[1] > sizes[2], 'identical curves: the ones below are wider and show around the one on top');
});

test('palette: variants of one method get shades of its colour; "name: detail" pairs share a colour; unknown names differ', () => {
  const figure = lineFigure([line('hessian λ=0.1'), line('hessian λ=1'), line('baseline')]);
  const lines = figure.data.map((t) => t.line as { color: string; dash: string });
  assert.equal(lines[0].color, VARIANT_COLORS.hessian, 'the first keeps the colour itself');
  assert.notEqual(lines[1].color, lines[0].color);
  assert.match(lines[1].color, /^#[0-9a-f]{6}$/);
  assert.equal(lines[2].color, VARIANT_COLORS.baseline);
  const pairs = lineFigure([line('fisher λ=0.01: ‖∇L‖'), { ...line('fisher λ=0.01: ‖∇L*‖'), dash: 'dash' }, line('hessian λ=1: ‖∇L‖'), line('hessian λ=0.1: ‖∇L‖')]);
  const styles = pairs.data.map((t) => t.line as { color: string; dash: string });
  assert.equal(styles[0].color, styles[1].color, 'a before/after pair shares its colour');
  assert.deepEqual(styles.map((s) => s.dash), ['solid', 'dash', 'solid', 'solid'], 'dashes are the caller\'s');
  assert.equal(styles[0].color, VARIANT_COLORS.fisher);
  assert.notEqual(styles[2].color, styles[3].color);
  const names = Array.from({ length: 8 }, (_, k) => `series ${k}`);
  const colours = lineFigure(names.map((name) => line(name))).data.map((t) => (t.line as { color: string }).color);
  assert.equal(new Set(colours).size, names.length, colours.join(' '));
});

test('bandFigure: bands of a bounded metric are clipped to its bounds; the mean is not', () => {
  const figure = bandFigure([band('baseline', [0.05, 0.5, 0.95, 0.5, 0], [0.2, 0.2, 0.2, 0.6, 0.1])], { bounds: [0, 1] });
  const [fill, mean] = figure.data;
  const ys = fill.y as number[];
  assert.ok(ys.every((y) => y >= 0 && y <= 1), ys.join(' '));
  assert.equal(Math.max(...ys), 1);
  assert.equal(Math.min(...ys), 0);
  assert.deepEqual(mean.y, [0.05, 0.5, 0.95, 0.5, 0]);
  const unclipped = bandFigure([band('baseline', [0.05, 0.5, 0.95, 0.5, 0], [0.2, 0.2, 0.2, 0.6, 0.1])]);
  assert.ok(Math.min(...(unclipped.data[0].y as number[])) < 0);
});

test('axes: log axes tick at powers of ten, few of them; small integer data tick at integers', () => {
  const wide = lineFigure([{ name: 'tail', x: xs, y: [1e-30, 1e-20, 1e-10, 1e-5, 1] }], { logY: true });
  const y = wide.layout.yaxis as Record<string, unknown>;
  assert.equal(y.type, 'log');
  assert.equal(y.exponentformat, 'power');
  assert.ok(Number.isInteger(y.dtick) && (y.dtick as number) >= 5, `dtick ${y.dtick}: at most about 6 labels over 30 decades`);
  const narrow = lineFigure([{ name: 'error', x: [3, 10, 30], y: [0.5, 0.2, 0.1] }], { logX: true, logY: true });
  assert.deepEqual((narrow.layout.xaxis as Record<string, unknown>).tickvals, [5, 10, 20], 'a log axis over one decade: 1, 2, 5 times powers of ten, no minor digits');
  assert.deepEqual((narrow.layout.yaxis as Record<string, unknown>).tickvals, [0.1, 0.2, 0.5]);
  const index = lineFigure([{ name: 'neuralsort', x: [1, 2, 3, 4, 5], y: [-0.1, 0, 0.2, 0.4, 0.9] }], { xTitle: 'eigenvalue index' });
  assert.equal((index.layout.xaxis as Record<string, unknown>).dtick, 1);
  assert.equal((index.layout.xaxis as Record<string, unknown>).tickformat, 'd');
  assert.equal((index.layout.yaxis as Record<string, unknown>).dtick, undefined, 'real-valued data keep plotly\'s ticks');
  const cells = heatmapFigure([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]]);
  assert.equal((cells.layout.xaxis as Record<string, unknown>).dtick, 1, 'heatmap cells tick at integers');
  assert.equal((cells.layout.yaxis as Record<string, unknown>).autorange, 'reversed');
});

test('panels and layout: one colour bar, shared legend entries once, legend below the plot for the final margins', () => {
  const heat = (): Figure => heatmapFigure([[0, 1], [1, 0]], { zmin: 0, zmax: 1, zTitle: 'cost' });
  const panels = panelsFigure([{ title: 'a', figure: heat() }, { title: 'b', figure: heat() }, { title: 'c', figure: lineFigure([line('baseline')]) }]);
  assert.deepEqual(panels.data.filter((t) => t.type === 'heatmap').map((t) => t.showscale), [false, true]);
  assert.equal((panels.data[1].colorbar as { title: { text: string } }).title.text, 'cost');
  assert.ok((panels.layout.margin as { t: number }).t >= 60, 'room above the panel titles for the mode bar');
  const shared = panelsFigure(['a', 'b'].map((title) => ({ title, figure: lineFigure([line('baseline'), line('fisher')]) })), { sharedLegend: true });
  assert.deepEqual(shared.data.map((t) => t.showlegend !== false), [true, true, false, false]);
  const byDefault = panelsFigure(['a', 'b'].map((title) => ({ title, figure: lineFigure([line('baseline'), line('fisher')]) })));
  assert.deepEqual(byDefault.data.map((t) => t.showlegend !== false), [true, true, false, false], 'no repeated legend entries by default');
  const every = panelsFigure(['a', 'b'].map((title) => ({ title, figure: lineFigure([line('baseline')]) })), { sharedLegend: false });
  assert.deepEqual(every.data.map((t) => t.showlegend !== false), [true, true]);
  const layout = { ...shared.layout, height: 800, margin: { l: 60, r: 20, t: 130, b: 50 } };
  const legend = finishLayout(layout).legend as { y: number };
  assert.ok(Math.abs(legend.y - -64 / (800 - 130 - 50)) < 1e-12, String(legend.y));
});

test('panelsFigure colorBars each: one colour bar beside every panel with its own scale', () => {
  const heat = (): Figure => heatmapFigure([[0, 1], [1, 0]]);
  const panels = panelsFigure([0, 1, 2, 3].map((k) => ({ title: String(k), figure: heat() })), { columns: 2, colorBars: 'each' });
  const bars = panels.data.map((t) => ({ show: t.showscale, ...(t.colorbar as { x: number; y: number; len: number }) }));
  assert.ok(bars.every((b) => b.show === true));
  assert.ok(bars[0].x < bars[1].x && bars[0].x > 0.3 && bars[1].x > 1, JSON.stringify(bars));
  assert.ok(bars[0].y > 0.5 && bars[2].y < 0.5 && bars[0].len < 0.5);
});

test('barFigure: the categories lie on a category x axis (on a linear axis plotly draws no bars)', () => {
  const figure = barFigure(['item 0', 'item 1'], [{ name: 'baseline', y: [1, -2] }], { xTitle: 'item' });
  assert.equal((figure.layout.xaxis as { type?: string }).type, 'category');
  assert.equal((figure.layout.xaxis as { title?: { text: string } }).title?.text, 'item');
  assert.equal(figure.layout.barmode, 'group');
});
