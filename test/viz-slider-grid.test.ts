import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridRows, lineFigure, panelsFigure, pathMarkers, probabilityHeatmap, rgbImageFigure, sliderFigure } from '../src/viz/index';

const frame = (lambda: number) => ({
  label: String(lambda),
  figure: panelsFigure([
    { title: 'a', figure: lineFigure([{ name: 'gradient', x: [0, 1], y: [0, lambda] }, { name: 'NL-Fisher', x: [0, 1], y: [1, lambda] }], { xTitle: 'x', yTitle: 'y' }) },
    { title: 'b', figure: lineFigure([{ name: 'gradient', x: [0, 1], y: [2, lambda] }], { xTitle: 'x', yTitle: 'y' }) },
  ], { title: 'sweep', height: 400 }),
});

test('sliderFigure: every frame drawn, only the active one visible; each step shows exactly its own traces', () => {
  const frames = [frame(0.01), frame(0.1), frame(1)];
  const figure = sliderFigure(frames, { active: 1 });
  assert.equal(figure.data.length, 9);
  assert.deepEqual(figure.data.map((t) => t.visible), [false, false, false, true, true, true, false, false, false]);
  const slider = (figure.layout.sliders as { active: number; steps: { label: string; method: string; args: [string, boolean[]] }[]; currentvalue: { prefix: string } }[])[0];
  assert.equal(slider.active, 1);
  assert.equal(slider.currentvalue.prefix, 'λ = ');
  assert.deepEqual(slider.steps.map((s) => s.label), ['0.01', '0.1', '1']);
  slider.steps.forEach((step, k) => {
    assert.equal(step.method, 'restyle');
    assert.equal(step.args[0], 'visible');
    assert.deepEqual(step.args[1], figure.data.map((_, i) => Math.floor(i / 3) === k), `step ${k}`);
  });
  // The frames' axes, titles and panels are kept; the slider gets its own room above the plot.
  assert.deepEqual((figure.layout.xaxis2 as { title: { text: string } }).title.text, 'x');
  assert.equal(figure.layout.height, 400 + 120);
  assert.ok((figure.layout.margin as { t: number }).t > (frames[0].figure.layout.margin as { t: number }).t);
  assert.throws(() => sliderFigure([]), /sliderFigure: frames must hold at least one/);
  assert.throws(() => sliderFigure(frames, { active: 3 }), /sliderFigure: active must be a frame index in \[0, 2\], got 3/);
});

test('gridRows, pathMarkers, probabilityHeatmap: grid k of a row-major batch, markers on its path cells, [0, 1] blues', () => {
  const values = [0, 1, 2, 3, 10, 11, 12, 13]; // two 2 × 2 grids
  assert.deepEqual(gridRows(values, 2, 1), [[10, 11], [12, 13]]);
  assert.throws(() => gridRows(values, 2, 2), /gridRows: grid k = 2 is not in values \(8 numbers = 2 grids of 2 × 2\)/);
  const trace = pathMarkers([1, 0, 0, 1, 0, 1, 1, 0], 2, { k: 1, color: 'black' });
  assert.deepEqual([trace.x, trace.y], [[1, 0], [0, 1]]);
  assert.equal((trace.marker as { color: string }).color, 'black');
  const heatmap = probabilityHeatmap([[0, 0.5], [1, 0]], { zTitle: 'P' });
  assert.equal(heatmap.data[0].zmin, 0);
  assert.equal(heatmap.data[0].zmax, 1);
  assert.equal(heatmap.data[0].reversescale, true);
  assert.deepEqual((heatmap.data[0].colorbar as { title: { text: string } }).title.text, 'P');
  const image = rgbImageFigure(Uint8Array.from({ length: 12 }, (_, k) => k), 2);
  assert.deepEqual(image.data[0].z, [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
  assert.throws(() => rgbImageFigure([1, 2, 3], 2), /rgbImageFigure: pixels must hold side² · 3 = 12 values for side 2, got 3/);
});
