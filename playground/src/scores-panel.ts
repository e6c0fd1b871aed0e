/**
 * Panel 1: n scores on sliders under the chosen relaxation: the relaxed permutation matrix, the
 * ranking loss, its gradient and the Newton steps of both variants (`probeScores`).
 */
import { probeScores } from '../../src/explore/score-probe';
import { barFigure, heatmapFigure } from '../../src/viz/figures';
import { select, slider, type Slider } from './controls';
import { draw, type GraphElement } from './plot';
import type { Settings } from './settings';

/** The starting scores: notebook 02's five, extended to eight. */
const START = [0.9, -0.2, 0.35, -1.0, 0.1, 1.4, -0.6, 0.6];

export class ScoresPanel {
  private sliders: Slider[] = [];
  private readonly sliderBox: HTMLElement;
  private readonly size: HTMLSelectElement;
  private readonly permutationPlot: GraphElement;
  private readonly stepsPlot: GraphElement;
  private readonly readout: HTMLElement;
  private readonly listeners: (() => void)[] = [];

  constructor(root: HTMLElement, private readonly settings: Settings) {
    const controls = root.querySelector<HTMLElement>('.controls')!;
    this.size = select(controls, {
      id: 'n',
      label: 'n',
      choices: [3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), text: String(n) })),
      value: '5',
      onChange: () => {
        this.makeSliders();
        this.changed();
      },
    });
    this.sliderBox = document.createElement('div');
    this.sliderBox.className = 'scores';
    controls.append(this.sliderBox);
    this.permutationPlot = root.querySelector<GraphElement>('#permutation-plot')!;
    this.stepsPlot = root.querySelector<GraphElement>('#steps-plot')!;
    this.readout = root.querySelector<HTMLElement>('#probe-readout')!;
    this.makeSliders();
  }

  /** The current scores y [n]. */
  scores(): number[] {
    return this.sliders.map((s) => s.value());
  }

  /** Calls `listener` when the scores change (the sweep starts from them). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async update(): Promise<void> {
    const scores = this.scores();
    const lambda = this.settings.lambda();
    const probe = probeScores(this.settings.relaxation(), scores, { lambda });
    const items = scores.map((_, i) => `item ${i}`);
    const heatmap = heatmapFigure(probe.permutation, { title: `relaxed permutation P: ${this.settings.describe()}`, xTitle: 'ascending position j', yTitle: 'input i', zmin: 0, zmax: 1, colorscale: 'Blues', zTitle: 'P[i][j]' });
    heatmap.data[0].reversescale = true;
    const steps = barFigure(items, [
      { name: 'score y', y: scores },
      { name: 'gradient ∇l', y: probe.gradient },
      { name: `Hessian step z* − y (λ = ${lambda.toPrecision(2)})`, y: probe.newton.hessian.step },
      { name: `Fisher step z* − y (λ = ${lambda.toPrecision(2)})`, y: probe.newton.fisher.step },
    ], { title: 'scores, gradient and Newton steps per item', yTitle: 'value' });
    await Promise.all([draw(this.permutationPlot, heatmap), draw(this.stepsPlot, steps)]);
    const { hessian, fisher } = probe.newton;
    this.readout.textContent = [
      `ranking loss l(y) = ${probe.loss.toPrecision(4)}    ‖∇l‖ = ${Math.hypot(...probe.gradient).toPrecision(3)}`,
      `Hessian: l(z*) = ${hessian.lossAtTarget.toPrecision(4)}, eigenvalues of H + λI in [${hessian.eigenvalueMin.toPrecision(3)}, ${hessian.eigenvalueMax.toPrecision(3)}]`,
      `Fisher:  l(z*) = ${fisher.lossAtTarget.toPrecision(4)}, eigenvalues of g gᵀ + λI in [${fisher.eigenvalueMin.toPrecision(3)}, ${fisher.eigenvalueMax.toPrecision(3)}]`,
    ].join('\n');
  }

  private makeSliders(): void {
    const n = Number(this.size.value);
    const previous = this.scores();
    this.sliderBox.replaceChildren();
    this.sliders = Array.from({ length: n }, (_, i) =>
      slider(this.sliderBox, { id: `score-${i}`, label: `y${i}`, min: -3, max: 3, step: 0.01, value: previous[i] ?? START[i], onInput: () => this.changed() }),
    );
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
