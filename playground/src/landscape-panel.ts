/**
 * Panel 3: the ranking loss over two scores (three items, the third at 0, true order 0 < 1 < 2) with
 * gradient-descent and Newton paths from a start the student clicks (`twoScoreRankingLoss`,
 * `lossSurface`, `descentPath`).
 */
import { descentPath, type DescentMethod } from '../../src/explore/descent-paths';
import { lossSurface, twoScoreRankingLoss } from '../../src/explore/two-score-landscape';
import { VARIANT_COLORS, contourFigure } from '../../src/viz/figures';
import { slider, type Slider } from './controls';
import { draw, type GraphElement } from './plot';
import type { Settings } from './settings';

const GRID = Array.from({ length: 41 }, (_, k) => -3 + (6 * k) / 40);
const STEPS = 15;

export class LandscapePanel {
  private start = [0.8, -0.6];
  private readonly plot: GraphElement;
  private readonly learningRate: Slider;
  private readonly readout: HTMLElement;
  private listening = false;

  constructor(root: HTMLElement, private readonly settings: Settings) {
    this.plot = root.querySelector<GraphElement>('#landscape-plot')!;
    this.readout = root.querySelector<HTMLElement>('#landscape-readout')!;
    this.learningRate = slider(root.querySelector<HTMLElement>('.controls')!, { id: 'learning-rate', label: 'gradient-descent step size', min: -1, max: 2, step: 0.05, value: 10, log: true, onInput: () => void this.update() });
  }

  async update(): Promise<void> {
    const lambda = this.settings.lambda();
    const loss = twoScoreRankingLoss(this.settings.relaxation());
    const figure = contourFigure(GRID, GRID, lossSurface(loss, GRID, GRID), { title: `ranking loss of (y0, y1, 0): ${this.settings.describe()}; click to start`, xTitle: 'y0', yTitle: 'y1', zTitle: 'loss', colorscale: 'Greys' });
    const paths: { name: string; method: DescentMethod; color: string }[] = [
      { name: `gradient descent, step ${this.learningRate.value().toPrecision(2)}`, method: { kind: 'gradient', learningRate: this.learningRate.value() }, color: VARIANT_COLORS.baseline },
      { name: `Newton, Hessian, λ = ${lambda.toPrecision(2)}`, method: { kind: 'newton', variant: 'hessian', lambda }, color: VARIANT_COLORS.hessian },
      { name: `Newton, Fisher, λ = ${lambda.toPrecision(2)}`, method: { kind: 'newton', variant: 'fisher', lambda }, color: VARIANT_COLORS.fisher },
    ];
    const lines: string[] = [];
    for (const { name, method, color } of paths) {
      const path = descentPath(loss, this.start, method, STEPS);
      figure.data.push({ type: 'scatter', mode: 'lines+markers', name, x: path.points.map((p) => p[0]), y: path.points.map((p) => p[1]), line: { color, width: 2 }, marker: { color, size: 6 } });
      lines.push(`${name}: loss ${path.losses[0].toPrecision(3)} → ${path.losses[path.losses.length - 1].toPrecision(3)} after ${path.points.length - 1} steps${path.diverged ? ' (diverged)' : ''}`);
    }
    Object.assign(figure.layout, { xaxis: { ...(figure.layout.xaxis as object), range: [-3, 3] }, yaxis: { ...(figure.layout.yaxis as object), range: [-3, 3] }, legend: { orientation: 'h', y: -0.2 } });
    await draw(this.plot, figure, 520);
    this.readout.textContent = `start (${this.start.map((v) => v.toFixed(2)).join(', ')}), ${STEPS} steps\n${lines.join('\n')}`;
    if (!this.listening && this.plot.on) {
      this.listening = true;
      this.plot.on('plotly_click', (event) => {
        const point = (event as { points?: { x: number; y: number }[] }).points?.[0];
        if (!point) return;
        this.start = [point.x, point.y];
        void this.update();
      });
    }
  }
}
